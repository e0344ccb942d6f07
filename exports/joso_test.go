package exports

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lscp/assure/internal/demo/joso"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/missions"
)

func TestJOSOWorkbookAndCertificates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := missions.New(storetest.New(t), nil, nil, missions.Config{})
	var schools []missions.SchoolRef
	for i := range 30 {
		schools = append(schools, missions.SchoolRef{URN: 110000 + i, Name: fmt.Sprintf("=HYPERLINK(\"x\") School %d", i)})
	}
	if err := joso.Load(ctx, p, schools, "demo", "2026-01-01"); err != nil {
		t.Fatal(err)
	}
	cur, err := p.Figures.Of(ctx, "2022-23")
	if err != nil {
		t.Fatal(err)
	}
	prev, err := p.Figures.Of(ctx, "2021-22")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJOSOWorkbook(&buf, JOSOInput{Partnership: "Test LSCP", Year: cur, Previous: &prev}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A4": "Participating schools", "B4": "28", "C4": "22", "A6": "JOSOs trained", "B6": "97", "C6": "72"}
	for cell, v := range want {
		if got, _ := f.GetCellValue(SheetJOSOSummary, cell); got != v {
			t.Errorf("Summary %s = %q, want %q", cell, got, v)
		}
	}
	rows, _ := f.GetRows(SheetJOSOSchools)
	if len(rows) != 29 {
		t.Errorf("Schools sheet has %d rows, want a header and 28", len(rows))
	}
	if !strings.HasPrefix(rows[1][1], "'=") {
		t.Errorf("a formula-like school name was written as %q", rows[1][1])
	}
	for _, s := range []string{SheetJOSOAreas, SheetJOSOStrands, SheetJOSOReach, SheetJOSOTraining, SheetJOSOAwards} {
		if r, _ := f.GetRows(s); len(r) < 2 {
			t.Errorf("sheet %s is empty", s)
		}
	}
	team, _ := p.Teams.Team(ctx, missions.TeamID("2022-23", 110000))
	var pdf bytes.Buffer
	if err := WriteCertificatesPDF(&pdf, "Test LSCP", team.Certificates()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || len(team.Certificates()) == 0 {
		t.Fatalf("certificates: %d bytes for %d certificates", pdf.Len(), len(team.Certificates()))
	}
}
