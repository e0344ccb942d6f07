package forms

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/text"
)

// The form editor: an officer changes a round's form one step at a time (a section or a
// question added, changed, moved or removed). Each step is a FormChange, applied by a
// pure method on Definition that runs the loader's own checks (check), so the editor can
// never make a form the JSON loader would refuse; Rounds.ChangeForm writes it as one
// versioned write and audits it.
//
// IDs are the service's, never typed: a question's ID is made from its section and first
// words, and a removed question's ID is kept in Definition.Retired, so it is never given
// to another question, not even after the form goes out as JSON and comes back.

// Errors of the form editor.
var (
	// ErrFormChanged is a stale edit: the form changed after the officer read it.
	ErrFormChanged = problem.New(problem.Conflict, "someone else changed the form after you opened this page")
	// ErrWordingOnly is a change of structure to an open round's form: schools are
	// answering it, so only its words may change.
	ErrWordingOnly = problem.New(problem.WrongState,
		"the round is open: only wording can change now (question text, help text, section titles and choice labels)")
	// ErrFormFixed is any change to a closed or archived round's form.
	ErrFormFixed = problem.New(problem.WrongState, "the form of a closed or archived round cannot be changed")
	// ErrFormPartNotFound is a section or question the form does not have.
	ErrFormPartNotFound = problem.New(problem.NotFound, "no such section or question in this round's form")
)

// QuestionInput is what an officer gives for a question.
type QuestionInput struct {
	Kind     Kind
	Text     string
	Hint     string
	Required bool
	// Phases are the phases of its section asked the question (at least one).
	Phases []Phase
	// ShowIf shows the question only for one answer of an earlier question; nil: always.
	ShowIf *Condition
	// Choices of a one_of or many_of question; a new choice has no Value yet.
	Choices []Choice
}

// SectionInput is what an officer gives for a section.
type SectionInput struct {
	Title  string
	Intro  string
	Phases []Phase
}

// InputOf is a question as the editor shows it, in section sec.
func InputOf(q Question, sec Section) QuestionInput {
	return QuestionInput{Kind: q.Kind, Text: q.Text, Hint: q.Hint, Required: q.Required, Phases: slices.Clone(q.phasesIn(sec)),
		ShowIf: q.ShowIf, Choices: slices.Clone(q.Choices)}
}

// FormChange is one step of the editor. Apply makes it on a copy of d; open says the
// round is open, when only wording may change. It gives the changed form, the ID of the
// section or question changed (a new one's, when added) and what was done, for the audit log.
type FormChange interface {
	Apply(d Definition, open bool) (next Definition, id, what string, err error)
}

// AddSection adds a section, with its first question (a section is never empty), at the
// end of the form, before the declaration.
type AddSection struct {
	Section SectionInput
	First   QuestionInput
}

// EditSection changes a section's title, intro and phases.
type EditSection struct {
	ID      string
	Section SectionInput
}

// MoveSection moves a section one place up or down.
type MoveSection struct {
	ID string
	Up bool
}

// RemoveSection removes a section and retires its questions' IDs.
type RemoveSection struct{ ID string }

// AddQuestion adds a question at the end of a section.
type AddQuestion struct {
	Section  string
	Question QuestionInput
}

// EditQuestion changes a question.
type EditQuestion struct {
	ID       string
	Question QuestionInput
}

// MoveQuestion moves a question one place up or down within its section.
type MoveQuestion struct {
	ID string
	Up bool
}

// RemoveQuestion removes a question and retires its ID.
type RemoveQuestion struct{ ID string }

// Apply adds the section.
func (c AddSection) Apply(d Definition, open bool) (Definition, string, string, error) {
	if open {
		return d, "", "", ErrWordingOnly
	}
	in, errs := c.Section.clean()
	next := d.clone()
	sec := Section{ID: next.newSectionID(in.Title), Title: in.Title, Intro: in.Intro, Phases: in.Phases}
	q, qerrs := c.First.question(next, sec, nil)
	if errs = append(errs, qerrs...); len(errs) > 0 {
		return d, "", "", errs
	}
	sec.Questions = []Question{q}
	at := len(next.Sections)
	if i := slices.IndexFunc(next.Sections, isDeclaration); i >= 0 {
		at = i // the declaration stays last
	}
	next.Sections = slices.Insert(next.Sections, at, sec)
	return next.checked(sec.ID, "title", "added section "+sec.ID+" with question "+q.ID)
}

