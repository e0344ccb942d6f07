package missions

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/lscp/assure/internal/audit"
)

// liveTeam makes a live year with one school whose two JOSOs are trained.
func liveTeam(t *testing.T) (*Programme, Team) {
	t.Helper()
	ctx := context.Background()
	p := newProgramme(t)
	if _, err := p.Catalogue.Create(ctx, audit.Actor{Name: "admin@lscp.example"}, "2022-23"); err != nil {
		t.Fatal(err)
	}
	team, err := p.Teams.Enrol(ctx, tester, "2022-23", SchoolRef{URN: 120001, Name: "Boston Primary School"}, "link@boston.example", "Sam Teacher")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Amira K", "Ben T"} {
		if team, _, err = p.Teams.AddJOSO(ctx, tester, team.ID, team.Version, n, Consent{Certificate: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{"s1", "s3"} { // the first session and the catch-up for the second
		if team, err = p.Teams.SetAttendance(ctx, tester, team.ID, team.Version, s, []string{"j1", "j2"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Catalogue.Move(ctx, audit.Actor{Name: "admin@lscp.example"}, "2022-23", "open"); err != nil {
		t.Fatal(err)
	}
	return p, team
}

// submitted logs and submits an assembly (base 25, whole school 20, KS1 10, KS2 10)
// that reached parents and KS1 (the assembly's rule has no parents bonus).
func submitted(t *testing.T, p *Programme, team Team, audiences ...string) Activity {
	t.Helper()
	a, err := p.Activities.Save(context.Background(), audit.Actor{Name: "link@boston.example"}, team.ID, "", 0, ActivityInput{Type: "m5-a1", Date: "2023-02-07", WholeTeam: true,
		Audiences: audiences, Reach: 120, Description: "Assembly on fake news for KS1"}, true)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestApprovalIsIdempotentUnderConcurrentRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	a := submitted(t, p, team, AudienceKS1, AudienceWholeSchool)

	var wg sync.WaitGroup
	posted := make([]int, 8)
	errs := make([]error, 8)
	for i := range posted {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, posted[i], errs[i] = p.Ledger.Approve(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID)
		}()
	}
	wg.Wait()
	total := 0
	for i := range posted {
		if errs[i] != nil {
			t.Fatalf("approval %d: %v", i, errs[i])
		}
		total += posted[i]
	}
	if total != 3 {
		t.Fatalf("eight concurrent approvals posted %d entries, want 3 (base, whole school, KS1)", total)
	}
	es, err := p.Ledger.Entries(ctx, EntryFilter{Activity: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, e := range es {
		sum += e.Amount
		if e.RuleVersion != 1 || e.Rule != "m5-a1" || len(e.JOSOs) != 2 || e.Actor != "admin@lscp.example" {
			t.Errorf("entry %+v: want rule m5-a1 v1, two JOSOs, the admin", e)
		}
	}
	if len(es) != 3 || sum != 55 {
		t.Fatalf("ledger has %d entries summing %d, want 3 summing 55", len(es), sum)
	}
	tot, _ := p.Ledger.CachedTotals(ctx, team.ID)
	if tot.XP != 55 || tot.JOSOs["j1"] != 55 || tot.JOSOs["j2"] != 55 {
		t.Fatalf("cached totals %+v, want 55 for the school and each JOSO", tot)
	}
	// Approving again later posts nothing.
	if _, n, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID); err != nil || n != 0 {
		t.Fatalf("approving again: %d posted, %v", n, err)
	}
}

func TestUnapprovePostsReversalsAndReapprovalUsesTheNewRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	a := submitted(t, p, team, AudienceParents, AudienceKS1)
	if _, n, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID); err != nil || n != 2 {
		t.Fatalf("approve: %d, %v", n, err)
	}
	if _, _, err := p.Ledger.Unapprove(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID, ""); !errors.Is(err, ErrReasonNeeded) {
		t.Fatalf("unapprove without a reason: %v", err)
	}
	a2, n, err := p.Ledger.Unapprove(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID, "Logged twice")
	if err != nil || n != 2 || a2.Status != ActivitySubmitted {
		t.Fatalf("unapprove: %d posted, status %s, %v", n, a2.Status, err)
	}
	// A rule change makes version 2; the reapproval uses it, and the old entries keep version 1.
	if _, err := p.Catalogue.SetRule(ctx, audit.Actor{Name: "admin@lscp.example"}, "2022-23", "m5-a1", Rule{Base: 30, Parents: 5, KS1: 10}); err != nil {
		t.Fatal(err)
	}
	if _, n, err = p.Ledger.Approve(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID); err != nil || n != 3 {
		t.Fatalf("reapprove: %d posted, %v", n, err)
	}
	es, _ := p.Ledger.Entries(ctx, EntryFilter{Activity: a.ID})
	sum, v1, v2, rev := 0, 0, 0, 0
	for _, e := range es {
		sum += e.Amount
		switch {
		case e.Reverses != "":
			rev++
			if e.Reason != "Logged twice" || e.Amount >= 0 {
				t.Errorf("reversal %+v", e)
			}
		case e.RuleVersion == 1:
			v1++
		case e.RuleVersion == 2:
			v2++
		}
	}
	if len(es) != 7 || v1 != 2 || rev != 2 || v2 != 3 || sum != 45 {
		t.Fatalf("ledger: %d entries (v1 %d, reversals %d, v2 %d) summing %d; want 7 (2, 2, 3) summing 45", len(es), v1, rev, v2, sum)
	}
	if m, err := p.Ledger.Verify(ctx, tester, "2022-23", false); err != nil || len(m) != 0 {
		t.Fatalf("verify: %v %v", m, err)
	}
}

func TestClosedYearRefusesNewXPButTakesAnAdminReversal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	done := submitted(t, p, team, AudienceKS2)
	if _, _, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin@lscp.example"}, done.ID); err != nil {
		t.Fatal(err)
	}
	waiting := submitted(t, p, team)
	if _, err := p.Catalogue.Move(ctx, audit.Actor{Name: "admin@lscp.example"}, "2022-23", "close"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin@lscp.example"}, waiting.ID); !errors.Is(err, ErrYearClosed) {
		t.Fatalf("approve in a closed year: %v", err)
	}
	if _, _, err := p.Ledger.Unapprove(ctx, audit.Actor{Name: "admin@lscp.example"}, done.ID, "late change"); !errors.Is(err, ErrYearClosed) {
		t.Fatalf("unapprove in a closed year: %v", err)
	}
	if _, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, ActivityInput{Type: "m1-a1", Date: "2023-03-01", WholeTeam: true, Description: "x"}, true); !errors.Is(err, ErrYearClosed) {
		t.Fatalf("logging in a closed year: %v", err)
	}
	es, _ := p.Ledger.Entries(ctx, EntryFilter{Activity: done.ID})
	if _, err := p.Ledger.Reverse(ctx, audit.Actor{Name: "admin@lscp.example"}, "2022-23", es[0].Key, ""); !errors.Is(err, ErrReasonNeeded) {
		t.Fatalf("reversal without reason: %v", err)
	}
	r, err := p.Ledger.Reverse(ctx, audit.Actor{Name: "admin@lscp.example"}, "2022-23", es[0].Key, "Base points awarded in error")
	if err != nil || r.Amount != -es[0].Amount {
		t.Fatalf("admin reversal: %+v %v", r, err)
	}
	if _, err := p.Ledger.Reverse(ctx, audit.Actor{Name: "admin@lscp.example"}, "2022-23", es[0].Key, "again"); !errors.Is(err, ErrAlreadyReversed) {
		t.Fatalf("second reversal: %v", err)
	}
	if _, err := p.Ledger.Reverse(ctx, audit.Actor{Name: "admin@lscp.example"}, "2022-23", r.Key, "reverse the reversal"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("reversing a reversal: %v", err)
	}
}

