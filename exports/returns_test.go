package exports

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sampleReturns is a small round: one school returned (with hostile text), one could
// not give assurance, one has not returned, one is exempt.
func sampleReturns() ReturnsReport {
	at := time.Date(2022, 12, 1, 10, 30, 0, 0, time.UTC)
	row := func(urn int, name, phase, gov, status string) ReturnRow {
		return ReturnRow{URN: urn, School: name, Phase: phase, Governance: gov, District: "Boston", Trust: "=HYPERLINK(\"http://x\")", Status: status}
	}
	first := row(1, "=cmd|' /C calc'!A0", "Primary", "Academy", "submitted")
	first.Submitted, first.Reference, first.LinksIssued, first.Returned = at, "ACDEFGHJ", 1, true
	first.Answers = map[string]Answer{"dsl.deputies": {Value: "3"}, "dsl.last_training": {Value: "2022-09-05"},
		"leadership.annual_report": {Value: "partly", Comment: "+due in spring"}, "assurance.given": {Value: "yes"},
		"assurance.method": {Values: []string{"lscp_audit", "monitoring"}}}
	cannot := row(2, "Cannot School", "Secondary", "Maintained", "submitted late")
	cannot.Submitted, cannot.Late, cannot.Reference, cannot.Returned = at.AddDate(0, 0, 20), true, "KMNPQRTU", true
	cannot.CannotAssure, cannot.ActionPlan, cannot.TargetDate = true, "@SUM(1+1) then fix the SCR", time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)
	cannot.Answers = map[string]Answer{"assurance.given": {Value: "no"}, "assurance.action_plan": {Value: "@SUM(1+1) then fix the SCR"},
		"assurance.target_date": {Value: "2023-02-01"}}
	late := row(3, "Late School", "Primary", "Maintained", "in progress")
	late.Reminders, late.LastContact, late.ContactEmailHeld, late.Chaseable = 2, at, true, true
	rows := []ReturnRow{first, cannot, late, row(4, "Exempt School", "Primary", "Maintained", "exempt")}
	columns := []AnswerColumn{
		{ID: "assurance.method", Question: "assurance.method", Text: "How did the board gain assurance?", Kind: AnswerList},
		{ID: "assurance.given", Question: "assurance.given", Text: "Can the board give assurance?"},
		{ID: "dsl.deputies", Question: "dsl.deputies", Text: "How many deputy DSLs?", Kind: AnswerNumber},
		{ID: "dsl.last_training", Question: "dsl.last_training", Text: "When was the DSL last trained?", Kind: AnswerDate},
		{ID: "leadership.annual_report", Question: "leadership.annual_report", Text: "Annual report?"},
		{ID: "leadership.annual_report.comment", Question: "leadership.annual_report", Text: "Comment: Annual report?", Comment: true},
	}
	// 2 of 3 expected returned (the exempt school is not expected).
	rates := []RateRow{
		{Level: 0, Label: "All provisions and phases", Now: Rate{Returned: 2, Expected: 3, Percent: 67}},
		{Level: 1, Label: "Primary", Now: Rate{Returned: 1, Expected: 2, Percent: 50}},
		{Level: 2, Label: "Academy", Now: Rate{Returned: 1, Expected: 1, Percent: 100}},
		{Level: 2, Label: "Maintained", Now: Rate{Returned: 0, Expected: 1, Percent: 0}},
		{Level: 1, Label: "Secondary", Now: Rate{Returned: 1, Expected: 1, Percent: 100}},
		{Level: 2, Label: "Maintained", Now: Rate{Returned: 1, Expected: 1, Percent: 100}},
	}
	return ReturnsReport{Partnership: "Demo LSCP", Round: "2022-23", Rates: rates, DaysToDeadline: 7, Columns: columns,
		Each: func(fn func(ReturnRow) error) error {
			for _, r := range rows {
				if err := fn(r); err != nil {
					return err
				}
			}
			return nil
		}}
}

