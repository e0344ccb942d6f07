package missions

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
)

// The programme's rules as pure methods on its documents: no store.

// ruleYear is a live year with the starting catalogue and the usual sessions.
func ruleYear() Year {
	areas, ms := StartingCatalogue(time.Date(2022, 9, 1, 0, 0, 0, 0, time.UTC), "test")
	return Year{ID: "2022-23", State: YearLive, Areas: areas, Missions: ms, Sessions: defaultSessions("2022-23"), Categories: DefaultCategories}
}

// ruleTeam has Amira (j1, trained, photo consent), Ben (j2, trained) and Cal (j3, first
// session only).
func ruleTeam() Team {
	return Team{ID: "2022-23:120001", Year: "2022-23", URN: 120001, School: "Boston Primary", JOSOs: []JOSO{
		{ID: "j1", Name: "Amira K", Attended: []string{"s1", "s3"}, Consent: Consent{Photos: true, Certificate: true, Celebration: true}},
		{ID: "j2", Name: "Ben T", Attended: []string{"s1", "s2"}},
		{ID: "j3", Name: "Cal D", Attended: []string{"s1"}},
	}}
}

func TestYearMovesFollowItsStates(t *testing.T) {
	for _, c := range []struct {
		state, move string
		anonymised  bool
		ok          bool
	}{
		{YearSetup, "open", false, true}, {YearSetup, "close", false, false},
		{YearLive, "close", false, true}, {YearLive, "archive", false, false},
		{YearClosed, "reopen", false, true}, {YearClosed, "archive", false, true},
		{YearClosed, "reopen", true, false}, {YearArchived, "reopen", false, false},
	} {
		y := Year{State: c.state}
		if c.anonymised {
			y.Anonymised = time.Now()
		}
		if err := y.CanMove(c.move); (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrYearState)) {
			t.Errorf("%s (anonymised %v) %s: %v, want allowed %v", c.state, c.anonymised, c.move, err, c.ok)
		}
	}
	if err := (Year{State: YearLive}).CanMove("explode"); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown move: %v, want ErrInvalid", err)
	}
	for st, want := range map[string]bool{YearSetup: true, YearLive: true, YearClosed: false, YearArchived: false} {
		if got := (Year{State: st}).Changeable(); got != want {
			t.Errorf("a %s year changeable: %v, want %v", st, got, want)
		}
	}
}

func TestNewSessionsAndMissionsNeverReuseAnID(t *testing.T) {
	y := ruleYear()
	y.NextSession = 9 // s5 to s8 were made and removed
	y.schedule(append(slices.Clone(y.Sessions[:2]), Session{Kind: SessionReview, Title: "Spring review", Date: "2023-03-01"}))
	if got := y.Sessions[2].ID; got != "s9" || y.NextSession != 10 {
		t.Errorf("the new session is %s (next %d), want s9 (next 10)", got, y.NextSession)
	}
	y.Missions = slices.DeleteFunc(y.Missions, func(m Mission) bool { return m.ID == "m2" })
	y.addMission("a1", "Selfie safety", "Make a selfie checklist", Rule{Base: 10})
	if m := y.Missions[len(y.Missions)-1]; m.ID != "m9" || m.Activities[0].ID != "m9-a1" {
		t.Errorf("the new mission is %s with %s, want m9 with m9-a1 (m8 is taken)", m.ID, m.Activities[0].ID)
	}
}

