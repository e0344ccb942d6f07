package forms

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/storetest"
)

func defaultForm(t *testing.T) Definition {
	t.Helper()
	d, err := DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	return *d
}

var allPhases = []Phase{PhaseNursery, PhasePrimary, PhaseSecondary, PhaseSpecial, PhaseIndependent, PhaseAlternative}

// apply makes a change that must succeed, and checks it did not touch the form it was
// made on and that the result loads as a JSON file would.
func apply(t *testing.T, d Definition, c FormChange, open bool) (Definition, string) {
	t.Helper()
	before, _ := json.Marshal(d)
	next, id, what, err := c.Apply(d, open)
	if err != nil {
		t.Fatalf("%T: %v", c, err)
	}
	if after, _ := json.Marshal(d); string(after) != string(before) {
		t.Fatalf("%T changed the form it was given", c)
	}
	if what == "" {
		t.Errorf("%T: says nothing of what it did", c)
	}
	data, _ := json.Marshal(next)
	if _, err := ParseDefinition(data); err != nil {
		t.Fatalf("%T made a form the loader refuses: %v", c, err)
	}
	return next, id
}

// refused makes a change that must be refused with a field error on field, or with want.
func refused(t *testing.T, d Definition, c FormChange, open bool, field string, want error) {
	t.Helper()
	_, _, _, err := c.Apply(d, open)
	var fe problem.FieldErrors
	switch {
	case err == nil:
		t.Errorf("%T %+v: made", c, c)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%T: %v, want %v", c, err, want)
	case want == nil && (!errors.As(err, &fe) || fe.Message(field) == ""):
		t.Errorf("%T: %v, want a message beside %s", c, err, field)
	}
}

func TestEditorAddsSectionsAndQuestionsWithNewIDs(t *testing.T) {
	t.Parallel()
	d := defaultForm(t)
	d, sid := apply(t, d, AddSection{Section: SectionInput{Title: "Online safety", Phases: allPhases},
		First: QuestionInput{Kind: KindYesNo, Text: "Do pupils use school tablets?", Phases: allPhases, Required: true}}, false)
	if sid != "online_safety_2" {
		t.Errorf("new section's ID %q, want online_safety_2 (online_safety is taken)", sid)
	}
	if last := d.Sections[len(d.Sections)-1]; last.ID != "declaration" {
		t.Errorf("the declaration is no longer last: %s", last.ID)
	}
	sec, _ := d.Section(sid)
	first := sec.Questions[0]
	if first.ID != "online_safety_2.do_pupils_use_school" || first.Phases != nil {
		t.Errorf("first question %+v", first)
	}
	d, qid := apply(t, d, AddQuestion{Section: sid, Question: QuestionInput{Kind: KindOneOf, Text: "Which filter?", Phases: []Phase{PhaseSpecial},
		ShowIf: &Condition{Question: first.ID, Equals: "yes"}, Choices: []Choice{{Text: "Smoothwall"}, {Text: "Other"}, {Text: ""}}}}, false)
	q, _ := d.Question(qid)
	if q.ShowIf == nil || q.ShowIf.Question != first.ID || !slices.Equal(q.Phases, []Phase{PhaseSpecial}) ||
		len(q.Choices) != 2 || q.Choices[0].Value != "smoothwall" || q.Choices[1].Value != "other" {
		t.Errorf("added %+v", q)
	}
	// Every kind can be added.
	for _, k := range kinds {
		in := QuestionInput{Kind: k, Text: "A " + string(k) + " question", Phases: allPhases}
		if k == KindOneOf || k == KindManyOf {
			in.Choices = []Choice{{Text: "One"}, {Text: "Two"}}
		}
		d, _ = apply(t, d, AddQuestion{Section: sid, Question: in}, false)
	}
	// The special school sees the conditional question; a primary school does not.
	special := d.For(Record{Phase: PhaseSpecial, Governance: GovMaintained})
	primary := d.For(Record{Phase: PhasePrimary, Governance: GovMaintained})
	has := func(secs []Section, id string) bool {
		return slices.ContainsFunc(secs, func(s Section) bool {
			return slices.ContainsFunc(s.Questions, func(q Question) bool { return q.ID == id })
		})
	}
	if !has(special, qid) || has(primary, qid) {
		t.Errorf("question for special schools only: special %v, primary %v", has(special, qid), has(primary, qid))
	}
}

