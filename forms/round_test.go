package forms

import (
	"testing"

	"github.com/lscp/assure/internal/problem"
)

// TestANewRoundsRulesAreCheckedFieldByField: every broken rule of a new round is named
// against its field, so the page shows them all at once; a good round breaks none.
func TestANewRoundsRulesAreCheckedFieldByField(t *testing.T) {
	t.Parallel()
	good := NewRoundInput{Year: "2026-27", Opens: "2026-10-01", Deadline: "2026-12-11", GraceDays: 3}
	if errs := good.Check(); len(errs) != 0 {
		t.Fatalf("a good round: %v", errs)
	}
	cases := []struct {
		change func(*NewRoundInput)
		field  string
		want   string
	}{
		{func(in *NewRoundInput) { in.Year = "2026-28" }, "year", "Enter the academic year, like 2024-25"},
		{func(in *NewRoundInput) { in.Opens = "1 October" }, "opens", "Enter the opening date"},
		{func(in *NewRoundInput) { in.Deadline = "" }, "deadline", "Enter the deadline"},
		{func(in *NewRoundInput) { in.Deadline = in.Opens }, "deadline", "The deadline must be after the opening date"},
		{func(in *NewRoundInput) { in.GraceDays = 61 }, "grace_days", "Enter a grace period of 0 to 60 days"},
		{func(in *NewRoundInput) { in.GraceDays = -1 }, "grace_days", "Enter a grace period of 0 to 60 days"},
	}
	for _, c := range cases {
		in := good
		c.change(&in)
		errs := in.Check()
		if len(errs) != 1 || errs.Message(c.field) != c.want || !problem.Is(errs, problem.Invalid) {
			t.Errorf("%+v: %v, want %s: %s", in, errs, c.field, c.want)
		}
	}
	all := NewRoundInput{Year: "x", Opens: "2026-10-01", Deadline: "2026-09-01", GraceDays: 99}
	if errs := all.Check(); len(errs) != 3 {
		t.Errorf("three broken rules: %v", errs)
	}
}
