package exports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// josoSample is a year of 28 schools beside a previous year of 22, with one line in each
// breakdown; the school names are built to run as formulas.
func josoSample() JOSOInput {
	in := JOSOInput{Partnership: "Test LSCP",
		Year:       JOSOFigures{Year: "2022-23", Schools: 28, JOSOs: 120, Trained: 97, PerSchool: 97.0 / 28, Activities: 60, XP: 4200, Reach: 900, NoActivity: 2, Certificates: 3},
		Previous:   &JOSOFigures{Year: "2021-22", Schools: 22, JOSOs: 90, Trained: 72, PerSchool: 72.0 / 22, Activities: 41, XP: 2900, Reach: 600, Certificates: 1},
		Areas:      []JOSOCount{{Label: "Staying safe (Privacy; Security)", Now: JOSOTally{Count: 12, Amount: 840}, Before: JOSOTally{Count: 9, Amount: 600}}},
		Strands:    []JOSOCount{{Label: "Privacy", Now: JOSOTally{Count: 12, Amount: 840}}},
		Audiences:  []JOSOCount{{Label: "Parents", Now: JOSOTally{Count: 7, Amount: 300}}},
		Categories: []JOSOCount{{Label: "Outstanding JOSO", Now: JOSOTally{Count: 2}, Before: JOSOTally{Count: 1}}},
		Training: []JOSOTraining{{Label: "First taught session (any session of this kind)", Attending: 90, Before: 70, HasBefore: true},
			{Label: "=Taught session 1, 2022-10-05", Attending: 90}},
	}
	for i := range 28 {
		in.Schools = append(in.Schools, JOSOSchool{URN: 110000 + i, School: fmt.Sprintf("=HYPERLINK(\"x\") School %d", i), JOSOs: 4, Trained: 3,
			Activities: 2, XP: 150, PerTrained: 50, Band: "Bronze", Missions: 2, Strands: 3})
	}
	return in
}

func TestJOSOWorkbookAndCertificates(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteJOSOWorkbook(&buf, josoSample()); err != nil {
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
	certs := []Certificate{{Name: "Sam", School: "Demo Primary", Category: "Outstanding JOSO", Year: "2022-23"},
		{Team: true, School: "Demo Primary", Category: "Team of the year", Year: "2022-23"}}
	var pdf bytes.Buffer
	if err := WriteCertificatesPDF(&pdf, "Test LSCP", certs); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || len(pageTexts(t, pdf.Bytes())) != len(certs) {
		t.Fatalf("certificates: %d bytes for %d certificates", pdf.Len(), len(certs))
	}
}
