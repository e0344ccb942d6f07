package exports

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lscp/assure/missions"
)

// The JOSO programme's yearly workbook: the figures the partnership reports (schools
// taking part, JOSOs trained), with engagement by school, mission area, strand, audience,
// training session and celebration category, and the previous year beside each. It holds
// no child's name: schools are the smallest unit.

// Sheet names of the JOSO workbook.
const (
	SheetJOSOSummary  = "Summary"
	SheetJOSOSchools  = "Schools"
	SheetJOSOAreas    = "Mission areas"
	SheetJOSOStrands  = "Strands"
	SheetJOSOReach    = "Reach"
	SheetJOSOTraining = "Training"
	SheetJOSOAwards   = "Certificates"
)

// JOSOInput is what the JOSO workbook is made from.
type JOSOInput struct {
	Partnership string
	Year        missions.YearFigures
	Previous    *missions.YearFigures // nil for the first year
}

// WriteJOSOWorkbook writes the year's JOSO workbook.
func WriteJOSOWorkbook(w io.Writer, in JOSOInput) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	oneDP := "0.0"
	decimal, err := f.NewStyle(&excelize.Style{CustomNumFmt: &oneDP})
	if err != nil {
		return err
	}
	t := josoTables{f: f, header: header, decimal: decimal}
	cur, prev := in.Year, in.Previous
	prevName := "Previous year"
	if prev != nil {
		prevName = prev.Year.ID
	}
	if err := f.SetSheetName("Sheet1", SheetJOSOSummary); err != nil {
		return err
	}
	title := fmt.Sprintf("%s: Junior Online Safety Officer programme %s", in.Partnership, cur.Year.ID)
	if err := f.SetCellValue(SheetJOSOSummary, "A1", SafeText(title)); err != nil {
		return err
	}
	summary := [][]any{
		{"Participating schools", cur.Schools, prevOr(prev, func(f missions.YearFigures) any { return f.Schools })},
		{"JOSOs taking part", cur.JOSOs, prevOr(prev, func(f missions.YearFigures) any { return f.JOSOs })},
		{"JOSOs trained", cur.Trained, prevOr(prev, func(f missions.YearFigures) any { return f.Trained })},
		{"Trained JOSOs per school", cur.PerSchool(), prevOr(prev, func(f missions.YearFigures) any { return f.PerSchool() })},
		{"Activities approved", cur.Activities, prevOr(prev, func(f missions.YearFigures) any { return f.Activities })},
		{"XP awarded", cur.XP, prevOr(prev, func(f missions.YearFigures) any { return f.XP })},
		{"People reached (estimated)", cur.Reach, prevOr(prev, func(f missions.YearFigures) any { return f.Reach })},
		{"Schools with no activity yet", len(cur.NoActivity), prevOr(prev, func(f missions.YearFigures) any { return len(f.NoActivity) })},
		{"Certificates awarded", cur.Certificates, prevOr(prev, func(f missions.YearFigures) any { return f.Certificates })},
	}
	if err := t.table(SheetJOSOSummary, 3, []string{"Figure", cur.Year.ID, prevName}, summary, false); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetJOSOSummary, "B7", "C7", decimal); err != nil {
		return err
	}

	var schools [][]any
	for _, s := range cur.Standings {
		schools = append(schools, []any{s.Team.URN, SafeText(s.Team.School), s.JOSOs, s.Trained, s.Activities, s.Pending, s.XP,
			s.PerTrained, s.Band, s.MissionsDone, s.StrandsCovered()})
	}
	if err := t.sheet(SheetJOSOSchools, []string{"URN", "School", "JOSOs taking part", "JOSOs trained", "Activities approved",
		"Waiting for approval", "XP", "XP per trained JOSO", "Band", "Missions with an approved activity", "Strands covered (of 8)"}, schools); err != nil {
		return err
	}
	if err := f.SetColStyle(SheetJOSOSchools, "H", decimal); err != nil {
		return err
	}
	labelOf := func(id string) string {
		if a, ok := cur.Year.Area(id); ok {
			return a.Name + " (" + strings.Join(strandNames(a.Strands), "; ") + ")"
		}
		return id
	}
	for _, s := range []struct {
		name, first string
		rows        func(missions.YearFigures) []missions.Count
		label       func(missions.Count) string
		cols        []string
	}{
		{SheetJOSOAreas, "Mission area (strands)", func(f missions.YearFigures) []missions.Count { return f.ByArea },
			func(c missions.Count) string { return labelOf(c.ID) }, []string{"Activities", "XP"}},
		{SheetJOSOStrands, "Strand (an area's activities and XP count in each strand it covers)", func(f missions.YearFigures) []missions.Count { return f.ByStrand },
			func(c missions.Count) string { return c.Label }, []string{"Activities", "XP"}},
		{SheetJOSOReach, "Audience", func(f missions.YearFigures) []missions.Count { return f.ByAudience },
			func(c missions.Count) string { return c.Label }, []string{"Activities reaching it", "People reached (estimated)"}},
		{SheetJOSOAwards, "Category", func(f missions.YearFigures) []missions.Count { return f.ByCategory },
			func(c missions.Count) string { return c.Label }, []string{"Certificates awarded"}},
	} {
		hdr := []string{s.first}
		for _, c := range s.cols {
			hdr = append(hdr, c+" "+cur.Year.ID)
		}
		for _, c := range s.cols {
			hdr = append(hdr, c+" "+prevName)
		}
		var rows [][]any
		for _, c := range s.rows(cur) {
			row := []any{SafeText(s.label(c)), c.Activities}
			if len(s.cols) == 2 {
				row = append(row, second(s.name, c))
			}
			var pc missions.Count
			if prev != nil {
				pc = findCount(s.rows(*prev), c.ID, s.label(c), s.name == SheetJOSOAreas)
			}
			row = append(row, pc.Activities)
			if len(s.cols) == 2 {
				row = append(row, second(s.name, pc))
			}
			rows = append(rows, row)
		}
		if err := t.sheet(s.name, hdr, rows); err != nil {
			return err
		}
	}
	var training [][]any
	for _, k := range []string{missions.SessionTaught1, missions.SessionTaught2, missions.SessionReview} {
		training = append(training, []any{missions.SessionKindLabel(k) + " (any session of this kind)", attendedOfKind(cur, k),
			prevOr(prev, func(f missions.YearFigures) any { return attendedOfKind(f, k) })})
	}
	for _, s := range cur.Year.Sessions {
		c := findCount(cur.Attendance, s.ID, "", false)
		training = append(training, []any{SafeText(s.Title + ", " + s.Date), c.Activities, ""})
	}
	if err := t.sheet(SheetJOSOTraining, []string{"Session", "JOSOs attending " + cur.Year.ID, "JOSOs attending " + prevName}, training); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// second is a count's second figure: XP, or for reach the people reached.
