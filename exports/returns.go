package exports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lscp/assure/internal/academic"
)

// The return-rate workbook: what the education subgroup takes to the annual report.
// excelize (the maintained Go library for Office Open XML) writes it; every sheet whose
// size grows with the register is written with its stream writer, so memory stays flat
// from a county to England. The small Summary sheet, with the chart, is written normally.

// Sheet names, a contract with whoever reads the workbook.
const (
	SheetSummary      = "Summary"
	SheetBySchool     = "By school"
	SheetNotReturned  = "Not returned"
	SheetCannotAssure = "Cannot assure"
	SheetAnswers      = "Answers"
)

// ReturnsReport is what the workbook is made from: a round's return rates beside the
// previous round's, its questions, and a walk over its returns. The caller (forms, which
// owns the rules) has counted, rounded and labelled everything; the workbook only lays
// it out.
type ReturnsReport struct {
	Partnership string
	Round       string // the round's ID, like 2022-23
	Previous    string // the previous round's ID; "" when there is none
	// Rates is the summary table: all schools (level 0), then each phase (level 1)
	// followed by its governance breakdown (level 2).
	Rates []RateRow
	// AllThrough counts the all-through schools, which Rates includes in primary.
	AllThrough     Rate
	DaysToDeadline int            // for the Not returned sheet
	Columns        []AnswerColumn // the Answers sheet's columns, in form order
	// Each calls fn with every return's row, with its answers, in URN order.
	Each func(fn func(ReturnRow) error) error
}

// Rate is a group's returns against the number expected, with the rate as a whole
// percentage as the report gives it.
type Rate struct {
	Returned, Expected, Percent int
}

// RateRow is one line of the summary table.
type RateRow struct {
	Level       int // 0 all schools, 1 a phase, 2 a governance within a phase
	Label       string
	Now, Before Rate
	HadBefore   bool // the previous round had this group at all
	Change      int  // in percentage points since the previous round
}

// ReturnRow is one school's return, in words, as the sheets show it.
type ReturnRow struct {
	URN    int
	School string
	// Phase and Governance are labels, like "Primary" and "Academy".
	Phase, Governance string
	District, Trust   string
	AllThrough        bool
	Status            string    // as an admin reads it
	Submitted         time.Time // zero until submitted
	Late              bool      // returned after the deadline
	Reference         string
	LinksIssued       int
	Reminders         int
	LastContact       time.Time // zero when never contacted
	ContactEmailHeld  bool
	Chaseable         bool // on the Not returned sheet
	Returned          bool // on the Answers sheet (and Cannot assure, if it could not)
	CannotAssure      bool // returned without giving assurance: on the Cannot assure sheet
	ActionPlan        string
	TargetDate        time.Time // the action plan's; zero when none was given
	// Answers are the non-empty answers by question ID (the workbook's; the CSV has none).
	Answers map[string]Answer
	// SignOff is who prepared and who confirmed a return signed off by two people.
	SignOff *SignOff
}

// SignOff is the two people of a two-person sign-off, with when each signed.
type SignOff struct {
	PreparedBy, PreparerRole   string
	Prepared                   time.Time
	ConfirmedBy, ConfirmerRole string
	Confirmed                  time.Time
}

// signOffHeader heads the Answers sheet's last columns: the two people of a two-person
// sign-off (empty for a return signed by one).
var signOffHeader = []string{"Prepared by", "Preparer's role", "Prepared", "Confirmed by", "Confirmer's role", "Confirmed"}

// Answer is one answer as given: a value, the values of a many-of question, a comment.
type Answer struct {
	Value   string
	Values  []string
	Comment string
}

// AnswerKind says how an answer column's cells are written.
type AnswerKind int

// Answer kinds.
const (
	AnswerText   AnswerKind = iota
	AnswerNumber            // a whole number, written as a number
	AnswerDate              // yyyy-mm-dd, written as a date
	AnswerList              // many values, written joined with "; "
)

// AnswerColumn is one column of the Answers sheet: a question's answer, or its comment.
type AnswerColumn struct {
	ID       string // the column's heading: the question's ID, or it with ".comment"
	Question string // the question's ID, the key of ReturnRow.Answers
	Text     string // shown above the ID
	Kind     AnswerKind
	Comment  bool
}

// BySchoolHeader is the school-level row, in the workbook and as CSV.
var BySchoolHeader = []string{"URN", "School", "Phase", "Governance", "All-through", "District", "Trust", "Status",
	"Submitted", "Late", "Reference", "Links issued", "Reminders sent", "Last contact"}

var notReturnedHeader = []string{"URN", "School", "Phase", "Governance", "District", "Trust", "Status",
	"Days to deadline", "Contact email held", "Links issued", "Reminders sent", "Last contact"}