func TestRebuildEqualsIncrementalTotals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	for i, aud := range [][]string{{AudienceKS1}, {AudienceParents, AudienceWholeSchool}, nil, {AudienceKS2, AudienceKS1}} {
		a := submitted(t, p, team, aud...)
		if _, _, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if _, _, err := p.Ledger.Unapprove(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID, "not an assembly"); err != nil {
				t.Fatal(err)
			}
		}
	}
	incremental, _ := p.Ledger.CachedTotals(ctx, team.ID)
	if m, err := p.Ledger.Verify(ctx, tester, "2022-23", false); err != nil || len(m) != 0 {
		t.Fatalf("verify after incremental posting: %v %v", m, err)
	}
	// Spoil the cache, as a crash between an entry and its total would.
	if err := p.Ledger.ledger.writeTotals(ctx, team.ID, "2022-23", Totals{XP: 1}); err != nil {
		t.Fatal(err)
	}
	m, err := p.Ledger.Verify(ctx, tester, "2022-23", false)
	if err != nil || len(m) == 0 {
		t.Fatalf("verify did not see a spoiled cache: %v %v", m, err)
	}
	if !m[0].OfTotals() {
		t.Errorf("a spoiled total is a mismatch of totals: %+v", m[0])
	}
	if _, err := p.Ledger.Verify(ctx, tester, "2022-23", true); err != nil {
		t.Fatal(err)
	}
	rebuilt, _ := p.Ledger.CachedTotals(ctx, team.ID)
	if !equalTotals(incremental, rebuilt) || rebuilt.XP != 25+10+25+20+25+10+10 {
		t.Fatalf("rebuilt %+v, incremental %+v", rebuilt, incremental)
	}
	if m, _ := p.Ledger.Verify(ctx, tester, "2022-23", false); len(m) != 0 {
		t.Fatalf("still mismatched after repair: %v", m)
	}
}

