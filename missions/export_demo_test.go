package missions_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/joso"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/missions"
)

// The demo's years are made up by internal/demo/joso, which imports missions, so tests
// over them live in this external package.

// The demo's two years make the workbook the partnership reports from, each figure beside
// the previous year's, and the certificates of a school's awarded nominations.
func TestWorkbookAndCertificatesOfTheDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := missions.New(storetest.New(t), nil, nil, missions.Config{Partnership: "Test LSCP"})
	var schools []missions.SchoolRef
	for i := range 30 {
		schools = append(schools, missions.SchoolRef{URN: 110000 + i, Name: fmt.Sprintf("=HYPERLINK(\"x\") School %d", i)})
	}
	if err := joso.Load(ctx, p, schools, "demo", "2026-01-01"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	cur, err := p.Figures.WriteWorkbook(ctx, audit.Actor{Name: "tester"}, "2022-23", &buf)
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
	team, err := p.Teams.Team(ctx, missions.TeamID("2022-23", 110000))
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	n, err := p.Teams.WriteCertificatesPDF(ctx, audit.Actor{Name: "tester"}, missions.CertificateFilter{Year: "2022-23", URN: 110000}, &pdf)
	if err != nil || n != len(team.Certificates()) || n == 0 || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("certificates: %d (%v) in %d bytes, want the team's %d", n, err, pdf.Len(), len(team.Certificates()))
	}
}