var cannotAssureHeader = []string{"URN", "School", "Phase", "Governance", "Submitted", "Reference", "Action plan", "Target date"}

// workbook holds the styles and stream writers while the workbook is written.
type workbook struct {
	f                     *excelize.File
	date, dateTime, pct   int
	wrap, header, bold    int
	indent, change        int
	bySchool, notReturned *excelize.StreamWriter
	cannotAssure, answers *excelize.StreamWriter
	rows                  map[string]int // the last row written, by sheet
	cols                  map[string]int // the header's width, by sheet
	questions             []AnswerColumn
	deadlineDays          int
}

// WriteReturnsWorkbook writes the round's return-rate workbook.
func WriteReturnsWorkbook(w io.Writer, in ReturnsReport) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	b := &workbook{f: f, rows: map[string]int{}, cols: map[string]int{}, deadlineDays: in.DaysToDeadline, questions: in.Columns}
	if err := b.styles(); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	// The summary opens first. Said now, while the sheets are empty: said after they are
	// streamed, excelize reads every streamed sheet back into memory to say it (seconds,
	// and hundreds of MB, for England).
	f.SetActiveSheet(0)
	if err := b.startSheets(); err != nil {
		return err
	}
	if err := in.Each(b.add); err != nil {
		return err
	}
	if err := b.finishSheets(); err != nil {
		return err
	}
	if err := b.summary(in); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func (b *workbook) styles() error {
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = b.f.NewStyle(s)
		return id
	}
	dateFmt, dateTimeFmt, changeFmt := "d mmm yyyy", "d mmm yyyy hh:mm", "+0;-0;0"
	b.date = style(&excelize.Style{CustomNumFmt: &dateFmt})
	b.dateTime = style(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	b.pct = style(&excelize.Style{NumFmt: 9})
	b.change = style(&excelize.Style{CustomNumFmt: &changeFmt})
	b.wrap = style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	b.header = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	b.bold = style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	b.indent = style(&excelize.Style{Alignment: &excelize.Alignment{Indent: 2}})
	return err
}

func headerCells(names []string, style int) []any {
	row := make([]any, len(names))
	for i, n := range names {
		row[i] = excelize.Cell{StyleID: style, Value: n}
	}
	return row
}

// stream starts a streamed sheet: column widths, frozen header rows, the header.
func (b *workbook) stream(name string, header []string, widths []float64, above []any) (*excelize.StreamWriter, error) {
	if name != SheetSummary {
		if _, err := b.f.NewSheet(name); err != nil {
			return nil, err
		}
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	headerRow := 1
	if above != nil {
		headerRow = 2
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, XSplit: 2, TopLeftCell: "C" + strconv.Itoa(headerRow+1), ActivePane: "bottomRight"}); err != nil {
		return nil, err
	}
	if above != nil {
		if err := sw.SetRow("A1", above); err != nil {
			return nil, err
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, headerRow)
	if err := sw.SetRow(cell, headerCells(header, b.header)); err != nil {
		return nil, err
	}
	b.rows[name], b.cols[name] = headerRow, len(header)
	return sw, nil
}

func (b *workbook) startSheets() error {
	var err error
	if b.bySchool, err = b.stream(SheetBySchool, BySchoolHeader, []float64{9, 40, 13, 12, 11, 16, 30, 15, 18, 6, 11, 8, 9, 18}, nil); err != nil {
		return err
	}
	if b.notReturned, err = b.stream(SheetNotReturned, notReturnedHeader, []float64{9, 40, 13, 12, 16, 30, 15, 10, 10, 8, 9, 18}, nil); err != nil {
		return err
	}
	if b.cannotAssure, err = b.stream(SheetCannotAssure, cannotAssureHeader, []float64{9, 40, 13, 12, 18, 11, 80, 13}, nil); err != nil {
		return err
	}
	lead := []string{"URN", "School", "Phase", "Governance", "Reference", "Submitted"}
	ids := append([]string{}, lead...)
	widths := []float64{9, 40, 13, 12, 11, 18}
	texts := make([]any, len(lead))
	for i := range lead {
		texts[i] = ""
	}
	for _, q := range b.questions {
		ids = append(ids, q.ID)
		widths = append(widths, 18)
		texts = append(texts, excelize.Cell{StyleID: b.wrap, Value: SafeText(q.Text)})
	}
	for _, h := range signOffHeader {
		ids = append(ids, h)
		widths = append(widths, 20)
		texts = append(texts, "")
	}
	// Two header rows: each question's text above its ID; the IDs head the table.
	b.answers, err = b.stream(SheetAnswers, ids, widths, texts)
	return err
}

func (b *workbook) next(name string) string {
	b.rows[name]++
	cell, _ := excelize.CoordinatesToCellName(1, b.rows[name])
	return cell
}

// text makes user text safe for a spreadsheet.
func text(s string) any { return SafeText(s) }

func (b *workbook) when(t time.Time, style int) any {
	if t.IsZero() {
		return nil
	}
	// Spreadsheets have no time zones: write London time, as the partnership reads it.
	l := t.In(academic.London)
	return excelize.Cell{StyleID: style, Value: time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)}
}