// Apply changes the section.
func (c EditSection) Apply(d Definition, open bool) (Definition, string, string, error) {
	next := d.clone()
	si := next.sectionIndex(c.ID)
	if si < 0 {
		return d, "", "", ErrFormPartNotFound
	}
	in, errs := c.Section.clean()
	if len(errs) > 0 {
		return d, "", "", errs
	}
	sec := &next.Sections[si]
	if open && !samePhases(sec.Phases, in.Phases) {
		return d, "", "", ErrWordingOnly
	}
	sec.Title, sec.Intro, sec.Phases = in.Title, in.Intro, in.Phases
	return next.checked(c.ID, "section_phases", "changed section "+c.ID)
}

// Apply moves the section.
func (c MoveSection) Apply(d Definition, open bool) (Definition, string, string, error) {
	if open {
		return d, "", "", ErrWordingOnly
	}
	next := d.clone()
	si := next.sectionIndex(c.ID)
	if si < 0 {
		return d, "", "", ErrFormPartNotFound
	}
	to, dir := si+1, "down"
	if c.Up {
		to, dir = si-1, "up"
	}
	if to < 0 || to >= len(next.Sections) {
		return d, "", "", problem.FieldErrors{{Field: c.ID, Message: "This section cannot move further " + dir}}
	}
	next.Sections[si], next.Sections[to] = next.Sections[to], next.Sections[si]
	return next.checked(c.ID, c.ID, "moved section "+c.ID+" "+dir)
}

// Apply removes the section.
func (c RemoveSection) Apply(d Definition, open bool) (Definition, string, string, error) {
	if open {
		return d, "", "", ErrWordingOnly
	}
	next := d.clone()
	si := next.sectionIndex(c.ID)
	if si < 0 {
		return d, "", "", ErrFormPartNotFound
	}
	for _, q := range next.Sections[si].Questions {
		next.Retired = append(next.Retired, q.ID)
	}
	next.Sections = slices.Delete(next.Sections, si, si+1)
	return next.checked(c.ID, c.ID, "removed section "+c.ID)
}

// Apply adds the question.
func (c AddQuestion) Apply(d Definition, open bool) (Definition, string, string, error) {
	if open {
		return d, "", "", ErrWordingOnly
	}
	next := d.clone()
	si := next.sectionIndex(c.Section)
	if si < 0 {
		return d, "", "", ErrFormPartNotFound
	}
	sec := &next.Sections[si]
	q, errs := c.Question.question(next, *sec, sec.Questions)
	if len(errs) > 0 {
		return d, "", "", errs
	}
	sec.Questions = append(sec.Questions, q)
	return next.checked(q.ID, "text", "added question "+q.ID+" to section "+sec.ID)
}

// Apply changes the question. On an open round only its text, hint and choice labels may
// change.
func (c EditQuestion) Apply(d Definition, open bool) (Definition, string, string, error) {
	next := d.clone()
	si, qi := next.questionIndex(c.ID)
	if si < 0 {
		return d, "", "", ErrFormPartNotFound
	}
	sec := &next.Sections[si]
	old := sec.Questions[qi]
	if open && slices.ContainsFunc(c.Question.Choices, func(ch Choice) bool { return ch.Value != "" && text.Line(ch.Text) == "" }) {
		// Said beside the choices, not as a refusal of the whole page: only a word is missing.
		return d, "", "", problem.FieldErrors{{Field: "choice-0", Message: "Give every choice its words: no choice can be removed while the round is open"}}
	}
	q, errs := c.Question.question(next, *sec, sec.Questions[:qi])
	if len(errs) > 0 {
		return d, "", "", errs
	}
	q.ID = old.ID
	// What the editor does not set stays as it was, as far as the new kind allows.
	q.PhaseHints, q.Governance = old.PhaseHints, old.Governance
	if q.Kind == old.Kind {
		q.Format, q.Min, q.Max, q.PastOnly = old.Format, old.Min, old.Max, old.PastOnly
	}
	if open && !reflect.DeepEqual(structureOf(old), structureOf(q)) {
		return d, "", "", ErrWordingOnly
	}
	sec.Questions[qi] = q
	return next.checked(c.ID, "kind", "changed question "+c.ID)
}

