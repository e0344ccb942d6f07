package exports

import (
	"fmt"
	"io"
	"testing"
	"time"
)

// benchReport is a round of n schools, nine in ten returned, each return answering
// every one of 60 questions of mixed kinds. The rows are made as the workbook asks for
// them, as the store's walk gives them, so only the workbook's own memory is measured.
// (forms' BenchmarkExportReturns times the export with the store's reads.)
func benchReport(n int) ReturnsReport {
	kinds := []AnswerKind{AnswerText, AnswerNumber, AnswerDate, AnswerList}
	var cols []AnswerColumn
	for i := range 60 {
		id := fmt.Sprintf("section%d.q%d", i/10, i)
		cols = append(cols, AnswerColumn{ID: id, Question: id, Text: "Question " + id + "?", Kind: kinds[i%len(kinds)]})
		if i%3 == 0 {
			cols = append(cols, AnswerColumn{ID: id + ".comment", Question: id, Text: "Comment: Question " + id + "?", Comment: true})
		}
	}
	values := map[AnswerKind]Answer{AnswerText: {Value: "partly", Comment: "The business manager is chasing two references."},
		AnswerNumber: {Value: "3"}, AnswerDate: {Value: "2022-09-05"}, AnswerList: {Values: []string{"lscp_audit", "monitoring"}}}
	at := time.Date(2022, 12, 1, 10, 30, 0, 0, time.UTC)
	each := func(fn func(ReturnRow) error) error {
		for i := range n {
			r := ReturnRow{URN: 100000 + i, School: fmt.Sprintf("School %d", i), Phase: "Primary", Governance: "Academy",
				District: "Boston", Trust: "Fens Trust", Status: "in progress", LinksIssued: 1, Reminders: 2, LastContact: at,
				ContactEmailHeld: true, Chaseable: true}
			if i%10 != 0 {
				r.Status, r.Submitted, r.Reference, r.Returned, r.Chaseable = "submitted", at, "ACDEFGHJ", true, false
				r.Answers = make(map[string]Answer, len(cols))
				for _, c := range cols {
					r.Answers[c.Question] = values[c.Kind]
				}
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	rates := []RateRow{{Level: 0, Label: "All provisions and phases", Now: Rate{Returned: n * 9 / 10, Expected: n, Percent: 90}},
		{Level: 1, Label: "Primary", Now: Rate{Returned: n * 9 / 10, Expected: n, Percent: 90}}}
	return ReturnsReport{Partnership: "Bench", Round: "2022-23", Rates: rates, DaysToDeadline: 7, Columns: cols, Each: each}
}

func benchWorkbook(b *testing.B, n int) {
	in := benchReport(n)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteReturnsWorkbook(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWorkbookCounty(b *testing.B) { benchWorkbook(b, 400) }
func BenchmarkWorkbook24000(b *testing.B)  { benchWorkbook(b, 24000) }