func TestApprovalAwardsEachAudienceItsBonusToTrainedJOSOsWithinTheCap(t *testing.T) {
	y, team := ruleYear(), ruleTeam()
	// The assembly: base 25, whole school 20, parents 0, KS1 10, KS2 10.
	a := Activity{Type: "m5-a1", Status: ActivitySubmitted, WholeTeam: true, Audiences: []string{AudienceKS1, AudienceParents, AudienceWholeSchool}}
	if err := a.approve(y, team, 0, "admin", time.Now()); err != nil {
		t.Fatal(err)
	}
	ap, _ := a.Current()
	got := map[string]int{}
	for _, aw := range ap.Award {
		got[aw.Component] = aw.Amount
	}
	want := map[string]int{ComponentBase: 25, AudienceWholeSchool: 20, AudienceKS1: 10} // no parents bonus: none in the rule
	if !maps(got, want) || ap.Total() != 55 || !slices.Equal(ap.JOSOs, []string{"j1", "j2"}) || ap.Area != "a4" {
		t.Errorf("approval %+v, want %v credited to j1 and j2 in area a4", ap, want)
	}
	if err := a.approve(y, team, 0, "admin", time.Now()); !errors.Is(err, errAlreadyDone) {
		t.Errorf("approving twice: %v", err)
	}
	// Worry boxes: cap 60, of which 50 is earned already: 10 left of base 15.
	w := Activity{Type: "m3-a1", Status: ActivitySubmitted, JOSOs: []string{"j1"}, Audiences: []string{AudienceKS1}}
	if err := w.approve(y, team, 50, "admin", time.Now()); err != nil {
		t.Fatal(err)
	}
	if ap, _ := w.Current(); ap.Total() != 10 {
		t.Errorf("capped approval earns %d, want 10", ap.Total())
	}
	for _, st := range []string{ActivityDraft, ActivityReturned} {
		d := Activity{Type: "m5-a1", Status: st}
		if err := d.approve(y, team, 0, "admin", time.Now()); !errors.Is(err, ErrNotSubmitted) {
			t.Errorf("approving a %s activity: %v", st, err)
		}
	}
	if err := a.unapprove("admin", "wrong school", time.Now()); err != nil || a.Status != ActivitySubmitted || a.Approvals[0].Reason != "wrong school" {
		t.Errorf("withdrawing the approval: %v, %+v", err, a)
	}
	if err := a.unapprove("admin", "again", time.Now()); !errors.Is(err, ErrNotApproved) {
		t.Errorf("withdrawing again: %v", err)
	}
}

func maps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestWhatALinkTeacherMayChangeOnAnActivity(t *testing.T) {
	y, team := ruleYear(), ruleTeam()
	in := ActivityInput{Type: "m8-a1", Date: "2023-03-01", JOSOs: []string{"j1"}, Audiences: []string{AudienceKS2, AudienceKS1, AudienceKS2}, Description: "  Posters  "}
	a, err := in.activity(y, team, true, audit.Actor{Name: "link teacher:x"})
	if err != nil || a.Status != ActivitySubmitted || a.Description != "Posters" || !slices.Equal(a.Audiences, []string{AudienceKS1, AudienceKS2}) {
		t.Fatalf("submitted activity %+v, %v", a, err)
	}
	if _, err := (ActivityInput{Type: "m8-a1", Date: "2023-03-01", JOSOs: []string{"j3"}}).activity(y, team, false, audit.Actor{}); !errors.Is(err, ErrUntrained) {
		t.Errorf("naming an untrained JOSO: %v", err)
	}
	old := Activity{ID: "a1", Status: ActivityReturned, Note: "add a photo", Evidence: []EvidenceFile{{ID: "f1"}}, Created: time.Unix(1, 0)}
	if err := old.replaceWith(a); err != nil || old.ID != "a1" || old.Note != "add a photo" || len(old.Evidence) != 1 || old.Status != ActivitySubmitted {
		t.Errorf("resubmitting a returned activity: %v, %+v", err, old)
	}
	if err := old.replaceWith(a); !errors.Is(err, ErrNotEditable) {
		t.Errorf("changing a submitted activity: %v", err)
	}
	full := Activity{Status: ActivityDraft, Evidence: make([]EvidenceFile, MaxEvidencePerActivity)}
	if err := full.canAttach(); !errors.Is(err, ErrEvidenceCount) {
		t.Errorf("a sixth file: %v", err)
	}
	if err := (Activity{Status: ActivityApproved}).canAttach(); !errors.Is(err, ErrNotEditable) {
		t.Errorf("a file on an approved activity: %v", err)
	}
	if !team.PhotoConsent(Activity{JOSOs: []string{"j1"}}) || team.PhotoConsent(Activity{WholeTeam: true}) {
		t.Error("photos showing faces need photo consent for every JOSO who took part, the whole team being every active JOSO")
	}
}

