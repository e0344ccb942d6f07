package forms

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
)

// A closed round's answers go when its retention ends, not before; its return-rate
// figures stay; two instances purging at once purge it once.
func TestPurgeRemovesAnswersAndKeepsFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	ret, secs := completeAllButDeclaration(t, rs, round, 990006)
	a := serviceOver(rs)
	if _, err := submitted(ctx, a, ret, signed(secs, ret.Version, "k", time.Date(2024, 12, 1, 10, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	if err := rs.returns.SetContactEmail(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990007}, "head@school.example.org"); err != nil {
		t.Fatal(err)
	}
	if err := rs.SetRetention(ctx, audit.CommandLine, "2024-25", 0); err == nil {
		t.Fatal("retention of 0 years accepted")
	}
	if err := rs.SetRetention(ctx, audit.CommandLine, "2024-25", 2); err != nil {
		t.Fatal(err)
	}
	// Open rounds are never purged, whatever the date.
	if reps, err := rs.PurgeDue(ctx, "2099-01-01"); err != nil || len(reps) != 0 {
		t.Fatalf("open round purged: %v %v", reps, err)
	}
	if err := rs.Close(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	before, err := rs.Report(ctx, "2024-25", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if reps, _ := rs.PurgeDue(ctx, "2026-12-12"); len(reps) != 0 {
		t.Fatalf("purged a day early: %v", reps)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var all []PurgeReport
	for range 3 {
		wg.Go(func() {
			reps, err := rs.PurgeDue(ctx, "2026-12-13")
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			all = append(all, reps...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(all) != 1 || all[0].Round != "2024-25" || all[0].Versions != 1 || all[0].Returns == 0 {
		t.Fatalf("three instances purged: %+v", all)
	}
	got, _ := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990006})
	other, _ := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990007})
	if len(got.Answers) != 0 || got.Status != StatusSubmitted || got.Reference == "" || other.ContactEmail != "" || got.LinkHash != "" {
		t.Fatalf("after purge: %d answers, %s, contact %q", len(got.Answers), got.Status, other.ContactEmail)
	}
	if v, _ := rs.returns.Versions(ctx, got); len(v) != 1 || len(v[0].Answers) != 0 {
		t.Fatalf("kept versions after purge: %+v", v)
	}
	after, err := rs.Report(ctx, "2024-25", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Figures, before.Figures) {
		t.Fatalf("figures changed: %+v then %+v", before.Figures, after.Figures)
	}
	if reps, _ := rs.PurgeDue(ctx, "2030-01-01"); len(reps) != 0 {
		t.Fatalf("purged twice: %v", reps)
	}
}
