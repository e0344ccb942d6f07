package forms

import (
	"bytes"
	"context"
	"io"
	"time"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/urls"
)

// The files forms gives out: the return-rate workbook (or its school rows as CSV), a
// return's receipt and the links mail merge. exports writes them from rows in its own
// words and knows nothing of forms; this file is the one place that turns returns,
// rounds and links into those rows, so the web front and the command line only parse,
// call and send.

// ReturnsExport is an export of a round's returns, as asked for.
type ReturnsExport struct {
	Partnership string
	Year        string
	Format      ReturnsFormat
	Now         time.Time // for days to the deadline
}

// ExportReturns writes the round's return-rate workbook (every return with its answers,
// streamed), or its school rows as CSV, to w and, once written, records who exported the
// round in which format. It gives back the report the file was made from.
func (rs *Rounds) ExportReturns(ctx context.Context, by audit.Actor, req ReturnsExport, w io.Writer) (RoundReport, error) {
	rep, err := rs.Report(ctx, req.Year, req.Now)
	if err != nil {
		return rep, err
	}
	each := func(fn func(exports.ReturnRow) error) error {
		row := func(r Return) error { return fn(returnRow(r)) }
		if req.Format == ReturnsWorkbook {
			return rs.eachWithAnswers(ctx, rep.Round, row)
		}
		return rs.returns.Each(ctx, req.Year, false, row)
	}
	if req.Format == ReturnsCSV {
		err = exports.WriteReturnsCSV(w, each)
	} else {
		err = exports.WriteReturnsWorkbook(w, returnsReport(req.Partnership, rep, req.Now, each))
	}
	if err != nil {
		return rep, err
	}
	record(ctx, rs.audit, by, audit.ActionExported, req.Year, "returns "+string(req.Format))
	return rep, nil
}

// returnsReport is the workbook's report: the round's rates and questions, and each.
func returnsReport(partnership string, rep RoundReport, now time.Time, each func(func(exports.ReturnRow) error) error) exports.ReturnsReport {
	out := exports.ReturnsReport{Partnership: partnership, Round: rep.Round.ID, Previous: rep.Figures.Previous,
		AllThrough: rate(rep.Figures.AllThrough), DaysToDeadline: rep.Round.DaysToDeadline(now),
		Columns: answerColumns(rep.Round.Definition), Each: each}
	for _, r := range rep.Figures.Summary {
		out.Rates = append(out.Rates, exports.RateRow{Level: r.Level, Label: r.Label, Now: rate(r.Now), Before: rate(r.Before),
			HadBefore: r.HadBefore, Change: r.Change()})
	}
	return out
}

func rate(r Rate) exports.Rate {
	return exports.Rate{Returned: r.Returned, Expected: r.Expected, Percent: r.Percent()}
}

// answerColumns lists every question of the round's form, in form order, with a comment
// column after each yes/partly/no question. IDs are stable across rounds, so the columns
// line up year on year.
func answerColumns(def Definition) []exports.AnswerColumn {
	var out []exports.AnswerColumn
	for _, s := range def.Sections {
		for _, q := range s.Questions {
			out = append(out, exports.AnswerColumn{ID: q.ID, Question: q.ID, Text: q.Text, Kind: answerKind(q.Kind)})
			if q.Kind == KindYesPartlyNo {
				out = append(out, exports.AnswerColumn{ID: q.ID + ".comment", Question: q.ID, Text: "Comment: " + q.Text, Comment: true})
			}
		}
	}
	return out
}

// answerKind is how a question's answers are written in a spreadsheet.
func answerKind(k Kind) exports.AnswerKind {
	switch k {
	case KindNumber:
		return exports.AnswerNumber
	case KindDate:
		return exports.AnswerDate
	case KindManyOf:
		return exports.AnswerList
	}
	return exports.AnswerText
}

// returnRow is a return as the workbook's and the CSV's rows show it.
func returnRow(r Return) exports.ReturnRow {
	s := r.School
	_, returned := r.Counted()
	row := exports.ReturnRow{URN: r.URN, School: s.Name, Phase: s.Phase.Label(), Governance: s.Governance.Label(),
		District: s.District, Trust: s.Trust, AllThrough: s.AllThrough, Status: r.StatusLabel(), Submitted: r.Submitted,
		Late: r.Late && returned, Reference: r.Reference, LinksIssued: r.LinksIssued, Reminders: r.Reminders,
		LastContact: r.LastContact, ContactEmailHeld: r.ContactEmail != "", Chaseable: r.Chaseable(), Returned: returned}
	if returned && r.Confirmer != nil && r.Preparer != nil {
		row.SignOff = &exports.SignOff{PreparedBy: r.Preparer.Name, PreparerRole: r.Preparer.Role, Prepared: r.Preparer.At,
			ConfirmedBy: r.Confirmer.Name, ConfirmerRole: r.Confirmer.Role, Confirmed: r.Confirmer.At}
	}
	if !returned || len(r.Answers) == 0 {
		return row
	}
	answers := r.AnswerMap()
	row.Answers = make(map[string]exports.Answer, len(answers))
	for id, a := range answers {
		if !a.Empty() {
			row.Answers[id] = exports.Answer{Value: a.Value, Values: a.Values, Comment: a.Comment}
		}
	}
	if answers[QuestionAssuranceGiven].Value == "no" {
		row.CannotAssure, row.ActionPlan = true, answers[QuestionActionPlan].Value
		if d, err := time.Parse(time.DateOnly, answers[QuestionTargetDate].Value); err == nil {
			row.TargetDate = d
		}
	}
	return row
}

// ReceiptPDF is a submitted return's receipt as a PDF: every section the school was
// asked, with its answers in words.
func ReceiptPDF(partnership string, round Round, r Return) ([]byte, error) {
	rc := exports.Receipt{Partnership: partnership, School: r.School.Name, URN: r.URN, Round: round.ID,
		Reference: r.Reference, Submitted: r.Submitted.In(academic.London), Late: r.Late, SignOff: signOffWords(r)}
	answers := r.AnswerMap()
	for _, sec := range round.Definition.For(r.School.Record) {
		rs := exports.ReceiptSection{Title: sec.Title}
		for _, qa := range sec.Answered(answers) {
			rs.Rows = append(rs.Rows, exports.ReceiptRow{Question: qa.Question.Text, Answer: qa.Text, Comment: qa.Answer.Comment})
		}
		rc.Sections = append(rc.Sections, rs)
	}
	var buf bytes.Buffer
	if err := exports.WriteReceiptPDF(&buf, rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteLinksCSV gives out the round's links as IssueLinks does (audited there) and
// writes them to w as a CSV for a mail merge; publicURL is where the links point.
func (lk *Links) WriteLinksCSV(ctx context.Context, by audit.Actor, req LinksRequest, publicURL string, w io.Writer) error {
	links, err := lk.IssueLinks(ctx, by, req)
	if err != nil {
		return err
	}
	rows := make([]exports.LinkRow, len(links))
	for i, l := range links {
		rows[i] = exports.LinkRow{URN: l.URN, School: l.School, Phase: string(l.Phase), Status: l.Status,
			ContactEmail: l.ContactEmail, Link: urls.Return(publicURL, l.Token)}
	}
	return exports.WriteLinksCSV(w, rows)
}