func TestAttendanceAndAnonymisingChangeOnlyTheTeam(t *testing.T) {
	team := ruleTeam()
	if err := team.attend("s2", []string{"j3"}); err != nil {
		t.Fatal(err)
	}
	if !team.JOSOs[2].Trained(ruleYear()) || slices.Contains(team.JOSOs[1].Attended, "s2") {
		t.Errorf("after s2 for Cal only: %+v", team.JOSOs)
	}
	team.JOSOs[1].Withdrawn = true
	if !team.JOSOs[0].Nameable(ruleYear()) || team.JOSOs[1].Nameable(ruleYear()) {
		t.Error("a trained JOSO can be named in an activity, a withdrawn one cannot")
	}
	if err := team.attend("s2", []string{"j9"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("attendance for a JOSO of another team: %v", err)
	}
	team.JOSOs[0].Anonymised, team.Nominations = true, []Nomination{{Reason: "Amira led it"}}
	if n := team.anonymise(); n != 2 || team.JOSOs[1].Name != "JOSO 2" || team.Nominations[0].Reason != RemovedReason || team.JOSOs[0].Name != "Amira K" {
		t.Errorf("anonymised %d: %+v", n, team)
	}
	y := Year{State: YearClosed, AnonymiseOn: "2023-12-31"}
	if y.AnonymiseDue("2023-12-30") || !y.AnonymiseDue("2023-12-31") || (Year{State: YearLive, AnonymiseOn: "2000-01-01"}).AnonymiseDue("2023-12-31") {
		t.Error("a year's names go on its day once it is over, not before")
	}
}

func TestServicesAuditWhatTheActorDid(t *testing.T) {
	ctx := context.Background()
	p, team := liveTeam(t)
	a := submitted(t, p, team, AudienceKS1)
	who := audit.Actor{Name: "officer@lscp.example", IP: "192.0.2.7"}
	if _, _, err := p.Ledger.Approve(ctx, who, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Ledger.Reverse(ctx, who, "2022-23", entryKey(a.ID, 1, ComponentBase), "counted twice"); err != nil {
		t.Fatal(err)
	}
	// A refusal leaves no entry.
	if _, err := p.Activities.Return(ctx, who, a.ID, "add a photo"); !errors.Is(err, ErrNotEditable) {
		t.Fatalf("returning an approved activity: %v", err)
	}
	var got []audit.Entry
	err := audit.New(p.st).Each(ctx, audit.Filter{Who: "officer@"}, 0, func(e audit.Entry) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{audit.ActionJOSOApproved: "2 ledger entries posted", audit.ActionJOSOReversal: "-25 XP: counted twice"}
	if len(got) != len(want) {
		t.Fatalf("audit entries %+v, want %v", got, want)
	}
	for _, e := range got {
		if want[e.Action] != e.Detail || e.IP != who.IP {
			t.Errorf("entry %+v, want detail %q from %s", e, want[e.Action], who.IP)
		}
	}
}

func TestTheCelebrationNamesOnlyJOSOsWithConsent(t *testing.T) {
	y, team := ruleYear(), ruleTeam() // only Amira (j1) may be named at the celebration
	team.Nominations = []Nomination{{Category: "Awesome Creativity", JOSO: "j1", Decision: DecisionAwarded},
		{Category: "Super Commitment", JOSO: "j2", Decision: DecisionAwarded}, {Category: "Brilliant Engagement", Decision: DecisionAwarded},
		{Category: "Brilliant Engagement", JOSO: "j3", Decision: DecisionDeclined}}
	quiet := Team{ID: "2022-23:120002", School: "Kirton Primary"}
	approved := func(id, team, typ string) Activity {
		return Activity{ID: id, Team: team, Type: typ, Status: ActivityApproved, Approvals: []Approval{{Cycle: 1}}}
	}
	acts := []Activity{approved("x3", team.ID, "m5-a1"), approved("x2", team.ID, "m8-a1"), approved("x1", team.ID, "m5-a1"),
		{ID: "x0", Team: team.ID, Type: "m1-a1", Status: ActivitySubmitted}}
	f := YearFigures{Year: y, Standings: []Standing{{Team: team, Activities: 3, XP: 80, Band: "Silver"}, {Team: quiet}}}
	got := Celebrated(f, acts)
	if len(got) != 1 {
		t.Fatalf("schools celebrated: %+v, want only the school with approved activities", got)
	}
	cs := got[0]
	wantAwards := []CelebratedAward{{"Awesome Creativity", "Amira K"}, {"Super Commitment", "A JOSO"}, {"Brilliant Engagement", "The JOSO team"}}
	if !slices.Equal(cs.Named, []string{"Amira K"}) || cs.Unnamed != 2 || !slices.Equal(cs.Awards, wantAwards) ||
		!slices.Equal(cs.Missions, []string{"Fact or fake assembly", "Poster competition"}) {
		t.Errorf("celebrated %+v", cs)
	}
}

func TestATeamLogsActivitiesOnceTrainedWhileItsYearTakesXP(t *testing.T) {
	y, team := ruleYear(), ruleTeam()
	if err := team.CanLog(y); err != nil {
		t.Errorf("a trained team in a live year: %v", err)
	}
	untrained := Team{JOSOs: []JOSO{{ID: "j1", Attended: []string{"s1"}}}}
	if err := untrained.CanLog(y); !errors.Is(err, ErrNotReleased) {
		t.Errorf("a team with nobody trained: %v", err)
	}
	closed := y
	closed.State = YearClosed
	if err := team.CanLog(closed); !errors.Is(err, ErrYearClosed) {
		t.Errorf("a closed year: %v", err)
	}
	if !(Activity{Status: ActivityReturned}).EditableIn(y) || (Activity{Status: ActivityDraft}).EditableIn(closed) || (Activity{Status: ActivitySubmitted}).EditableIn(y) {
		t.Error("a link teacher changes a draft or returned activity, and only while the year takes XP")
	}
}

func TestProgressCountsOnlyApprovalsInForce(t *testing.T) {
	y := ruleYear()
	approved := Activity{Status: ActivityApproved, Approvals: []Approval{
		{Mission: "m5", Strands: []string{"information"}, Award: []Award{{Amount: 25}, {Amount: 10}}, Withdrawn: time.Now()},
		{Mission: "m5", Strands: []string{"information"}, Award: []Award{{Amount: 30}}}}}
	withdrawn := Activity{Status: ActivitySubmitted, Approvals: []Approval{{Mission: "m1", Strands: []string{"self-image"}, Award: []Award{{Amount: 20}}, Withdrawn: time.Now()}}}
	p := ProgressOf(y, []Activity{approved, withdrawn})
	i := slices.IndexFunc(p.Missions, func(m MissionProgress) bool { return m.Title == "Fact or fake assembly" })
	if i < 0 || !p.Missions[i].Done || p.Missions[i].XP != 30 || p.Missions[0].Done || p.Covered != 1 || len(p.Strands) != 8 {
		t.Errorf("progress %+v", p)
	}
}

func TestALinkTeacherNeedsAnEmailAddressAndAName(t *testing.T) {
	_, _, err := checkTeacher("not an address", "  ")
	var verrs ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) != 2 || verrs[0].Field != "email" || verrs[1].Field != "name" || !errors.Is(err, ErrInvalid) {
		t.Errorf("both wrong: %v", err)
	}
	if email, name, err := checkTeacher(" Lead@School.SCH.uk ", "Sam  Lead"); err != nil || email != "lead@school.sch.uk" || name != "Sam Lead" {
		t.Errorf("both right: %q %q %v", email, name, err)
	}
}