// Apply moves the question.
func (c MoveQuestion) Apply(d Definition, open bool) (Definition, string, string, error) {
	if open {
		return d, "", "", ErrWordingOnly
	}
	next := d.clone()
	si, qi := next.questionIndex(c.ID)
	if si < 0 {
		return d, "", "", ErrFormPartNotFound
	}
	qs := next.Sections[si].Questions
	to, dir := qi+1, "down"
	if c.Up {
		to, dir = qi-1, "up"
	}
	if to < 0 || to >= len(qs) {
		return d, "", "", problem.FieldErrors{{Field: c.ID, Message: "This question cannot move further " + dir + " in its section"}}
	}
	qs[qi], qs[to] = qs[to], qs[qi]
	return next.checked(c.ID, c.ID, "moved question "+c.ID+" "+dir)
}

// Apply removes the question.
func (c RemoveQuestion) Apply(d Definition, open bool) (Definition, string, string, error) {
	if open {
		return d, "", "", ErrWordingOnly
	}
	next := d.clone()
	si, qi := next.questionIndex(c.ID)
	if si < 0 {
		return d, "", "", ErrFormPartNotFound
	}
	sec := &next.Sections[si]
	if len(sec.Questions) == 1 {
		return d, "", "", problem.FieldErrors{{Field: c.ID, Message: "This is the only question of its section: remove the section instead"}}
	}
	for _, q := range sec.Questions {
		if q.ShowIf != nil && q.ShowIf.Question == c.ID {
			return d, "", "", problem.FieldErrors{{Field: c.ID,
				Message: fmt.Sprintf("“%s” is shown depending on this question: change its condition or remove it first", q.Text)}}
		}
	}
	sec.Questions = slices.Delete(sec.Questions, qi, qi+1)
	next.Retired = append(next.Retired, c.ID)
	return next.checked(c.ID, c.ID, "removed question "+c.ID)
}

// clean cleans what an officer gives for a section (internal/text) and checks it.
func (in SectionInput) clean() (SectionInput, problem.FieldErrors) {
	var errs problem.FieldErrors
	in.Title, in.Intro = text.Line(in.Title), text.Lines(in.Intro)
	switch {
	case in.Title == "":
		errs = append(errs, problem.FieldError{Field: "title", Message: "Enter the section's title"})
	case !text.Fits(in.Title, MaxSectionTitle):
		errs = append(errs, problem.FieldError{Field: "title", Message: fmt.Sprintf("Keep the title to %d characters or fewer", MaxSectionTitle)})
	}
	if !text.Fits(in.Intro, MaxIntro) {
		errs = append(errs, problem.FieldError{Field: "intro", Message: fmt.Sprintf("Keep the introduction to %d characters or fewer", MaxIntro)})
	}
	if len(in.Phases) == 0 {
		errs = append(errs, problem.FieldError{Field: "section_phases", Message: "Choose the phases asked this section"})
	}
	for _, p := range in.Phases {
		if !slices.Contains(Phases, p) {
			errs = append(errs, problem.FieldError{Field: "section_phases", Message: "Choose phases from the list"})
			break
		}
	}
	return in, errs
}