func yesNo(v bool) string {
	if v {
		return "Yes"
	}
	return "No"
}

// add writes one return to every sheet it belongs on.
func (b *workbook) add(r ReturnRow) error {
	row := []any{r.URN, text(r.School), r.Phase, r.Governance, yesNo(r.AllThrough), text(r.District), text(r.Trust), r.Status,
		b.when(r.Submitted, b.dateTime), yesNo(r.Late), r.Reference, r.LinksIssued, r.Reminders, b.when(r.LastContact, b.dateTime)}
	if err := b.bySchool.SetRow(b.next(SheetBySchool), row); err != nil {
		return err
	}
	if r.Chaseable {
		row := []any{r.URN, text(r.School), r.Phase, r.Governance, text(r.District), text(r.Trust), r.Status, b.deadlineDays,
			yesNo(r.ContactEmailHeld), r.LinksIssued, r.Reminders, b.when(r.LastContact, b.dateTime)}
		if err := b.notReturned.SetRow(b.next(SheetNotReturned), row); err != nil {
			return err
		}
	}
	if !r.Returned {
		return nil
	}
	if r.CannotAssure {
		target := any(nil)
		if !r.TargetDate.IsZero() {
			target = excelize.Cell{StyleID: b.date, Value: r.TargetDate}
		}
		row := []any{r.URN, text(r.School), r.Phase, r.Governance, b.when(r.Submitted, b.dateTime), r.Reference,
			excelize.Cell{StyleID: b.wrap, Value: SafeText(r.ActionPlan)}, target}
		if err := b.cannotAssure.SetRow(b.next(SheetCannotAssure), row); err != nil {
			return err
		}
	}
	row = []any{r.URN, text(r.School), r.Phase, r.Governance, r.Reference, b.when(r.Submitted, b.dateTime)}
	for _, col := range b.questions {
		row = append(row, b.answerCell(col, r.Answers))
	}
	if p := r.SignOff; p != nil {
		row = append(row, text(p.PreparedBy), text(p.PreparerRole), b.when(p.Prepared, b.dateTime),
			text(p.ConfirmedBy), text(p.ConfirmerRole), b.when(p.Confirmed, b.dateTime))
	}
	return b.answers.SetRow(b.next(SheetAnswers), row)
}

// answerCell writes an answer as its kind: numbers as numbers, dates as dates.
func (b *workbook) answerCell(col AnswerColumn, answers map[string]Answer) any {
	a, ok := answers[col.Question]
	if col.Comment {
		if a.Comment == "" {
			return nil
		}
		return text(a.Comment)
	}
	switch {
	case !ok:
		return nil
	case col.Kind == AnswerNumber:
		if n, err := strconv.Atoi(a.Value); err == nil {
			return n
		}
	case col.Kind == AnswerDate:
		if d, err := time.Parse(time.DateOnly, a.Value); err == nil {
			return excelize.Cell{StyleID: b.date, Value: d}
		}
	case col.Kind == AnswerList:
		return text(strings.Join(a.Values, "; "))
	}
	return text(a.Value)
}

