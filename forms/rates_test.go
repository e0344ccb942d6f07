package forms

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/storetest"
)

func TestPercentRoundsHalfUp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ returned, expected, want int }{
		{339, 386, 88}, {257, 281, 91}, {48, 53, 91}, {15, 18, 83}, {9, 24, 38}, {5, 5, 100},
		{1, 8, 13}, // 12.5 rounds up
		{1, 200, 1}, {0, 7, 0}, {0, 0, 0}, {255, 386, 66}, {97, 117, 83}, {10, 13, 77},
	} {
		if got := (Rate{Returned: c.returned, Expected: c.expected}).Percent(); got != c.want {
			t.Errorf("%d/%d = %d%%, want %d%%", c.returned, c.expected, got, c.want)
		}
	}
}

// demoStore is the demo county with its rounds.
func demoStore(t *testing.T) *Rounds {
	t.Helper()
	st := storetest.New(t)
	g := NewRegister(st)
	importBytes(t, g, DemoGIAS())
	rs := NewRounds(st, g)
	if err := DemoRounds(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
	return rs
}

// summaryText writes a summary as lines of "label returned/expected rate% (before)".
func summaryText(f Figures) string {
	var b strings.Builder
	for _, r := range f.Summary {
		fmt.Fprintf(&b, "%s%s %d/%d %d%% (%d/%d %d%%)\n", strings.Repeat("  ", r.Level), r.Label,
			r.Now.Returned, r.Now.Expected, r.Now.Percent(), r.Before.Returned, r.Before.Expected, r.Before.Percent())
	}
	return b.String()
}

func TestDemoRoundsReproduceTheReport(t *testing.T) {
	t.Parallel()
	rs := demoStore(t)
	rep, err := rs.Report(context.Background(), "2022-23", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := `All provisions and phases 339/386 88% (255/386 66%)
  Nursery 5/5 100% (4/5 80%)
  Primary 257/281 91% (188/281 67%)
    Maintained 158/162 98% (115/162 71%)
    Academy 97/117 83% (71/117 61%)
    Free school 2/2 100% (2/2 100%)
  Secondary 48/53 91% (32/53 60%)
    Maintained 2/2 100% (2/2 100%)
    Academy 45/50 90% (29/50 58%)
    Free school 1/1 100% (1/1 100%)
  Special 15/18 83% (16/18 89%)
    Maintained 5/5 100% (5/5 100%)
    Academy 10/13 77% (11/13 85%)
  Independent 9/24 38% (11/24 46%)
  Alternative provision 5/5 100% (4/5 80%)
    Maintained 3/3 100% (3/3 100%)
    Academy 2/2 100% (1/2 50%)
`
	if got := summaryText(rep.Figures); got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
	if rep.Previous == nil || rep.Previous.ID != "2021-22" {
		t.Errorf("previous round = %v, want 2021-22", rep.Previous)
	}
	if at := rep.Figures.AllThrough; at.Expected != 1 {
		t.Errorf("all-through = %+v, want 1 expected", at)
	}
	if len(rep.Outstanding) != 47 {
		t.Errorf("%d schools outstanding, want 47", len(rep.Outstanding))
	}
	// Districts and trusts add up to the whole.
	for name, rows := range map[string][]RateRow{"districts": rep.Figures.Districts, "trusts": rep.Figures.Trusts} {
		sum := Rate{}
		for _, r := range rows {
			sum.Returned += r.Now.Returned
			sum.Expected += r.Now.Expected
		}
		if name == "districts" && sum != (Rate{339, 386}) {
			t.Errorf("districts add to %+v", sum)
		}
		if name == "trusts" && (sum.Expected != 117+2+50+1+13+2 || len(rows) == 0) {
			t.Errorf("trusts cover %d schools, want every academy and free school", sum.Expected)
		}
	}
	// The curve ends at the total and never goes down.
	last := rep.Curve[len(rep.Curve)-1]
	if last.Returned != 339 || last.Percent != 88 {
		t.Errorf("curve ends at %+v", last)
	}
	for i := 1; i < len(rep.Curve); i++ {
		if rep.Curve[i].Returned < rep.Curve[i-1].Returned || rep.Curve[i].Day != rep.Curve[i-1].Day+1 {
			t.Fatalf("curve not cumulative by day at %+v", rep.Curve[i])
		}
	}
	if rep.Curve[0].Date != "2022-10-03" || len(rep.PreviousCurve) == 0 {
		t.Errorf("curve starts %+v; previous curve has %d days", rep.Curve[0], len(rep.PreviousCurve))
	}
}

func TestExemptSchoolsAreNotExpected(t *testing.T) {
	t.Parallel()
	rs := demoStore(t)
	ctx := context.Background()
	returns, err := rs.returns.OfRound(ctx, "2022-23")
	if err != nil {
		t.Fatal(err)
	}
	var notReturned Return
	for _, r := range returns {
		if r.Status != StatusSubmitted {
			notReturned = r
			break
		}
	}
	if err := rs.returns.SetExempt(ctx, audit.CommandLine, ReturnID{Round: "2022-23", URN: notReturned.URN}, true, "closed for rebuilding"); err != nil {
		t.Fatal(err)
	}
	rep, err := rs.Report(ctx, "2022-23", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if all := rep.Figures.Summary[0].Now; all != (Rate{339, 385}) {
		t.Errorf("with one exempt: %+v, want 339/385", all)
	}
	if len(rep.Outstanding) != 46 {
		t.Errorf("%d outstanding, want 46", len(rep.Outstanding))
	}
}

func TestCurveCountsLondonDays(t *testing.T) {
	t.Parallel()
	r := Round{Opens: "2024-10-01", Deadline: "2024-10-04", GraceDays: 1}
	// 23:30 UTC on 2 October is 00:30 on 3 October in London (BST).
	firsts := []time.Time{time.Date(2024, 10, 2, 23, 30, 0, 0, time.UTC), time.Date(2024, 10, 1, 9, 0, 0, 0, time.UTC)}
	got := Curve(r, 4, firsts, time.Time{})
	want := []DayCount{{-3, "2024-10-01", 1, 25}, {-2, "2024-10-02", 1, 25}, {-1, "2024-10-03", 2, 50}, {0, "2024-10-04", 2, 50}, {1, "2024-10-05", 2, 50}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("curve\n%v\nwant\n%v", got, want)
	}
}

// A round closed before its deadline draws no returns for days still to come.
func TestCurveOfARoundClosedEarlyStopsToday(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	if err := rs.Close(ctx, audit.CommandLine, round.ID); err != nil {
		t.Fatal(err)
	}
	today := time.Date(2024, 11, 20, 12, 0, 0, 0, academic.London)
	rep, err := rs.Report(ctx, round.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Curve) == 0 || rep.Curve[len(rep.Curve)-1].Date != "2024-11-20" {
		t.Fatalf("curve of a round closed early ends %+v", rep.Curve[len(rep.Curve)-1])
	}
}
