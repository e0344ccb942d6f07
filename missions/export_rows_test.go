package missions

import (
	"testing"

	"github.com/lscp/assure/exports"
)

// Each line of a breakdown is beside the previous year's same line, found by ID; a
// training session (its ID is its year's own) has no previous figure, a kind of session
// has, and the first year has none at all.
func TestWorkbookInputPairsTheYears(t *testing.T) {
	t.Parallel()
	y := Year{ID: "2022-23", Areas: []Area{{ID: "a1", Name: "Staying safe", Strands: []string{Strands[0].ID, Strands[1].ID}}},
		Sessions: []Session{{ID: "s1", Kind: SessionTaught1, Title: "Taught session 1", Date: "2022-10-05"}}}
	cur := YearFigures{Year: y, Schools: 3, Trained: 6, ByArea: []Count{{ID: "a1", Label: "Staying safe", Activities: 4, XP: 40}},
		ByAudience: []Count{{ID: "parents", Label: "Parents", Activities: 2, Reach: 60}}, Attendance: []Count{{ID: "s1", Activities: 5}}}
	prev := YearFigures{Year: Year{ID: "2021-22", Sessions: []Session{{ID: "s1", Kind: SessionTaught1}}}, Schools: 2,
		ByArea: []Count{{ID: "a1", Label: "Staying safe", Activities: 1, XP: 10}}, ByAudience: []Count{{ID: "parents", Activities: 1, Reach: 20}},
		Attendance: []Count{{ID: "s1", Activities: 3}}}
	in := workbookInput("Test LSCP", cur, &prev)
	wantArea := exports.JOSOCount{Label: "Staying safe (" + Strands[0].Name + "; " + Strands[1].Name + ")",
		Now: exports.JOSOTally{Count: 4, Amount: 40}, Before: exports.JOSOTally{Count: 1, Amount: 10}}
	if len(in.Areas) != 1 || in.Areas[0] != wantArea {
		t.Errorf("areas %+v, want %+v", in.Areas, wantArea)
	}
	if a := in.Audiences[0]; a.Now != (exports.JOSOTally{Count: 2, Amount: 60}) || a.Before != (exports.JOSOTally{Count: 1, Amount: 20}) {
		t.Errorf("reach %+v: the second figure is the people reached", a)
	}
	if in.Year.Year != "2022-23" || in.Previous == nil || in.Previous.Schools != 2 || in.Year.PerSchool != 2 {
		t.Errorf("headline %+v beside %+v", in.Year, in.Previous)
	}
	first, session := in.Training[0], in.Training[len(in.Training)-1]
	if first.Attending != 5 || first.Before != 3 || !first.HasBefore || session.Label != "Taught session 1, 2022-10-05" || session.Attending != 5 || session.HasBefore {
		t.Errorf("training %+v", in.Training)
	}
	alone := workbookInput("Test LSCP", cur, nil)
	if alone.Previous != nil || alone.Areas[0].Before != (exports.JOSOTally{}) || alone.Training[0].HasBefore {
		t.Errorf("first year %+v", alone)
	}
}
