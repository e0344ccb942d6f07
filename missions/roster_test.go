package missions

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestTwoJOSOsOfASchoolCannotShareADisplayName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t) // Amira K (j1) and Ben T (j2)
	for _, name := range []string{"Amira K", "amira K.", " AMIRA   K "} {
		if _, _, err := p.AddJOSO(ctx, team.ID, 0, name, Consent{}); !errors.Is(err, ErrDuplicateName) || !strings.Contains(err.Error(), "Amira K") {
			t.Errorf("adding %q: %v", name, err)
		}
	}
	if _, err := p.ChangeJOSO(ctx, team.ID, 0, "j2", JOSOChange{Name: "amira K"}); !errors.Is(err, ErrDuplicateName) {
		t.Errorf("renaming Ben to Amira: %v", err)
	}
	// A JOSO keeps their own name, and another school may have an Amira K.
	if _, err := p.ChangeJOSO(ctx, team.ID, 0, "j1", JOSOChange{Name: "Amira K."}); err != nil {
		t.Errorf("saving Amira as herself: %v", err)
	}
	other, err := p.Enrol(ctx, "2022-23", SchoolRef{URN: 120002, Name: "Kirton Primary"}, "x@kirton.example", "Kim Lee")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.AddJOSO(ctx, other.ID, 0, "Amira K", Consent{}); err != nil {
		t.Errorf("Amira K at another school: %v", err)
	}
	got, _ := p.Team(ctx, team.ID)
	if len(got.JOSOs) != 2 {
		t.Errorf("the team has %d JOSOs, want 2", len(got.JOSOs))
	}
}

func TestASessionWithAttendanceCannotBeRemovedAndRemovalIsConfirmed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, _ := liveTeam(t) // attendance at s1 and s3
	y, _ := p.Year(ctx, "2022-23")
	without := func(id string) []Session {
		var out []Session
		for _, s := range y.Sessions {
			if s.ID != id {
				out = append(out, s)
			}
		}
		return out
	}
	for _, confirmed := range []bool{false, true} {
		_, err := p.SetSessions(ctx, y.ID, without("s3"), confirmed)
		var attended *SessionAttendedError
		if !errors.Is(err, ErrSessionAttended) || !errors.As(err, &attended) || attended.Session.ID != "s3" || !strings.Contains(err.Error(), "Catch-up") {
			t.Fatalf("removing an attended session (confirmed %v): %v", confirmed, err)
		}
	}
	_, err := p.SetSessions(ctx, y.ID, without("s4"), false)
	var unconfirmed *RemovalError
	if !errors.Is(err, ErrRemovalUnconfirmed) || !errors.As(err, &unconfirmed) || len(unconfirmed.Sessions) != 1 || unconfirmed.Sessions[0].ID != "s4" {
		t.Fatalf("removing without confirmation: %v", err)
	}
	if got, _ := p.Year(ctx, y.ID); len(got.Sessions) != 4 {
		t.Fatalf("a refused change removed a session: %+v", got.Sessions)
	}
	got, err := p.SetSessions(ctx, y.ID, without("s4"), true)
	if err != nil || len(got.Sessions) != 3 {
		t.Fatalf("confirmed removal: %v %+v", err, got.Sessions)
	}
	// Changing sessions without removing any needs no confirmation.
	if _, err := p.SetSessions(ctx, y.ID, got.Sessions, false); err != nil {
		t.Fatalf("saving unchanged sessions: %v", err)
	}
}