func writeWorkbook(t *testing.T, in ReturnsReport) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteReturnsWorkbook(&buf, in); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func raw(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestReturnsWorkbookSheetsAndCells(t *testing.T) {
	t.Parallel()
	in := sampleReturns()
	f := writeWorkbook(t, in)
	if got := strings.Join(f.GetSheetList(), "|"); got != "Summary|By school|Not returned|Cannot assure|Answers" {
		t.Fatalf("sheets %s", got)
	}
	// Summary: 2 of 3 expected (the exempt school is not), 67%; primary 1/2 50%.
	for cell, want := range map[string]string{"A5": "All provisions and phases", "B5": "2", "C5": "3", "D5": "0.67",
		"A6": "Primary", "B6": "1", "C6": "2", "D6": "0.5"} {
		if got := raw(t, f, "Summary", cell); got != want {
			t.Errorf("Summary!%s = %q, want %q", cell, got, want)
		}
	}
	if v, _ := f.GetCellValue("Summary", "D5"); v != "67%" {
		t.Errorf("rate shows as %q, want 67%%", v)
	}
	if typ, _ := f.GetCellType("Summary", "B5"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("count cell type %v", typ)
	}
	// By school: every school; hostile text cannot run.
	rows, _ := f.GetRows("By school")
	if len(rows) != 5 || rows[1][1] != "'=cmd|' /C calc'!A0" || rows[1][6] != "'=HYPERLINK(\"http://x\")" {
		t.Errorf("By school rows %q", rows)
	}
	if rows[2][9] != "Yes" || rows[4][7] != "exempt" {
		t.Errorf("late flag / exempt status: %q / %q", rows[2][9], rows[4][7])
	}
	if got := raw(t, f, "By school", "I2"); !strings.HasPrefix(got, "44896.") {
		t.Errorf("submitted is not a date serial: %q", got)
	}
	// Not returned: only the in-progress school, 7 days to go.
	rows, _ = f.GetRows("Not returned")
	if len(rows) != 2 || rows[1][1] != "Late School" || rows[1][7] != "7" || rows[1][10] != "2" {
		t.Errorf("Not returned %q", rows)
	}
	rows, _ = f.GetRows("Cannot assure")
	if len(rows) != 2 || rows[1][6] != "'@SUM(1+1) then fix the SCR" {
		t.Errorf("Cannot assure %q", rows)
	}
	// Answers: text over ID, one row per returned school, typed cells.
	rows, _ = f.GetRows("Answers")
	if len(rows) != 4 || rows[1][6] != "assurance.method" || !strings.Contains(rows[0][6], "gain assurance") {
		t.Fatalf("Answers header %q", rows[:2])
	}
	col := map[string]int{}
	for i, id := range rows[1] {
		col[id] = i
	}
	cell := func(row int, id string) string {
		name, _ := excelize.CoordinatesToCellName(col[id]+1, row)
		return name
	}
	if got := raw(t, f, "Answers", cell(3, "dsl.deputies")); got != "3" {
		t.Errorf("number answer %q", got)
	}
	if got, _ := f.GetCellValue("Answers", cell(3, "dsl.last_training")); got != "5 Sep 2022" {
		t.Errorf("date answer %q", got)
	}
	if got, _ := f.GetCellValue("Answers", cell(3, "leadership.annual_report.comment")); got != "'+due in spring" {
		t.Errorf("comment %q", got)
	}
	if got, _ := f.GetCellValue("Answers", cell(3, "assurance.method")); got != "lscp_audit; monitoring" {
		t.Errorf("many answer %q", got)
	}
	// Header rows are frozen and filtered; the chart is there.
	for _, sh := range []string{"By school", "Answers"} {
		tables, err := f.GetTables(sh)
		if err != nil || len(tables) != 1 {
			t.Errorf("%s tables %v %v", sh, tables, err)
		}
		panes, _ := f.GetPanes(sh)
		if !panes.Freeze {
			t.Errorf("%s panes not frozen", sh)
		}
	}
}

func TestReturnsWorkbookIsTheSameEveryTime(t *testing.T) {
	t.Parallel()
	in := sampleReturns()
	a, b := writeWorkbook(t, in), writeWorkbook(t, in)
	for _, sh := range a.GetSheetList() {
		ra, _ := a.GetRows(sh)
		rb, _ := b.GetRows(sh)
		if fmt.Sprint(ra) != fmt.Sprint(rb) {
			t.Errorf("%s differs between two writes", sh)
		}
	}
}

func TestReturnsCSV(t *testing.T) {
	t.Parallel()
	in := sampleReturns()
	var buf bytes.Buffer
	if err := WriteReturnsCSV(&buf, in.Each); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(BySchoolHeader, ",") || rows[1][1] != "'=cmd|' /C calc'!A0" || rows[1][8] != "2022-12-01 10:30" {
		t.Errorf("csv %q", rows)
	}
}

func TestReturnsWorkbookHasNativeChart(t *testing.T) {
	t.Parallel()
	in := sampleReturns()
	var buf bytes.Buffer
	if err := WriteReturnsWorkbook(&buf, in); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range z.File {
		if part.Name == "xl/charts/chart1.xml" {
			rc, _ := part.Open()
			body, _ := io.ReadAll(rc)
			_ = rc.Close()
			if !bytes.Contains(body, []byte("<barChart>")) || !bytes.Contains(body, []byte("&#39;Summary&#39;!$K$5")) {
				t.Errorf("chart part does not chart the phase rates: %s", body)
			}
			return
		}
	}
	t.Error("no chart in the workbook")
}