func second(sheet string, c missions.Count) int {
	if sheet == SheetJOSOReach {
		return c.Reach
	}
	return c.XP
}

// findCount finds the previous year's count for a row: by ID, or for mission areas (whose
// IDs are the year's own) by name as well.
func findCount(cs []missions.Count, id, label string, byLabel bool) missions.Count {
	for _, c := range cs {
		if c.ID == id || (byLabel && c.Label == label) {
			return c
		}
	}
	return missions.Count{}
}

func attendedOfKind(f missions.YearFigures, kind string) int {
	n := 0
	for _, c := range f.Attendance {
		if s, ok := f.Year.Session(c.ID); ok && s.Kind == kind {
			n += c.Activities
		}
	}
	return n
}

func strandNames(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = missions.StrandName(id)
	}
	return out
}

func prevOr(prev *missions.YearFigures, fn func(missions.YearFigures) any) any {
	if prev == nil {
		return ""
	}
	return fn(*prev)
}

// josoTables writes the workbook's small tables.
type josoTables struct {
	f               *excelize.File
	header, decimal int
}

// sheet adds a sheet holding one filtered table with a frozen header.
func (t josoTables) sheet(name string, header []string, rows [][]any) error {
	if _, err := t.f.NewSheet(name); err != nil {
		return err
	}
	if err := t.table(name, 1, header, rows, true); err != nil {
		return err
	}
	return t.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// table writes header and rows from row first, sizing columns to their headers.
func (t josoTables) table(sheet string, first int, header []string, rows [][]any, filtered bool) error {
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := t.f.SetSheetRow(sheet, fmt.Sprintf("A%d", first), &cells); err != nil {
		return err
	}
	for i, row := range rows {
		if err := t.f.SetSheetRow(sheet, fmt.Sprintf("A%d", first+1+i), &row); err != nil {
			return err
		}
	}
	last, err := excelize.CoordinatesToCellName(len(header), first)
	if err != nil {
		return err
	}
	if err := t.f.SetCellStyle(sheet, fmt.Sprintf("A%d", first), last, t.header); err != nil {
		return err
	}
	for i, h := range header {
		col, _ := excelize.ColumnNumberToName(i + 1)
		width := float64(min(max(len(h), 10), 48)) + 2
		if i == 0 {
			width = 48
		}
		if err := t.f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	if !filtered || len(rows) == 0 {
		return nil
	}
	end, err := excelize.CoordinatesToCellName(len(header), first+len(rows))
	if err != nil {
		return err
	}
	return t.f.AddTable(sheet, &excelize.Table{Range: fmt.Sprintf("A%d:%s", first, end), Name: strings.ReplaceAll(sheet, " ", "_"), StyleName: "TableStyleLight1"})
}