func TestEditorRefusesWhatTheLoaderWould(t *testing.T) {
	t.Parallel()
	d := defaultForm(t)
	good := QuestionInput{Kind: KindYesNo, Text: "Is it so?", Phases: allPhases}
	with := func(change func(*QuestionInput)) QuestionInput { in := good; change(&in); return in }
	cases := []struct {
		change FormChange
		field  string
	}{
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.Text = " " })}, "text"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.Kind = "maybe" })}, "kind"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.Phases = nil })}, "phases"},
		{AddQuestion{Section: "independent_standards", Question: with(func(in *QuestionInput) { in.Phases = []Phase{PhaseCollege} })}, "phases"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.Kind = KindOneOf; in.Choices = []Choice{{Text: "Only"}} })}, "choice-0"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) {
			in.Kind = KindManyOf
			in.Choices = []Choice{{Text: "Same"}, {Text: "same"}}
		})}, "choice-0"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.ShowIf = &Condition{Question: "leadership.annual_report", Equals: "yes"} })}, "show_if"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.ShowIf = &Condition{Question: "dsl.on_slt", Equals: "perhaps"} })}, "show_if"},
		{AddSection{Section: SectionInput{Title: "", Phases: nil}, First: good}, "title"},
		{AddSection{Section: SectionInput{Title: "New", Phases: nil}, First: good}, "section_phases"},
		{MoveSection{ID: "assurance", Up: true}, "assurance"},
		{MoveQuestion{ID: "leadership.safeguarding_governor", Up: true}, "leadership.safeguarding_governor"},
		{RemoveQuestion{ID: "declaration.statement"}, "declaration.statement"},
	}
	for _, c := range cases {
		refused(t, d, c.change, false, c.field, nil)
	}
	refused(t, d, EditQuestion{ID: "no.such", Question: good}, false, "", ErrFormPartNotFound)
	refused(t, d, RemoveSection{ID: "no_such"}, false, "", ErrFormPartNotFound)
	// A question another depends on cannot go first, nor the declaration section at all.
	dep, _ := d.Question(QuestionActionPlan)
	refused(t, d, RemoveQuestion{ID: dep.ShowIf.Question}, false, dep.ShowIf.Question, nil)
	refused(t, d, RemoveSection{ID: "declaration"}, false, "declaration", nil)
	refused(t, d, MoveQuestion{ID: QuestionActionPlan, Up: true}, false, QuestionActionPlan, nil)
}

