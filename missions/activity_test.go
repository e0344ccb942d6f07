package missions

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/audit"
)

// fieldMessage finds the message a validation error gives a field.
func fieldMessage(err error, field string) string {
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		return ""
	}
	for _, e := range verrs {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func TestWholeTeamAndNamedJOSOsAreExclusive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	in := ActivityInput{Type: "m8-a1", Date: "2023-03-01", WholeTeam: true, JOSOs: []string{"j1"}, Description: "Posters"}
	for _, submit := range []bool{false, true} { // a draft too: it would be sent as saved
		_, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, in, submit)
		if !errors.Is(err, ErrWholeTeamAndNamed) || fieldMessage(err, "josos") == "" {
			t.Fatalf("submit %v: whole team and a named JOSO: %v", submit, err)
		}
	}
	in.WholeTeam = false
	if _, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, in, true); err != nil {
		t.Fatalf("named JOSOs only: %v", err)
	}
}

// trainingTeam is liveTeam's school with two more JOSOs: Cara, who attended only the first
// taught session, and Dev, trained and then withdrawn.
func trainingTeam(t *testing.T) (*Programme, Team) {
	t.Helper()
	ctx := context.Background()
	p, team := liveTeam(t)
	var err error
	for _, n := range []string{"Cara D", "Dev P"} {
		if team, _, err = p.Teams.AddJOSO(ctx, tester, team.ID, team.Version, n, Consent{}); err != nil {
			t.Fatal(err)
		}
	}
	for s, who := range map[string][]string{"s1": {"j1", "j2", "j3", "j4"}, "s2": {"j4"}} {
		if team, err = p.Teams.SetAttendance(ctx, tester, team.ID, 0, s, who); err != nil {
			t.Fatal(err)
		}
	}
	if team, err = p.Teams.ChangeJOSO(ctx, tester, team.ID, 0, "j4", JOSOChange{Name: "Dev P", Withdrawn: true}); err != nil {
		t.Fatal(err)
	}
	return p, team
}

func TestXPGoesOnlyToTrainedJOSOsWhoTookPart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := trainingTeam(t)
	approve := func(in ActivityInput) []Entry {
		t.Helper()
		a, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, in, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin"}, a.ID); err != nil {
			t.Fatal(err)
		}
		es, err := p.Ledger.Entries(ctx, EntryFilter{Activity: a.ID})
		if err != nil || len(es) == 0 {
			t.Fatalf("entries: %v %v", es, err)
		}
		return es
	}
	// The whole team is the trained JOSOs still in it: not Cara (one session), not Dev (withdrawn).
	for _, e := range approve(ActivityInput{Type: "m5-a1", Date: "2023-02-07", WholeTeam: true, Audiences: []string{AudienceKS1}, Description: "Assembly"}) {
		if !slices.Equal(e.JOSOs, []string{"j1", "j2"}) {
			t.Fatalf("whole-team entry %s credits %v, want [j1 j2]", e.Key, e.JOSOs)
		}
	}
	// Cara cannot be named until she is trained.
	_, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, ActivityInput{Type: "m8-a1", Date: "2023-03-01", JOSOs: []string{"j1", "j3"}, Description: "Posters"}, true)
	if !errors.Is(err, ErrUntrained) || !strings.Contains(fieldMessage(err, "josos"), "Cara D") {
		t.Fatalf("naming an untrained JOSO: %v", err)
	}
	// Named JOSOs whose training is corrected before approval are credited only if still trained.
	a, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, ActivityInput{Type: "m8-a1", Date: "2023-03-01", JOSOs: []string{"j1", "j2"}, Description: "Posters"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if team, err = p.Teams.SetAttendance(ctx, tester, team.ID, 0, "s3", []string{"j1"}); err != nil { // Ben's catch-up was recorded in error
		t.Fatal(err)
	}
	if _, _, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin"}, a.ID); err != nil {
		t.Fatal(err)
	}
	es, _ := p.Ledger.Entries(ctx, EntryFilter{Activity: a.ID})
	for _, e := range es {
		if !slices.Equal(e.JOSOs, []string{"j1"}) {
			t.Fatalf("named entry %s credits %v, want [j1]", e.Key, e.JOSOs)
		}
	}
	tot, _ := p.Ledger.CachedTotals(ctx, team.ID)
	if tot.JOSOs["j3"] != 0 || tot.JOSOs["j4"] != 0 {
		t.Fatalf("untrained or withdrawn JOSOs earned XP: %v", tot.JOSOs)
	}
}

func TestActivityDateFallsInItsProgrammeYear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	for date, ok := range map[string]bool{"2022-08-31": false, "2022-09-01": true, "2023-08-31": true, "2023-09-01": false, "2019-02-07": false} {
		_, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, ActivityInput{Type: "m8-a1", Date: date, JOSOs: []string{"j1"}, Description: "Posters"}, false)
		msg := fieldMessage(err, "date")
		if ok != (err == nil) || (!ok && !strings.Contains(msg, "2022-23")) {
			t.Errorf("%s: %v (%q)", date, err, msg)
		}
	}
}
