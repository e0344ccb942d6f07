package forms

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/audit"
)

// Which answers are carried is a rule on the answers and this year's sections: same ID,
// a value still accepted, never the declaration. No store.
func TestCarriedAnswersMatchByIDAndStillValid(t *testing.T) {
	t.Parallel()
	sections := []Section{
		{ID: "dsl", Questions: []Question{{ID: "dsl.on_slt", Kind: KindYesNo}, {ID: "dsl.route", Kind: KindOneOf, Choices: []Choice{{Value: "a"}, {Value: "b"}}},
			{ID: "dsl.how", Kind: KindManyOf, Choices: []Choice{{Value: "x"}, {Value: "y"}}}, {ID: "dsl.notes", Kind: KindLongText}}},
		{ID: "declaration", Questions: []Question{{ID: "declaration.name", Kind: KindShortText}, {ID: "declaration.statement", Kind: KindDeclaration}}},
	}
	previous := []StoredAnswer{
		{Question: "dsl.on_slt", Answer: Answer{Value: "yes"}},
		{Question: "dsl.route", Answer: Answer{Value: "c"}},               // a choice no longer offered
		{Question: "dsl.how", Answer: Answer{Values: []string{"x", "z"}}}, // one of them no longer offered
		{Question: "dsl.notes", Answer: Answer{Value: "Kept"}},
		{Question: "dsl.removed", Answer: Answer{Value: "yes"}},            // a question not asked now
		{Question: "declaration.name", Answer: Answer{Value: "Last Year"}}, // this year's signatory signs
	}
	var got []string
	for _, a := range carried(previous, sections) {
		if !a.Carried {
			t.Errorf("%s is not marked as carried", a.Question)
		}
		got = append(got, a.Question)
	}
	if strings.Join(got, ",") != "dsl.on_slt,dsl.notes" {
		t.Fatalf("carried %v", got)
	}
	r := Return{Answers: carried(previous, sections), Completed: []string{"dsl"}}
	if r.SectionStatus(sections[0]) != SectionInProgress {
		t.Error("a section with answers to confirm counts as completed")
	}
	if sec, ok := r.FirstIncomplete(sections[:1]); !ok || sec.ID != "dsl" {
		t.Error("a section with answers to confirm does not stop submission")
	}
}

// nextRoundCarrying is a second round, 2025-26, that carries answers forward, whose form
// no longer asks dsl.cover; 990006 submitted in 2024-25 and 990007 did not.
func nextRoundCarrying(t *testing.T) (*Rounds, *Assurance, Round) {
	t.Helper()
	ctx := context.Background()
	rs, round := openRound(t)
	submitAll(t, rs, round, Return{Round: round.ID, URN: 990006})
	next, err := rs.Create(ctx, audit.CommandLine, NewRoundInput{Year: "2025-26", Opens: "2025-10-01", Deadline: "2099-12-12", CarryForward: true})
	if err != nil {
		t.Fatal(err)
	}
	def := next.Definition
	for i, sec := range def.Sections {
		def.Sections[i].Questions = slices.DeleteFunc(slices.Clone(sec.Questions), func(q Question) bool { return q.ID == "dsl.cover" })
	}
	data, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.SetDefinition(ctx, audit.CommandLine, next.ID, data, "test"); err != nil {
		t.Fatal(err)
	}
	if next, err = rs.Open(ctx, audit.CommandLine, next.ID); err != nil {
		t.Fatal(err)
	}
	return rs, serviceOver(rs), next
}

// A return starts from last year's answers: each is marked until its section is saved,
// a section is not complete until then, removed questions and the declaration are not
// carried, and it is audited. A school with nothing submitted, a started return and a
// round that does not carry forward are refused.
func TestCarryForwardThroughTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, a, next := nextRoundCarrying(t)
	id := ReturnID{Round: next.ID, URN: 990006}
	if _, err := a.CarryForward(ctx, Governor(Return{ID: id.String()}, ""), ReturnID{Round: next.ID, URN: 990007}, 0); !errors.Is(err, ErrNothingToCarry) {
		t.Fatalf("a school that did not submit last year: %v", err)
	}
	if _, err := a.CarryForward(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990007}, 0); !errors.Is(err, ErrNoCarryForward) {
		t.Fatalf("a round that does not carry forward: %v", err)
	}
	r, err := a.CarryForward(ctx, Governor(Return{ID: id.String()}, ""), id, 0)
	if err != nil || r.Status != StatusInProgress || len(r.Answers) == 0 {
		t.Fatalf("carried: %+v, %v", r.Status, err)
	}
	m := r.AnswerMap()
	if _, ok := m["dsl.cover"]; ok {
		t.Error("a question no longer asked was carried")
	}
	if _, ok := m["declaration.name"]; ok {
		t.Error("the declaration was carried")
	}
	secs := QuestionSections(next.Sections(r))
	var dsl Section
	for _, sec := range secs {
		if sec.ID == "dsl" {
			dsl = sec
		}
		if carried := r.CarriedIn(sec); len(carried) == 0 || r.SectionStatus(sec) != SectionInProgress {
			t.Errorf("section %s: %d carried, %s", sec.ID, len(carried), r.SectionStatus(sec))
		}
	}
	if m["dsl.on_slt"].Value != "yes" || !r.CarriedIn(dsl)["dsl.on_slt"] {
		t.Fatalf("dsl.on_slt: %+v", m["dsl.on_slt"])
	}
	if _, err := a.CarryForward(ctx, audit.CommandLine, id, r.Version); !errors.Is(err, ErrAlreadyStarted) {
		t.Fatalf("carrying twice: %v", err)
	}
	// Saving the section with last year's values confirms them and completes it.
	saved, _, err := a.SaveSection(ctx, Governor(r, ""), id, r.Version, dsl.ID, SectionValues(dsl, m), SaveAndContinue)
	if err != nil {
		t.Fatalf("confirming the DSL section: %v", err)
	}
	if len(saved.CarriedIn(dsl)) != 0 || saved.SectionStatus(dsl) != SectionCompleted || saved.AnswerMap()["dsl.on_slt"].Value != "yes" {
		t.Fatalf("after confirming: %v, %s", saved.CarriedIn(dsl), saved.SectionStatus(dsl))
	}
	if first, ok := saved.FirstIncomplete(secs); !ok || first.ID == "dsl" {
		t.Fatalf("first incomplete after confirming one section: %s", first.ID)
	}
	log := strings.Join(auditActions(t, audit.New(rs.st), id.String()), "\n")
	if !strings.Contains(log, audit.ActionCarriedForward+": ") || !strings.Contains(log, "answers from 2024-25:990006") {
		t.Fatalf("audit:\n%s", log)
	}
}