func TestEditorEditsMovesAndRemoves(t *testing.T) {
	t.Parallel()
	d := defaultForm(t)
	sec, _ := d.SectionOf("dsl.on_slt")
	in := InputOf(sec.Questions[0], sec)
	in.Text, in.Hint, in.Required = "Is the DSL a senior leader?", "On the senior leadership team", false
	d, id := apply(t, d, EditQuestion{ID: "dsl.on_slt", Question: in}, false)
	q, _ := d.Question("dsl.on_slt")
	if id != "dsl.on_slt" || q.Text != in.Text || q.Hint != in.Hint || q.Required {
		t.Errorf("edited %+v", q)
	}
	second := sec.Questions[1].ID
	d, _ = apply(t, d, MoveQuestion{ID: "dsl.on_slt", Up: false}, false)
	if s, _ := d.Section("dsl"); s.Questions[0].ID != second || s.Questions[1].ID != "dsl.on_slt" {
		t.Errorf("moved down: %s, %s", s.Questions[0].ID, s.Questions[1].ID)
	}
	d, _ = apply(t, d, MoveSection{ID: "dsl", Up: true}, false)
	if d.Sections[1].ID != "dsl" || d.Sections[2].ID != "leadership" {
		t.Errorf("section moved up: %s, %s", d.Sections[1].ID, d.Sections[2].ID)
	}
	d, _ = apply(t, d, EditSection{ID: "dsl", Section: SectionInput{Title: "The DSL", Intro: "About the lead", Phases: Phases}}, false)
	if s, _ := d.Section("dsl"); s.Title != "The DSL" || s.Intro != "About the lead" {
		t.Errorf("section edited: %+v", s)
	}
	d, _ = apply(t, d, RemoveQuestion{ID: "dsl.on_slt"}, false)
	d, _ = apply(t, d, RemoveSection{ID: "boarding"}, false)
	if _, ok := d.Question("dsl.on_slt"); ok || !slices.Contains(d.Retired, "dsl.on_slt") || !retiredFrom(d, "boarding.") {
		t.Errorf("retired %v", d.Retired)
	}
	// A new question with the removed one's words gets a new ID.
	d, id = apply(t, d, AddQuestion{Section: "dsl", Question: QuestionInput{Kind: KindYesNo, Text: "On SLT", Phases: Phases}}, false)
	if slices.Contains(d.Retired, id) {
		t.Errorf("new question given retired ID %s", id)
	}
	d.Retired = append(d.Retired, id)
	if err := d.check(); err == nil || !strings.Contains(err.Error(), "never used again") {
		t.Errorf("the loader took a retired ID in use: %v", err)
	}
}

func retiredFrom(d Definition, prefix string) bool {
	return slices.ContainsFunc(d.Retired, func(id string) bool { return strings.HasPrefix(id, prefix) })
}

func TestOpenRoundsFormTakesWordingOnly(t *testing.T) {
	t.Parallel()
	d := defaultForm(t)
	sec, _ := d.SectionOf("assurance.method")
	q, _ := d.Question("assurance.method")
	in := InputOf(q, sec)
	in.Text, in.Hint = "How did the board gain assurance?", "Pick one"
	in.Choices[0].Text = "The partnership's audit tool (new words)"
	next, _ := apply(t, d, EditQuestion{ID: "assurance.method", Question: in}, true)
	if got, _ := next.Question("assurance.method"); got.Choices[0].Text != in.Choices[0].Text || got.Choices[0].Value != q.Choices[0].Value {
		t.Errorf("choice label: %+v", got.Choices[0])
	}
	next, _ = apply(t, next, EditSection{ID: sec.ID, Section: SectionInput{Title: "Your assurance", Phases: sec.Phases}}, true)
	structural := []FormChange{
		EditQuestion{ID: "assurance.method", Question: func() QuestionInput { in := in; in.Required = !q.Required; return in }()},
		EditQuestion{ID: "assurance.method", Question: func() QuestionInput { in := in; in.Phases = []Phase{PhasePrimary}; return in }()},
		EditQuestion{ID: "assurance.method", Question: func() QuestionInput {
			in := in
			in.Choices = append(slices.Clone(in.Choices), Choice{Text: "Something new"})
			return in
		}()},
		EditSection{ID: sec.ID, Section: SectionInput{Title: "X", Phases: []Phase{PhasePrimary}}},
		AddQuestion{Section: sec.ID, Question: QuestionInput{Kind: KindYesNo, Text: "New", Phases: Phases}},
		MoveQuestion{ID: "assurance.method", Up: false}, RemoveQuestion{ID: "assurance.method"}, MoveSection{ID: "dsl"}, RemoveSection{ID: "dsl"},
		AddSection{Section: SectionInput{Title: "New", Phases: Phases}, First: QuestionInput{Kind: KindYesNo, Text: "New", Phases: Phases}},
	}
	for _, c := range structural {
		refused(t, next, c, true, "", ErrWordingOnly)
	}
	emptied := in
	emptied.Choices = slices.Clone(in.Choices)
	emptied.Choices[1].Text = " "
	refused(t, next, EditQuestion{ID: "assurance.method", Question: emptied}, true, "choice-0", nil)
}