// question makes the question an officer gave, for section sec where earlier are the
// questions before it (which its condition may test), with a new ID and choice values.
func (in QuestionInput) question(d Definition, sec Section, earlier []Question) (Question, problem.FieldErrors) {
	var errs problem.FieldErrors
	add := func(field, msg string) { errs = append(errs, problem.FieldError{Field: field, Message: msg}) }
	q := Question{Kind: in.Kind, Text: text.Line(in.Text), Hint: text.Lines(in.Hint), Required: in.Required}
	switch {
	case q.Text == "":
		add("text", "Enter the question")
	case !text.Fits(q.Text, MaxQuestionText):
		add("text", fmt.Sprintf("Keep the question to %d characters or fewer", MaxQuestionText))
	}
	if !text.Fits(q.Hint, MaxHelpText) {
		add("hint", fmt.Sprintf("Keep the help text to %d characters or fewer", MaxHelpText))
	}
	if !slices.Contains(kinds, in.Kind) {
		add("kind", "Choose the kind of answer")
	}
	switch {
	case len(in.Phases) == 0:
		add("phases", "Choose the phases asked this question")
	case !subset(in.Phases, sec.Phases):
		add("phases", "Choose phases the section is asked of")
	case !samePhases(in.Phases, sec.Phases):
		q.Phases = in.Phases // all of the section's phases is no narrowing
	}
	if in.Kind == KindOneOf || in.Kind == KindManyOf {
		taken := map[string]bool{}
		texts := map[string]bool{}
		for _, c := range in.Choices {
			if c.Value != "" {
				taken[c.Value] = true
			}
		}
		for _, c := range in.Choices {
			c.Text = text.Line(c.Text)
			if c.Text == "" {
				continue // an empty label removes the choice
			}
			if !text.Fits(c.Text, MaxChoiceLabel) {
				add("choice-0", fmt.Sprintf("Keep each choice to %d characters or fewer", MaxChoiceLabel))
				break
			}
			if texts[strings.ToLower(c.Text)] {
				add("choice-0", "Give each choice different words")
				break
			}
			texts[strings.ToLower(c.Text)] = true
			if c.Value == "" {
				c.Value = uniqueName(slug(c.Text, "choice"), "_", func(v string) bool { return taken[v] })
				taken[c.Value] = true
			}
			q.Choices = append(q.Choices, c)
		}
		if len(q.Choices) < 2 {
			add("choice-0", "Enter at least two choices")
		}
	}
	if c := in.ShowIf; c != nil {
		i := slices.IndexFunc(earlier, func(e Question) bool { return e.ID == c.Question })
		if i < 0 || !slices.Contains(earlier[i].values(), c.Equals) {
			add("show_if", "Choose an answer of a question above this one, or always show it")
		} else {
			q.ShowIf = &Condition{Question: c.Question, Equals: c.Equals}
		}
	}
	if len(errs) == 0 {
		q.ID = d.newQuestionID(sec.ID, q.Text)
	}
	return q, errs
}

// checked runs the loader's checks on a changed form: a form the editor makes must load
// as a JSON file would. A refusal is shown beside field.
func (d Definition) checked(id, field, what string) (Definition, string, string, error) {
	if err := d.check(); err != nil {
		return d, "", "", problem.FieldErrors{{Field: field, Message: "The form would not load: " + err.Error()}}
	}
	return d, id, what, nil
}

// structureOf is a question without its words: what an open round's form keeps fixed.
func structureOf(q Question) Question {
	q.Text, q.Hint = "", ""
	q.Choices = slices.Clone(q.Choices)
	for i := range q.Choices {
		q.Choices[i].Text = ""
	}
	return q
}

// clone is a deep copy, so a change never touches the form it was made from.
func (d Definition) clone() Definition {
	data, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("forms: copying a definition: %v", err)) // plain data always encodes
	}
	var out Definition
	if err := json.Unmarshal(data, &out); err != nil {
		panic(fmt.Sprintf("forms: copying a definition: %v", err))
	}
	return out
}

func (d Definition) sectionIndex(id string) int {
	return slices.IndexFunc(d.Sections, func(s Section) bool { return s.ID == id })
}

func (d Definition) questionIndex(id string) (int, int) {
	for si, s := range d.Sections {
		if qi := slices.IndexFunc(s.Questions, func(q Question) bool { return q.ID == id }); qi >= 0 {
			return si, qi
		}
	}
	return -1, -1
}

// Section finds a section by ID.
func (d *Definition) Section(id string) (Section, bool) {
	if i := d.sectionIndex(id); i >= 0 {
		return d.Sections[i], true
	}
	return Section{}, false
}

// SectionOf finds the section a question belongs to.
func (d *Definition) SectionOf(questionID string) (Section, bool) {
	if si, _ := d.questionIndex(questionID); si >= 0 {
		return d.Sections[si], true
	}
	return Section{}, false
}

// newQuestionID is an ID for a new question of a section: the section's and the
// question's first words, never one in use or retired.
func (d Definition) newQuestionID(section, text string) string {
	taken := map[string]bool{}
	for _, id := range d.Retired {
		taken[id] = true
	}
	for _, s := range d.Sections {
		for _, q := range s.Questions {
			taken[q.ID] = true
		}
	}
	return uniqueName(section+"."+slug(text, "question"), "_", func(id string) bool { return taken[id] })
}

// newSectionID is an ID for a new section, from its title.
func (d Definition) newSectionID(title string) string {
	return uniqueName(slug(title, "section"), "_", func(id string) bool { return d.sectionIndex(id) >= 0 })
}

