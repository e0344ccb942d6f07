package forms

import (
	"slices"
	"testing"
	"time"

	"github.com/lscp/assure/exports"
)

// exportSample is a small round: one school returned (with an empty answer), one could
// not give assurance, one has not returned, one is exempt.
func exportSample() []Return {
	at := time.Date(2022, 12, 1, 10, 30, 0, 0, time.UTC)
	school := func(name string, p Phase, g Governance) ReturnSchool {
		return ReturnSchool{Name: name, Phase: p, Governance: g, District: "Boston", Trust: "Fens Trust"}
	}
	return []Return{
		{ID: "2022-23:1", URN: 1, School: school("Returned School", PhasePrimary, GovAcademy), Status: StatusSubmitted,
			Submissions: 1, Submitted: at, Reference: "ACDEFGHJ", LinksIssued: 1,
			Answers: []StoredAnswer{{Question: "dsl.deputies", Answer: Answer{Value: "3"}},
				{Question: "dsl.last_training", Answer: Answer{}},
				{Question: "leadership.annual_report", Answer: Answer{Value: "partly", Comment: "due in spring"}},
				{Question: "assurance.given", Answer: Answer{Value: "yes"}},
				{Question: "assurance.method", Answer: Answer{Values: []string{"lscp_audit", "monitoring"}}}}},
		{ID: "2022-23:2", URN: 2, School: school("Cannot School", PhaseSecondary, GovMaintained), Status: StatusSubmitted,
			Submissions: 1, Submitted: at.AddDate(0, 0, 20), Late: true, Reference: "KMNPQRTU",
			Answers: []StoredAnswer{{Question: QuestionAssuranceGiven, Answer: Answer{Value: "no"}},
				{Question: QuestionActionPlan, Answer: Answer{Value: "fix the SCR"}},
				{Question: QuestionTargetDate, Answer: Answer{Value: "2023-02-01"}}}},
		{ID: "2022-23:3", URN: 3, School: school("Late School", PhasePrimary, GovMaintained), Status: StatusInProgress, Late: true,
			Reminders: 2, LastContact: at, ContactEmail: "a@example.org"},
		{ID: "2022-23:4", URN: 4, School: school("Exempt School", PhasePrimary, GovMaintained), Exempt: true},
	}
}

// A return's row says in words what the sheets show: labels, lateness only of a return
// made, the Not returned and Cannot assure sheets' rules, and only the answers given.
func TestReturnRowsAreTheReturnsInWords(t *testing.T) {
	t.Parallel()
	rows := make([]exports.ReturnRow, 0, 4)
	for _, r := range exportSample() {
		rows = append(rows, returnRow(r))
	}
	done, cannot, late, exempt := rows[0], rows[1], rows[2], rows[3]
	if done.Phase != "Primary" || done.Governance != "Academy" || done.Status != "submitted" || !done.Returned || done.Chaseable || done.CannotAssure {
		t.Errorf("returned row %+v", done)
	}
	if _, ok := done.Answers["dsl.last_training"]; ok || len(done.Answers) != 4 || done.Answers["assurance.method"].Values[1] != "monitoring" {
		t.Errorf("answers %+v: want the four given", done.Answers)
	}
	if !cannot.CannotAssure || cannot.ActionPlan != "fix the SCR" || cannot.TargetDate != time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC) ||
		!cannot.Late || cannot.Status != "submitted late" {
		t.Errorf("cannot-assure row %+v", cannot)
	}
	if late.Late || late.Returned || !late.Chaseable || !late.ContactEmailHeld || late.Answers != nil {
		t.Errorf("not returned row %+v: late only once returned, chased, no answers", late)
	}
	if exempt.Chaseable || exempt.Returned || exempt.Status != "exempt" {
		t.Errorf("exempt row %+v", exempt)
	}
}

// The Answers sheet has every question of the form in form order, a comment column after
// each yes/partly/no question, and each typed as its kind.
func TestAnswerColumnsFollowTheForm(t *testing.T) {
	t.Parallel()
	def, err := DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	cols := answerColumns(*def)
	if cols[0].ID != "assurance.method" || cols[0].Kind != exports.AnswerList {
		t.Errorf("first column %+v", cols[0])
	}
	n := 0
	for _, s := range def.Sections {
		for _, q := range s.Questions {
			i := slices.IndexFunc(cols, func(c exports.AnswerColumn) bool { return c.ID == q.ID })
			if i < 0 || cols[i].Question != q.ID || cols[i].Text != q.Text || cols[i].Comment {
				t.Fatalf("question %s: column %d", q.ID, i)
			}
			if q.Kind == KindYesPartlyNo && (i+1 >= len(cols) || !cols[i+1].Comment || cols[i+1].ID != q.ID+".comment" || cols[i+1].Question != q.ID) {
				t.Errorf("no comment column after %s", q.ID)
			}
			if want := map[Kind]exports.AnswerKind{KindNumber: exports.AnswerNumber, KindDate: exports.AnswerDate, KindManyOf: exports.AnswerList}[q.Kind]; cols[i].Kind != want {
				t.Errorf("%s is written as %v, want %v", q.ID, cols[i].Kind, want)
			}
			n++
		}
	}
	if n < 10 {
		t.Fatalf("only %d questions checked", n)
	}
}

// The workbook's rates are the report's, rounded as the report rounds them.
func TestReturnsReportCarriesTheRates(t *testing.T) {
	t.Parallel()
	tally := NewTally()
	for _, r := range exportSample() {
		tally.Add(r)
	}
	round := Round{ID: "2022-23", Opens: "2022-10-03", Deadline: "2022-12-16"}
	in := returnsReport("Demo LSCP", RoundReport{Round: round, Figures: tally.Figures("2022-23", "")}, time.Date(2022, 12, 9, 12, 0, 0, 0, time.UTC), nil)
	if in.Round != "2022-23" || in.Previous != "" || in.DaysToDeadline != 7 || in.Partnership != "Demo LSCP" {
		t.Errorf("report %+v", in)
	}
	all, primary := in.Rates[0], in.Rates[1]
	if all.Level != 0 || all.Now != (exports.Rate{Returned: 2, Expected: 3, Percent: 67}) ||
		primary.Label != "Primary" || primary.Now != (exports.Rate{Returned: 1, Expected: 2, Percent: 50}) {
		t.Errorf("rates %+v", in.Rates)
	}
}