// finishSheets makes each streamed sheet a filtered table and writes it out.
func (b *workbook) finishSheets() error {
	for _, s := range []struct {
		sw    *excelize.StreamWriter
		name  string
		table string
		top   int
	}{
		{b.bySchool, SheetBySchool, "BySchool", 1},
		{b.notReturned, SheetNotReturned, "NotReturned", 1},
		{b.cannotAssure, SheetCannotAssure, "CannotAssure", 1},
		{b.answers, SheetAnswers, "Answers", 2},
	} {
		last, _ := excelize.CoordinatesToCellName(b.cols[s.name], max(b.rows[s.name], s.top+1))
		first, _ := excelize.CoordinatesToCellName(1, s.top)
		noStripes := false
		if err := s.sw.AddTable(&excelize.Table{Range: first + ":" + last, Name: s.table, StyleName: "TableStyleLight1", ShowRowStripes: &noStripes}); err != nil {
			return fmt.Errorf("exports: table on %s: %w", s.name, err)
		}
		if err := s.sw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// summary writes the report's table, the previous round beside it, and the chart.
func (b *workbook) summary(in ReturnsReport) error {
	f, sh := b.f, SheetSummary
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sh, cell, cell, style)
		}
		return nil
	}
	prev := in.Previous
	if err := set("A1", "Safeguarding assurance return rates, round "+in.Round, b.bold); err != nil {
		return err
	}
	if err := set("A2", SafeText(in.Partnership)+". Rates are whole percentages, rounded half up; exempt schools are not expected.", 0); err != nil {
		return err
	}
	header := []string{"Phase / type", "Returned", "Expected", "Rate"}
	if prev != "" {
		header = append(header, "Returned "+prev, "Expected "+prev, "Rate "+prev, "Change (points)")
	}
	if err := f.SetSheetRow(sh, "A4", &header); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 4)
	if err := f.SetCellStyle(sh, "A4", last, b.header); err != nil {
		return err
	}
	row := 5
	for _, r := range in.Rates {
		cells := []any{r.Label, r.Now.Returned, r.Now.Expected, float64(r.Now.Percent) / 100}
		if prev != "" && r.HadBefore {
			cells = append(cells, r.Before.Returned, r.Before.Expected, float64(r.Before.Percent)/100, r.Change)
		}
		cell := "A" + strconv.Itoa(row)
		if err := f.SetSheetRow(sh, cell, &cells); err != nil {
			return err
		}
		label := map[int]int{0: b.bold, 2: b.indent}[r.Level]
		if err := set(cell, r.Label, label); err != nil {
			return err
		}
		for _, c := range []string{"D", "G"} {
			if err := f.SetCellStyle(sh, c+strconv.Itoa(row), c+strconv.Itoa(row), b.pct); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(sh, "H"+strconv.Itoa(row), "H"+strconv.Itoa(row), b.change); err != nil {
			return err
		}
		row++
	}
	if at := in.AllThrough; at.Expected > 0 {
		row++
		note := fmt.Sprintf("Primary includes %d all-through school(s), %d returned.", at.Expected, at.Returned)
		if err := set("A"+strconv.Itoa(row), note, 0); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sh, "A", "A", 34); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "B", "H", 13); err != nil {
		return err
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return b.chart(in)
}

// chart draws the rates by phase as a native bar chart, from a block of chart data to
// the right of the table (the phase lines of the table are not next to each other).
func (b *workbook) chart(in ReturnsReport) error {
	f, sh := b.f, SheetSummary
	var phases []RateRow
	for _, r := range in.Rates {
		if r.Level == 1 {
			phases = append(phases, r)
		}
	}
	if len(phases) == 0 {
		return nil
	}
	head := []any{"Chart data: rate by phase", in.Round}
	if in.Previous != "" {
		head = append(head, in.Previous)
	}
	if err := f.SetSheetRow(sh, "K4", &head); err != nil {
		return err
	}
	for i, p := range phases {
		cells := []any{p.Label, float64(p.Now.Percent) / 100}
		if in.Previous != "" {
			cells = append(cells, float64(p.Before.Percent)/100)
		}
		cell := "K" + strconv.Itoa(5+i)
		if err := f.SetSheetRow(sh, cell, &cells); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, "L"+strconv.Itoa(5+i), "M"+strconv.Itoa(5+i), b.pct); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sh, "K", "K", 26); err != nil {
		return err
	}
	end := strconv.Itoa(4 + len(phases))
	cats := "'" + sh + "'!$K$5:$K$" + end
	series := []excelize.ChartSeries{{Name: "'" + sh + "'!$L$4", Categories: cats, Values: "'" + sh + "'!$L$5:$L$" + end}}
	if in.Previous != "" {
		series = append(series, excelize.ChartSeries{Name: "'" + sh + "'!$M$4", Categories: cats, Values: "'" + sh + "'!$M$5:$M$" + end})
	}
	zero, one := 0.0, 1.0
	return f.AddChart(sh, "K"+strconv.Itoa(6+len(phases)), &excelize.Chart{
		Type:      excelize.Col,
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Return rate by phase"}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		YAxis:     excelize.ChartAxis{Minimum: &zero, Maximum: &one, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		Format:    excelize.GraphicOptions{AltText: "Bar chart of the return rate of each phase, this round beside the previous round"},
		Dimension: excelize.ChartDimension{Width: 640, Height: 320},
	})
}

// WriteReturnsCSV writes the school rows as CSV; each calls fn with every return's row
// (answers are not needed).
func WriteReturnsCSV(w io.Writer, each func(fn func(ReturnRow) error) error) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(BySchoolHeader); err != nil {
		return err
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(academic.London).Format("2006-01-02 15:04")
	}
	err := each(func(r ReturnRow) error {
		return cw.Write([]string{strconv.Itoa(r.URN), SafeText(r.School), r.Phase, r.Governance, yesNo(r.AllThrough),
			SafeText(r.District), SafeText(r.Trust), r.Status, stamp(r.Submitted), yesNo(r.Late), r.Reference,
			strconv.Itoa(r.LinksIssued), strconv.Itoa(r.Reminders), stamp(r.LastContact)})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
