package exports

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
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

// JOSOInput is what the JOSO workbook is made from: a year's figures and the previous
// year's, already paired row by row by the caller (missions, which knows how years
// match: mission areas by name, since their IDs are each year's own).
type JOSOInput struct {
	Partnership string
	Year        JOSOFigures
	Previous    *JOSOFigures // nil for the first year
	Schools     []JOSOSchool
	Areas       []JOSOCount // Count is activities, Amount XP; labelled with the area's strands
	Strands     []JOSOCount // Count is activities, Amount XP
	Audiences   []JOSOCount // Count is activities reaching it, Amount people reached
	Categories  []JOSOCount // Count is certificates awarded
	Training    []JOSOTraining
}

// JOSOFigures are a year's headline figures.
type JOSOFigures struct {
	Year         string // like 2022-23
	Schools      int    // taking part
	JOSOs        int    // taking part
	Trained      int
	PerSchool    float64 // trained JOSOs per school
	Activities   int     // approved
	XP           int
	Reach        int // people reached, estimated
	NoActivity   int // schools with no activity yet
	Certificates int
}

// JOSOSchool is one school's line of the Schools sheet.
type JOSOSchool struct {
	URN                 int
	School              string
	JOSOs, Trained      int
	Activities, Pending int // approved, waiting for approval
	XP                  int
	PerTrained          float64 // XP per trained JOSO
	Band                string
	Missions            int // missions with an approved activity
	Strands             int // strands covered
}

// JOSOCount is one line of a breakdown sheet, this year beside the previous year (zero
// when the previous year had no such line, or there is no previous year).
type JOSOCount struct {
	Label       string
	Now, Before JOSOTally
}

// JOSOTally is a breakdown line's figures; what they count depends on the sheet.
type JOSOTally struct {
	Count, Amount int
}

// JOSOTraining is one line of the Training sheet: a kind of session (every session of
// that kind together) or one session.
type JOSOTraining struct {
	Label     string
	Attending int  // JOSOs attending this year
	Before    int  // JOSOs attending in the previous year, when HasBefore
	HasBefore bool // false for the first year, and for a single session (IDs are each year's own)
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
		prevName = prev.Year
	}
	if err := f.SetSheetName("Sheet1", SheetJOSOSummary); err != nil {
		return err
	}
	title := fmt.Sprintf("%s: Junior Online Safety Officer programme %s", in.Partnership, cur.Year)
	if err := f.SetCellValue(SheetJOSOSummary, "A1", SafeText(title)); err != nil {
		return err
	}
	summary := [][]any{
		{"Participating schools", cur.Schools, prevOr(prev, func(f JOSOFigures) any { return f.Schools })},
		{"JOSOs taking part", cur.JOSOs, prevOr(prev, func(f JOSOFigures) any { return f.JOSOs })},
		{"JOSOs trained", cur.Trained, prevOr(prev, func(f JOSOFigures) any { return f.Trained })},
		{"Trained JOSOs per school", cur.PerSchool, prevOr(prev, func(f JOSOFigures) any { return f.PerSchool })},
		{"Activities approved", cur.Activities, prevOr(prev, func(f JOSOFigures) any { return f.Activities })},
		{"XP awarded", cur.XP, prevOr(prev, func(f JOSOFigures) any { return f.XP })},
		{"People reached (estimated)", cur.Reach, prevOr(prev, func(f JOSOFigures) any { return f.Reach })},
		{"Schools with no activity yet", cur.NoActivity, prevOr(prev, func(f JOSOFigures) any { return f.NoActivity })},
		{"Certificates awarded", cur.Certificates, prevOr(prev, func(f JOSOFigures) any { return f.Certificates })},
	}
	if err := t.table(SheetJOSOSummary, 3, []string{"Figure", cur.Year, prevName}, summary, false); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetJOSOSummary, "B7", "C7", decimal); err != nil {
		return err
	}

	var schools [][]any
	for _, s := range in.Schools {
		schools = append(schools, []any{s.URN, SafeText(s.School), s.JOSOs, s.Trained, s.Activities, s.Pending, s.XP,
			s.PerTrained, s.Band, s.Missions, s.Strands})
	}
	if err := t.sheet(SheetJOSOSchools, []string{"URN", "School", "JOSOs taking part", "JOSOs trained", "Activities approved",
		"Waiting for approval", "XP", "XP per trained JOSO", "Band", "Missions with an approved activity", "Strands covered (of 8)"}, schools); err != nil {
		return err
	}
	if err := f.SetColStyle(SheetJOSOSchools, "H", decimal); err != nil {
		return err
	}
	for _, s := range []struct {
		name, first string
		rows        []JOSOCount
		cols        []string
	}{
		{SheetJOSOAreas, "Mission area (strands)", in.Areas, []string{"Activities", "XP"}},
		{SheetJOSOStrands, "Strand (an area's activities and XP count in each strand it covers)", in.Strands, []string{"Activities", "XP"}},
		{SheetJOSOReach, "Audience", in.Audiences, []string{"Activities reaching it", "People reached (estimated)"}},
		{SheetJOSOAwards, "Category", in.Categories, []string{"Certificates awarded"}},
	} {
		hdr := []string{s.first}
		for _, c := range s.cols {
			hdr = append(hdr, c+" "+cur.Year)
		}
		for _, c := range s.cols {
			hdr = append(hdr, c+" "+prevName)
		}
		var rows [][]any
		for _, c := range s.rows {
			row := []any{SafeText(c.Label)}
			for _, n := range []JOSOTally{c.Now, c.Before} {
				row = append(row, n.Count)
				if len(s.cols) == 2 {
					row = append(row, n.Amount)
				}
			}
			rows = append(rows, row)
		}
		if err := t.sheet(s.name, hdr, rows); err != nil {
			return err
		}
	}
	var training [][]any
	for _, s := range in.Training {
		before := any("")
		if s.HasBefore {
			before = s.Before
		}
		training = append(training, []any{SafeText(s.Label), s.Attending, before})
	}
	if err := t.sheet(SheetJOSOTraining, []string{"Session", "JOSOs attending " + cur.Year, "JOSOs attending " + prevName}, training); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func prevOr(prev *JOSOFigures, fn func(JOSOFigures) any) any {
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