// slug is up to four words of s, lower case, joined by underscores, starting with a
// letter; or else fallback.
func slug(s, fallback string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') })
	if len(words) > 4 {
		words = words[:4]
	}
	out := strings.Join(words, "_")
	if len(out) > 40 {
		out = strings.TrimRight(out[:40], "_")
	}
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		return fallback
	}
	return out
}

// uniqueName is base, or base with the first free number after sep.
func uniqueName(base, sep string, taken func(string) bool) string {
	name := base
	for n := 2; taken(name); n++ {
		name = base + sep + strconv.Itoa(n)
	}
	return name
}

func subset(some, all []Phase) bool {
	for _, p := range some {
		if !slices.Contains(all, p) {
			return false
		}
	}
	return true
}

func samePhases(a, b []Phase) bool { return subset(a, b) && subset(b, a) }

// ChangeForm makes one change to a round's form: a draft's in any way, an open round's
// wording only. version is the form version the officer read: if the form has changed
// since, the change is refused (ErrFormChanged) rather than made on a form they have not
// seen. The change is one write, takes the form's version up by one, and is audited. It
// gives the new form and the ID of what was changed (a new one's, when added).
func (rs *Rounds) ChangeForm(ctx context.Context, by audit.Actor, year string, version int, change FormChange) (Definition, string, error) {
	r, err := rs.Get(ctx, year)
	if err != nil {
		return Definition{}, "", err
	}
	if r.State != RoundDraft && r.State != RoundOpen {
		return r.Definition, "", ErrFormFixed
	}
	if r.Definition.Version != version {
		return r.Definition, "", ErrFormChanged
	}
	next, id, what, err := change.Apply(r.Definition, r.State == RoundOpen)
	if err != nil {
		return r.Definition, "", err
	}
	next.Version = version + 1
	var res *mongo.UpdateResult
	err = rs.st.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = rs.rounds.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: year}, {Key: "state", Value: r.State}, {Key: "definition.version", Value: version}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "definition", Value: next}}}})
		return err
	})
	if err != nil {
		return r.Definition, "", fmt.Errorf("rounds: changing the form of %s: %w", year, err)
	}
	if res.MatchedCount == 0 {
		now, err := rs.Get(ctx, year)
		if err != nil {
			return r.Definition, "", err
		}
		return now.Definition, "", ErrFormChanged // or its state moved on: the officer reads it again
	}
	rs.recent.Delete(year) // governors see new wording at once
	record(ctx, rs.audit, by, audit.ActionFormChanged, year, fmt.Sprintf("%s (form version %d)", what, next.Version))
	return next, id, nil
}

// PreviewSchool is a made-up school of a phase, for previewing a form as its governors
// will see it: with the governance given (or the phase's usual one), and boarders or an
// early years class when asked.
func PreviewSchool(p Phase, g Governance, boarders, earlyYears bool) Record {
	if g == "" {
		g = GovMaintained
		if p == PhaseIndependent {
			g = GovIndependent
		}
	}
	r := Record{Name: "Preview: a " + strings.ToLower(p.Label()) + " school", Phase: p, Governance: g, Status: StatusOpen}
	if boarders {
		r.Boarders = "Boarding school"
	}
	if earlyYears {
		r.NurseryProvision = "Has Nursery Classes"
	}
	return r
}

// Kinds lists every kind of answer, in the order the editor offers them.
func Kinds() []Kind { return slices.Clone(kinds) }

// Label is the kind of answer in an officer's words.
func (k Kind) Label() string {
	switch k {
	case KindYesNo:
		return "Yes or no"
	case KindYesPartlyNo:
		return "Yes, partly or no (an explanation is needed when not yes)"
	case KindDate:
		return "A date"
	case KindNumber:
		return "A whole number"
	case KindShortText:
		return "Short text"
	case KindLongText:
		return "Long text"
	case KindOneOf:
		return "One of a list of choices"
	case KindManyOf:
		return "Any of a list of choices"
	case KindDeclaration:
		return "A statement the signatory confirms"
	}
	return string(k)
}

// ConditionValues are the answers of q that a later question's condition may test, each
// with its words.
func (q Question) ConditionValues() []Choice {
	var out []Choice
	for _, v := range q.values() {
		out = append(out, Choice{Value: v, Text: AnswerText(q, Answer{Value: v})})
	}
	return out
}
