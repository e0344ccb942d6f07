package forms_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/demo/rounds"
	"github.com/lscp/assure/internal/storetest"
)

// The demo's rounds are made up outside forms (internal/demo/rounds, which imports
// forms), so the tests of the figures they must give live in this external package.

// tester is who acts in these tests.
var tester = audit.Actor{Name: "test"}

// demoStore is the demo county with its rounds.
func demoStore(t *testing.T) *forms.Rounds {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	g := forms.NewRegister(st)
	ex, err := forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Import(ctx, ex, forms.ImportOptions{By: tester}); err != nil {
		t.Fatal(err)
	}
	rs := forms.NewRounds(st, g)
	if err := rounds.Past(ctx, g, rs, tester); err != nil {
		t.Fatal(err)
	}
	return rs
}

// summaryText writes a summary as lines of "label returned/expected rate% (before)".
func summaryText(f forms.Figures) string {
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
	for name, rows := range map[string][]forms.RateRow{"districts": rep.Figures.Districts, "trusts": rep.Figures.Trusts} {
		sum := forms.Rate{}
		for _, r := range rows {
			sum.Returned += r.Now.Returned
			sum.Expected += r.Now.Expected
		}
		if name == "districts" && sum != (forms.Rate{339, 386}) {
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
	returns, err := rs.Returns().OfRound(ctx, "2022-23")
	if err != nil {
		t.Fatal(err)
	}
	var notReturned forms.Return
	for _, r := range returns {
		if r.Status != forms.StatusSubmitted {
			notReturned = r
			break
		}
	}
	if err := rs.Returns().SetExempt(ctx, audit.CommandLine, forms.ReturnID{Round: "2022-23", URN: notReturned.URN}, true, "closed for rebuilding"); err != nil {
		t.Fatal(err)
	}
	rep, err := rs.Report(ctx, "2022-23", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if all := rep.Figures.Summary[0].Now; all != (forms.Rate{339, 385}) {
		t.Errorf("with one exempt: %+v, want 339/385", all)
	}
	if len(rep.Outstanding) != 46 {
		t.Errorf("%d outstanding, want 46", len(rep.Outstanding))
	}
}
