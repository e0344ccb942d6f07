package missions

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/internal/storetest"
)

// The demo's two years make the workbook the partnership reports from, each figure beside
// the previous year's, and the certificates of a school's awarded nominations.
func TestWorkbookAndCertificatesOfTheDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := New(storetest.New(t), nil, nil, Config{Partnership: "Test LSCP"})
	var schools []SchoolRef
	for i := range 30 {
		schools = append(schools, SchoolRef{URN: 110000 + i, Name: fmt.Sprintf("=HYPERLINK(\"x\") School %d", i)})
	}
	if err := Demo(ctx, p, schools, "demo", "2026-01-01"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	cur, err := p.Figures.WriteWorkbook(ctx, tester, "2022-23", &buf)
	if err != nil || cur.Year.ID != "2022-23" {
		t.Fatalf("workbook of %s: %v", cur.Year.ID, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A1": "Test LSCP: Junior Online Safety Officer programme 2022-23", "B3": "2022-23", "C3": "2021-22",
		"A4": "Participating schools", "B4": "28", "C4": "22", "A6": "JOSOs trained", "B6": "97", "C6": "72"}
	for cell, v := range want {
		if got, _ := f.GetCellValue(exports.SheetJOSOSummary, cell); got != v {
			t.Errorf("Summary %s = %q, want %q", cell, got, v)
		}
	}
	rows, _ := f.GetRows(exports.SheetJOSOSchools)
	if len(rows) != 29 || !strings.HasPrefix(rows[1][1], "'=") {
		t.Errorf("Schools sheet: %d rows, want a header and 28; first school %q", len(rows), rows[1][1])
	}
	rows, _ = f.GetRows(exports.SheetJOSOTraining)
	if len(rows) != 1+3+len(cur.Year.Sessions) || !strings.HasSuffix(rows[1][0], "(any session of this kind)") || rows[1][2] == "" {
		t.Errorf("Training sheet %q: want each kind (with last year's) then each session", rows)
	}
	for _, s := range []string{exports.SheetJOSOAreas, exports.SheetJOSOStrands, exports.SheetJOSOReach, exports.SheetJOSOAwards} {
		if r, _ := f.GetRows(s); len(r) < 2 {
			t.Errorf("sheet %s is empty", s)
		}
	}
	team, err := p.Teams.Team(ctx, TeamID("2022-23", 110000))
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	n, err := p.Teams.WriteCertificatesPDF(ctx, tester, CertificateFilter{Year: "2022-23", URN: 110000}, &pdf)
	if err != nil || n != len(team.Certificates()) || n == 0 || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("certificates: %d (%v) in %d bytes, want the team's %d", n, err, pdf.Len(), len(team.Certificates()))
	}
}

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