func TestCompareFormsQuestionByQuestion(t *testing.T) {
	t.Parallel()
	old := defaultForm(t)
	d := old
	sec, _ := d.SectionOf("dsl.on_slt")
	in := InputOf(sec.Questions[0], sec)
	in.Text = "Reworded"
	d, _ = apply(t, d, EditQuestion{ID: "dsl.on_slt", Question: in}, false)
	in = InputOf(sec.Questions[1], sec)
	in.Required, in.Phases = !in.Required, []Phase{PhasePrimary, PhaseSecondary}
	d, _ = apply(t, d, EditQuestion{ID: sec.Questions[1].ID, Question: in}, false)
	d, _ = apply(t, d, MoveQuestion{ID: sec.Questions[2].ID, Up: true}, false)
	d, added := apply(t, d, AddQuestion{Section: "dsl", Question: QuestionInput{Kind: KindYesNo, Text: "Shown when no", Phases: Phases,
		ShowIf: &Condition{Question: "dsl.on_slt", Equals: "no"}}}, false)
	d, _ = apply(t, d, RemoveQuestion{ID: "leadership.previous_actions"}, false)
	got, before := map[string]string{}, map[string]string{}
	for _, diff := range CompareForms(old, d) {
		got[diff.Question], before[diff.Question] = diff.Describe(), diff.Before
	}
	// A reworded question says what it said before; the others need not.
	if before["dsl.on_slt"] != sec.Questions[0].Text || before[sec.Questions[2].ID] != "" {
		t.Errorf("wording before: %q", before)
	}
	want := map[string]string{
		"dsl.on_slt":                  "Wording changed",
		sec.Questions[1].ID:           map[bool]string{true: "Now required; phases asked changed", false: "Now optional; phases asked changed"}[!sec.Questions[1].Required],
		sec.Questions[2].ID:           "Moved",
		added:                         "Added",
		"leadership.previous_actions": "Removed",
	}
	if len(got) != len(want) {
		t.Errorf("differences %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
	// A condition changed is named too, and the same form has no differences.
	e := d
	e, _ = apply(t, e, EditQuestion{ID: added, Question: func() QuestionInput {
		s, _ := e.SectionOf(added)
		q, _ := e.Question(added)
		in := InputOf(q, s)
		in.ShowIf = &Condition{Question: "dsl.on_slt", Equals: "yes"}
		return in
	}()}, false)
	if diffs := CompareForms(d, e); len(diffs) != 1 || diffs[0].Describe() != "Condition changed" {
		t.Errorf("condition: %+v", diffs)
	}
	if diffs := CompareForms(d, d); len(diffs) != 0 {
		t.Errorf("the same form: %+v", diffs)
	}
}

// A draft round's form changes one versioned, audited write at a time; a stale edit is
// refused; an open round takes wording only; retired IDs survive a JSON round trip.
func TestChangeFormIsVersionedAuditedAndKeepsRetiredIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	rs := NewRounds(st, NewRegister(st))
	r, err := rs.Create(ctx, admin, NewRoundInput{Year: "2025-26", Opens: "2025-10-01", Deadline: "2025-12-12"})
	if err != nil {
		t.Fatal(err)
	}
	v := r.Definition.Version
	def, id, err := rs.ChangeForm(ctx, admin, r.ID, v, AddQuestion{Section: "dsl", Question: QuestionInput{Kind: KindYesNo, Text: "Is there a deputy?", Phases: Phases}})
	if err != nil || def.Version != v+1 {
		t.Fatalf("add: version %d, %v", def.Version, err)
	}
	// Someone who read version v is refused, and nothing is written.
	if _, _, err := rs.ChangeForm(ctx, admin, r.ID, v, RemoveQuestion{ID: "dsl.on_slt"}); !errors.Is(err, ErrFormChanged) || !problem.Is(err, problem.Conflict) {
		t.Fatalf("stale edit: %v", err)
	}
	if _, _, err := rs.ChangeForm(ctx, admin, r.ID, v+1, RemoveQuestion{ID: id}); err != nil {
		t.Fatal(err)
	}
	got, _ := rs.Get(ctx, r.ID)
	if got.Definition.Version != v+2 || !slices.Contains(got.Definition.Retired, id) {
		t.Fatalf("stored version %d, retired %v", got.Definition.Version, got.Definition.Retired)
	}
	// Out as JSON without its retired list, in again: the ID stays retired, and a file
	// that brings it back is refused.
	var file Definition
	data, _ := json.Marshal(got.Definition)
	_ = json.Unmarshal(data, &file)
	file.Retired = nil
	data, _ = json.Marshal(file)
	loaded, err := rs.SetDefinition(ctx, admin, r.ID, data, "form.json")
	if err != nil || !slices.Contains(loaded.Retired, id) {
		t.Fatalf("loaded: retired %v, %v", loaded.Retired, err)
	}
	file.Sections[3].Questions = append(file.Sections[3].Questions, Question{ID: id, Kind: KindYesNo, Text: "Something else"})
	data, _ = json.Marshal(file)
	if _, err := rs.SetDefinition(ctx, admin, r.ID, data, "form.json"); err == nil || !strings.Contains(err.Error(), "never used again") {
		t.Fatalf("a file reusing a retired ID: %v", err)
	}
	// The editor never gives it again either, even for the same words.
	after, _ := rs.Get(ctx, r.ID)
	_, again, err := rs.ChangeForm(ctx, admin, r.ID, after.Definition.Version, AddQuestion{Section: "dsl", Question: QuestionInput{Kind: KindYesNo, Text: "Is there a deputy?", Phases: Phases}})
	if err != nil || again == id {
		t.Fatalf("re-added as %s (retired %s): %v", again, id, err)
	}
	// Opened, the round takes wording only, still versioned and audited.
	if _, err := rs.Open(ctx, admin, r.ID); err != nil {
		t.Fatal(err)
	}
	open, _ := rs.Get(ctx, r.ID)
	if _, _, err := rs.ChangeForm(ctx, admin, r.ID, open.Definition.Version, RemoveQuestion{ID: again}); !errors.Is(err, ErrWordingOnly) || !problem.Is(err, problem.WrongState) {
		t.Fatalf("structure on an open round: %v", err)
	}
	sec, _ := open.Definition.SectionOf(again)
	q, _ := open.Definition.Question(again)
	in := InputOf(q, sec)
	in.Text = "Is there a deputy DSL?"
	def, _, err = rs.ChangeForm(ctx, admin, r.ID, open.Definition.Version, EditQuestion{ID: again, Question: in})
	if err != nil || def.Version != open.Definition.Version+1 {
		t.Fatalf("wording on an open round: version %d, %v", def.Version, err)
	}
	if recent, _ := rs.Recent(ctx, r.ID); func() string { q, _ := recent.Definition.Question(again); return q.Text }() != in.Text {
		t.Error("governors' pages still see the old wording")
	}
	n := 0
	_ = rs.audit.Each(ctx, audit.Filter{Who: admin.Name, Action: audit.ActionFormChanged}, 0, func(e audit.Entry) error {
		if e.Target != r.ID || !strings.Contains(e.Detail, "form version") {
			t.Errorf("audited %+v", e)
		}
		n++
		return nil
	})
	if n != 5 { // add, remove, load, re-add, reword (the refusals are not changes)
		t.Errorf("%d form changes audited, want 5", n)
	}
	data, _ = json.Marshal(open.Definition)
	if _, err := rs.SetDefinition(ctx, admin, r.ID, data, "form.json"); !errors.Is(err, ErrRoundState) {
		t.Errorf("loading a file into an open round: %v", err)
	}
}

// The form file carries everything the editor sets: a form made in the editor goes out as
// JSON and loads back the same.
func TestEditedFormRoundTripsAsJSON(t *testing.T) {
	t.Parallel()
	d := defaultForm(t)
	d, sid := apply(t, d, AddSection{Section: SectionInput{Title: "Mobile phones", Intro: "Phones in school", Phases: []Phase{PhasePrimary, PhaseSpecial}},
		First: QuestionInput{Kind: KindOneOf, Text: "Where are phones kept?", Hint: "During lessons", Phases: []Phase{PhaseSpecial}, Required: true,
			Choices: []Choice{{Text: "Lockers"}, {Text: "Office"}}}}, false)
	sec, _ := d.Section(sid)
	d, _ = apply(t, d, AddQuestion{Section: sid, Question: QuestionInput{Kind: KindLongText, Text: "Why the office?", Phases: []Phase{PhaseSpecial},
		ShowIf: &Condition{Question: sec.Questions[0].ID, Equals: "office"}}}, false)
	d, _ = apply(t, d, RemoveQuestion{ID: "dsl.cover"}, false)
	d.Version = 7
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseDefinition(data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := json.MarshalIndent(back, "", "  ")
	if string(again) != string(data) {
		t.Errorf("the form changed on its way through JSON:\n%s", again)
	}
	if len(CompareForms(d, *back)) != 0 || !slices.Contains(back.Retired, "dsl.cover") {
		t.Errorf("loaded form differs: retired %v", back.Retired)
	}
}

// The editor cleans what an officer types (hidden and control characters, line breaks in
// one-line text) and refuses wording too long to be a question, with the field named.
func TestEditorCleansAndBoundsWording(t *testing.T) {
	t.Parallel()
	d := defaultForm(t)
	good := QuestionInput{Kind: KindYesNo, Text: "Is it so?", Phases: allPhases}
	with := func(change func(*QuestionInput)) QuestionInput { in := good; change(&in); return in }
	long := func(n int) string { return strings.Repeat("x", n+1) }
	for _, c := range []struct {
		change FormChange
		field  string
	}{
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.Text = long(MaxQuestionText) })}, "text"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.Text = "\u202e\a\n" })}, "text"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) { in.Hint = long(MaxHelpText) })}, "hint"},
		{AddQuestion{Section: "dsl", Question: with(func(in *QuestionInput) {
			in.Kind = KindOneOf
			in.Choices = []Choice{{Text: "Yes"}, {Text: long(MaxChoiceLabel)}}
		})}, "choice-0"},
		{EditQuestion{ID: "dsl.on_slt", Question: with(func(in *QuestionInput) { in.Text = long(MaxQuestionText) })}, "text"},
		{AddSection{Section: SectionInput{Title: long(MaxSectionTitle), Phases: allPhases}, First: good}, "title"},
		{AddSection{Section: SectionInput{Title: "New", Intro: long(MaxIntro), Phases: allPhases}, First: good}, "intro"},
		{EditSection{ID: "dsl", Section: SectionInput{Title: "\u202e", Phases: allPhases}}, "title"},
	} {
		refused(t, d, c.change, false, c.field, nil)
	}
	d, sid := apply(t, d, AddSection{Section: SectionInput{Title: "On\u202eline\nsafety ", Intro: "First\a line\r\nSecond\u200b line", Phases: allPhases},
		First: with(func(in *QuestionInput) {
			in.Text, in.Hint = "Do pupils\n use\u202e tablets?", " Say\a which\r\nones "
			in.Kind, in.Choices = KindOneOf, []Choice{{Text: "Some\ttablets"}, {Text: "All\u2066"}}
		})}, false)
	sec, _ := d.Section(sid)
	q := sec.Questions[0]
	if sec.Title != "Online safety" || sec.Intro != "First line\nSecond line" || q.Text != "Do pupils use tablets?" || q.Hint != "Say which\nones" ||
		q.Choices[0].Text != "Some tablets" || q.Choices[1].Text != "All" {
		t.Errorf("not cleaned: %q %q %q %q %+v", sec.Title, sec.Intro, q.Text, q.Hint, q.Choices)
	}
}
