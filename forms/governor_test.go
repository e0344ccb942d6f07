package forms

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/lscp/assure/internal/problem"
)

// The rules of a governor's journey, decided without a store.

// twoSectionForm is a return's form: one section of questions and the declaration.
func twoSectionForm() (Round, Return) {
	def := Definition{Sections: []Section{
		{ID: "dsl", Title: "Designated safeguarding lead", Phases: []Phase{PhasePrimary}, Questions: []Question{
			{ID: "dsl.named", Kind: KindYesNo, Text: "Is a DSL named?", Required: true},
			{ID: "dsl.deputies", Kind: KindNumber, Text: "How many deputies?"},
		}},
		{ID: "declaration", Title: "Declaration", Phases: []Phase{PhasePrimary}, Questions: []Question{
			{ID: "declaration.name", Kind: KindShortText, Text: "Your name", Required: true},
			{ID: "declaration.statement", Kind: KindDeclaration, Text: "I confirm", Required: true},
		}},
	}}
	round := Round{ID: "2024-25", State: RoundOpen, Definition: def}
	ret := Return{ID: "2024-25:990006", Round: "2024-25", URN: 990006, Status: StatusInProgress,
		School: ReturnSchool{Record: Record{URN: 990006, Phase: PhasePrimary}}}
	return round, ret
}

func TestTheDeclarationIsSignedNotAnsweredAsASection(t *testing.T) {
	t.Parallel()
	round, ret := twoSectionForm()
	if got := QuestionSections(round.Sections(ret)); len(got) != 1 || got[0].ID != "dsl" {
		t.Fatalf("question sections: %+v", got)
	}
	if _, ok := round.QuestionSection(ret, "declaration"); ok {
		t.Error("the declaration is offered as a section of questions")
	}
	if _, ok := round.QuestionSection(ret, "nowhere"); ok {
		t.Error("an unknown section is found")
	}
	if sec, ok := round.QuestionSection(ret, "dsl"); !ok || sec.Title != "Designated safeguarding lead" {
		t.Errorf("dsl: %+v %v", sec, ok)
	}
	if d, ok := DeclarationSection(round.Sections(ret)); !ok || d.ID != "declaration" {
		t.Errorf("declaration: %+v %v", d, ok)
	}
}

func TestAReturnIsOpenForChangesOnlyWhileEditableInAnOpenRound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state, status string
		exempt        bool
		want          bool
	}{
		{RoundOpen, StatusNotStarted, false, true},
		{RoundOpen, StatusInProgress, false, true},
		{RoundOpen, StatusReopened, false, true},
		{RoundOpen, StatusSubmitted, false, false},
		{RoundOpen, StatusInProgress, true, false},
		{RoundClosed, StatusInProgress, false, false},
		{RoundDraft, StatusNotStarted, false, false},
		{RoundArchived, StatusReopened, false, false},
	}
	for _, tt := range tests {
		round, ret := twoSectionForm()
		round.State, ret.Status, ret.Exempt = tt.state, tt.status, tt.exempt
		if got := round.OpenForChanges(ret); got != tt.want {
			t.Errorf("round %s, return %s, exempt %v: %v, want %v", tt.state, tt.status, tt.exempt, got, tt.want)
		}
	}
}

func TestSectionStatusFollowsCompletionThenAnswers(t *testing.T) {
	t.Parallel()
	round, ret := twoSectionForm()
	dsl, _ := round.QuestionSection(ret, "dsl")
	if got := ret.SectionStatus(dsl); got != SectionNotStarted {
		t.Errorf("nothing answered: %s", got)
	}
	ret.Answers = []StoredAnswer{{Question: "declaration.name", Answer: Answer{Value: "Sam"}}}
	if got := ret.SectionStatus(dsl); got != SectionNotStarted {
		t.Errorf("another section answered: %s", got)
	}
	ret.Answers = append(ret.Answers, StoredAnswer{Question: "dsl.deputies", Answer: Answer{Value: "2"}})
	if got := ret.SectionStatus(dsl); got != SectionInProgress {
		t.Errorf("one answer: %s", got)
	}
	ret.Completed = []string{"dsl"}
	if got := ret.SectionStatus(dsl); got != SectionCompleted {
		t.Errorf("completed: %s", got)
	}
}

func TestSigningNeedsEverySectionAndAWellFormedDeclaration(t *testing.T) {
	t.Parallel()
	round, ret := twoSectionForm()
	sections := round.Sections(ret)
	decl, _ := DeclarationSection(sections)
	today := time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)
	signature := ReadSection(decl, url.Values{"declaration.name": {"Sam Lead"}, "declaration.statement": {"confirmed"}}, false, today)
	if len(signature.Errors) > 0 {
		t.Fatalf("signature: %v", signature.Errors)
	}
	if _, _, err := ret.sign(sections, signature); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("dsl not completed: %v", err)
	}
	if sec, ok := ret.FirstIncomplete(QuestionSections(sections)); !ok || sec.ID != "dsl" {
		t.Errorf("first incomplete: %+v %v", sec, ok)
	}
	ret.Completed = []string{"dsl"}
	if _, ok := ret.FirstIncomplete(QuestionSections(sections)); ok {
		t.Error("a complete return has a section to do")
	}
	answers, completed, err := ret.sign(sections, signature)
	if err != nil || len(completed) != 2 || len(answers) != 2 {
		t.Fatalf("signed: %v %v %v", answers, completed, err)
	}
	unsigned := ReadSection(decl, url.Values{"declaration.name": {"Sam Lead"}}, false, today)
	if _, _, err := ret.sign(sections, unsigned); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("statement not confirmed: %v", err)
	}
	if _, _, err := ret.sign(QuestionSections(sections), signature); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("a form without a declaration: %v", err)
	}
}

func TestInvalidEntryListsErrorsInQuestionOrderNamingTheQuestion(t *testing.T) {
	t.Parallel()
	round, ret := twoSectionForm()
	dsl, _ := round.QuestionSection(ret, "dsl")
	e := ReadSection(dsl, url.Values{"dsl.deputies": {"two"}}, false, time.Now())
	var err error = &InvalidEntry{Section: dsl, Entry: e}
	var fields problem.FieldErrors
	if problem.KindOf(err) != problem.Invalid || !errors.As(err, &fields) || len(fields) != 2 {
		t.Fatalf("kind %v, field errors %v", problem.KindOf(err), fields)
	}
	got := (&InvalidEntry{Section: dsl, Entry: e}).Fields()
	if len(got) != 2 || got[0].Field != "dsl.named" || got[1].Field != "dsl.deputies" {
		t.Fatalf("fields: %+v", got)
	}
	if got[0].Message != "Select yes or no: Is a DSL named" {
		t.Errorf("message: %q", got[0].Message)
	}
}

func TestParseReturnIDAcceptsOnlyAYearAndAURN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		year string
		urn  int
		ok   bool
	}{
		{"2024-25:120001", "2024-25", 120001, true},
		{"2024-25:0", "", 0, false},
		{"2024-25:", "", 0, false},
		{"2024-26:120001", "", 0, false},
		{"2024-25:12a", "", 0, false},
		{"2024-25:-1", "", 0, false},
		{"2024-25:99999999999", "", 0, false},
		{"120001", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		id, ok := ParseReturnID(tt.id)
		if ok != tt.ok || (ok && (id.Round != tt.year || id.URN != tt.urn || id.String() != tt.id)) {
			t.Errorf("%q: %+v %v", tt.id, id, ok)
		}
	}
}