func TestInterruptedApprovalIsCompletedByRepair(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	a := submitted(t, p, team, AudienceKS1)
	// Record the approval on the activity only, as a process killed before posting would.
	_, err := p.Ledger.activities.change(ctx, a.ID, "", 0, func(a *Activity) error {
		a.Status = ActivityApproved
		a.Approvals = append(a.Approvals, Approval{Cycle: 1, Award: []Award{{ComponentBase, 25, 1}, {AudienceKS1, 10, 1}},
			JOSOs: []string{"j1"}, Mission: "m5", Area: "a4", Strands: []string{"information"}, By: "admin@lscp.example"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := p.Ledger.Verify(ctx, tester, "2022-23", false); len(m) != 2 {
		t.Fatalf("verify found %v, want the two missing entries", m)
	} else if m[0].OfTotals() {
		t.Errorf("a missing entry is not a mismatch of totals: %+v", m[0])
	}
	if _, err := p.Ledger.Verify(ctx, tester, "2022-23", true); err != nil {
		t.Fatal(err)
	}
	tot, _ := p.Ledger.CachedTotals(ctx, team.ID)
	if m, _ := p.Ledger.Verify(ctx, tester, "2022-23", false); len(m) != 0 || tot.XP != 35 {
		t.Fatalf("after repair: %v, total %d", m, tot.XP)
	}
}

func TestCapLimitsWhatASchoolEarnsFromOneActivity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	total := 0
	for range 4 { // worry boxes: base 15 + KS1 10, capped at 60 a school
		a, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, ActivityInput{Type: "m3-a1", Date: "2023-01-10", JOSOs: []string{"j1"},
			Audiences: []string{AudienceKS1}, Reach: 30, Description: "Worry boxes"}, true)
		if err != nil {
			t.Fatal(err)
		}
		a, _, err = p.Ledger.Approve(ctx, audit.Actor{Name: "admin@lscp.example"}, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		ap, _ := a.Current()
		total += ap.Total()
	}
	if total != 60 {
		t.Fatalf("four worry-box activities earned %d, want the cap of 60", total)
	}
}
