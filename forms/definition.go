package forms

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/lscp/assure/internal/text"
)

// Kind is what sort of answer a question takes.
type Kind string

// The answer kinds of the brief.
const (
	KindYesNo       Kind = "yes_no"
	KindYesPartlyNo Kind = "yes_partly_no" // a comment is required when the answer is not yes
	KindDate        Kind = "date"
	KindNumber      Kind = "number" // a whole number
	KindShortText   Kind = "short_text"
	KindLongText    Kind = "long_text"
	KindOneOf       Kind = "one_of"
	KindManyOf      Kind = "many_of"
	KindDeclaration Kind = "declaration" // a statement the signatory confirms
)

var kinds = []Kind{KindYesNo, KindYesPartlyNo, KindDate, KindNumber, KindShortText, KindLongText, KindOneOf, KindManyOf, KindDeclaration}

// Choice is one option of a one_of or many_of question.
type Choice struct {
	Value string `json:"value"`
	Text  string `json:"text"`
}

// Condition shows a question only when an earlier question of its section has a value.
type Condition struct {
	Question string `json:"question"`
	Equals   string `json:"equals"`
}

// PhaseHint is a hint written for some phases only ("PSHE in independent schools"): the
// form of a school of one of its phases shows it, no other.
type PhaseHint struct {
	Phases []Phase `json:"phases"`
	Text   string  `json:"text"`
}

// Question is one question. Its ID is stable across rounds, so answers line up year on year.
type Question struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	Text string `json:"text"`
	Hint string `json:"hint,omitempty"`
	// PhaseHints add a hint for some phases; For keeps only the school's.
	PhaseHints []PhaseHint `json:"phase_hints,omitempty"`
	Required   bool        `json:"required"`
	Choices    []Choice    `json:"choices,omitempty"`
	ShowIf     *Condition  `json:"show_if,omitempty"`
	// Format narrows short text: "email" checks an email address.
	Format string `json:"format,omitempty"`
	// Min and Max bound a number.
	Min *int `json:"min,omitempty"`
	Max *int `json:"max,omitempty"`
	// PastOnly refuses a date in the future (the date of a training, a review).
	PastOnly bool `json:"past_only,omitempty"`
	// Governance, when set, asks the question only of schools with one of these
	// (s128 checks, for example, apply to academies, free and independent schools).
	Governance []Governance `json:"governance,omitempty"`
	// Phases, when set, asks the question only of these of its section's phases.
	Phases []Phase `json:"phases,omitempty"`
}

// Section is a group of questions, asked of the phases it lists.
type Section struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Intro string `json:"intro,omitempty"`
	// PhaseIntros add to the intro for some phases; For keeps only the school's.
	PhaseIntros []PhaseHint `json:"phase_intros,omitempty"`
	// Phases are the phases asked this section; OptionalFor are phases asked it with no
	// question required.
	Phases      []Phase `json:"phases"`
	OptionalFor []Phase `json:"optional_for,omitempty"`
	// When narrows the section to schools with a GIAS feature: "boarders", or
	// "early_years" (nursery classes or a reception year).
	When      string     `json:"when,omitempty"`
	Questions []Question `json:"questions"`
}

// Definition is a round's form: every section and question, for every phase.
type Definition struct {
	Version  int       `json:"version"`
	Name     string    `json:"name"`
	Sections []Section `json:"sections"`
	// Retired are the IDs of questions removed from this form or an earlier round's:
	// an ID is never given to a different question, so answers line up year on year.
	Retired []string `json:"retired,omitempty"`
}

// The longest a form's wording may be, in characters: room for any question the
// partnership asks, short enough that a school's form stays readable.
const (
	MaxQuestionText = 500
	MaxHelpText     = 2000 // a question's hint, and each phase's hint
	MaxSectionTitle = 200
	MaxIntro        = 2000 // a section's intro, and each phase's intro
	MaxChoiceLabel  = 200
)

// ErrFormWording is wording in a form file that the editor would not have taken: too long,
// or not as internal/text cleans it (hidden or control characters that make it display as
// something it is not, or a line break in a one-line title, question or choice).
var ErrFormWording = errors.New("wording too long, or with hidden characters, control characters or line breaks")

// wording refuses s unless it is as clean (text.Line or text.Lines) leaves it and at most
// max characters.
func wording(what, s string, clean func(string) string, max int) error {
	if clean(s) != s || !text.Fits(s, max) {
		return fmt.Errorf("%s: %w (at most %d characters)", what, ErrFormWording, max)
	}
	return nil
}

// MaxDefinitionBytes bounds a definition document.
const MaxDefinitionBytes = 1 << 20

//go:embed definitions/default.json
var defaultDefinition []byte

// DefaultDefinition is the starting set of sections from the partnership's brief; a new
// round starts from it, or from the last round's definition.
func DefaultDefinition() (*Definition, error) { return ParseDefinition(defaultDefinition) }

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)

// ParseDefinition reads a definition and checks it thoroughly, so that a partnership can
// change wording or add a question without a code change and without breaking a round:
// unknown fields, duplicate or malformed IDs, unknown kinds or phases, choices missing
// where needed, and conditions that point nowhere are all refused with the place named.
func ParseDefinition(data []byte) (*Definition, error) {
	if len(data) > MaxDefinitionBytes {
		return nil, fmt.Errorf("form definition: larger than %d KB", MaxDefinitionBytes>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Definition
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("form definition: %w", err)
	}
	if dec.More() {
		return nil, errors.New("form definition: more than one JSON document")
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("form definition: %w", err)
	}
	return &d, nil
}

func (d *Definition) check() error {
	if d.Version < 1 {
		return errors.New("version must be 1 or more")
	}
	if len(d.Sections) == 0 {
		return errors.New("no sections")
	}
	sections, questions, retired := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, id := range d.Retired {
		if !idPattern.MatchString(id) || retired[id] {
			return fmt.Errorf("retired ID %q: must be unique, lower case, like dsl.last_training", id)
		}
		retired[id] = true
	}
	hasDeclaration := false
	for si, s := range d.Sections {
		where := fmt.Sprintf("section %d (%s)", si+1, s.ID)
		if !idPattern.MatchString(s.ID) || sections[s.ID] {
			return fmt.Errorf("%s: section ID must be unique, lower case, like safer_recruitment", where)
		}
		sections[s.ID] = true
		if s.Title == "" {
			return fmt.Errorf("%s: no title", where)
		}
		if err := cmp.Or(wording("title", s.Title, text.Line, MaxSectionTitle), wording("intro", s.Intro, text.Lines, MaxIntro)); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if len(s.Phases) == 0 {
			return fmt.Errorf("%s: no phases", where)
		}
		for _, p := range append(slices.Clone(s.Phases), s.OptionalFor...) {
			if !slices.Contains(Phases, p) {
				return fmt.Errorf("%s: unknown phase %q", where, p)
			}
		}
		for _, p := range s.OptionalFor {
			if !slices.Contains(s.Phases, p) {
				return fmt.Errorf("%s: optional for %q, which it is not asked of", where, p)
			}
		}
		if err := checkPhaseHints(s.PhaseIntros, s.Phases, MaxIntro); err != nil {
			return fmt.Errorf("%s: phase intros: %w", where, err)
		}
		if s.When != "" && s.When != "boarders" && s.When != "early_years" {
			return fmt.Errorf("%s: when must be boarders or early_years", where)
		}
		if len(s.Questions) == 0 {
			return fmt.Errorf("%s: no questions", where)
		}
		seenHere := map[string]Question{}
		for qi, q := range s.Questions {
			qwhere := fmt.Sprintf("%s, question %d (%s)", where, qi+1, q.ID)
			if !idPattern.MatchString(q.ID) || questions[q.ID] {
				return fmt.Errorf("%s: question ID must be unique, lower case, like dsl.last_training", qwhere)
			}
			questions[q.ID] = true
			if retired[q.ID] {
				return fmt.Errorf("%s: the ID %s belonged to a question that was removed, and is never used again", qwhere, q.ID)
			}
			for _, p := range q.Phases {
				if !slices.Contains(s.Phases, p) {
					return fmt.Errorf("%s: asked of %q, which its section is not asked of", qwhere, p)
				}
			}
			if err := q.check(); err != nil {
				return fmt.Errorf("%s: %w", qwhere, err)
			}
			if err := checkPhaseHints(q.PhaseHints, s.Phases, MaxHelpText); err != nil {
				return fmt.Errorf("%s: phase hints: %w", qwhere, err)
			}
			if q.Kind == KindDeclaration {
				hasDeclaration = true
			}
			if c := q.ShowIf; c != nil {
				dep, ok := seenHere[c.Question]
				if !ok {
					return fmt.Errorf("%s: shown if %q, which is not an earlier question of this section", qwhere, c.Question)
				}
				if !slices.Contains(dep.values(), c.Equals) {
					return fmt.Errorf("%s: shown if %s is %q, which it cannot be", qwhere, c.Question, c.Equals)
				}
				// A phase that is not asked the question a condition tests would never see
				// this one.
				for _, p := range q.phasesIn(s) {
					if !slices.Contains(dep.phasesIn(s), p) {
						return fmt.Errorf("%s: asked of %q, but %s, which it is shown for, is not", qwhere, p, c.Question)
					}
				}
			}
			seenHere[q.ID] = q
		}
	}
	if !hasDeclaration {
		return errors.New("no declaration question: a return must end with the signatory's declaration")
	}
	return nil
}

func (q Question) check() error {
	if !slices.Contains(kinds, q.Kind) {
		return fmt.Errorf("unknown kind %q", q.Kind)
	}
	if q.Text == "" {
		return errors.New("no text")
	}
	if err := cmp.Or(wording("text", q.Text, text.Line, MaxQuestionText), wording("hint", q.Hint, text.Lines, MaxHelpText)); err != nil {
		return err
	}
	needsChoices := q.Kind == KindOneOf || q.Kind == KindManyOf
	if needsChoices != (len(q.Choices) > 0) {
		if needsChoices {
			return errors.New("a choice question needs choices")
		}
		return errors.New("only one_of and many_of questions have choices")
	}
	values := map[string]bool{}
	for _, c := range q.Choices {
		if c.Value == "" || c.Text == "" || values[c.Value] {
			return errors.New("every choice needs a unique value and a text")
		}
		if err := wording("choice "+c.Value, c.Text, text.Line, MaxChoiceLabel); err != nil {
			return err
		}
		values[c.Value] = true
	}
	if q.Format != "" && (q.Format != "email" || q.Kind != KindShortText) {
		return errors.New(`format "email" is the only format, for short_text`)
	}
	if (q.Min != nil || q.Max != nil) && q.Kind != KindNumber {
		return errors.New("only number questions have min and max")
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		return errors.New("min is more than max")
	}
	if q.PastOnly && q.Kind != KindDate {
		return errors.New("only date questions can be past_only")
	}
	for _, g := range q.Governance {
		if !slices.Contains(Governances, g) {
			return fmt.Errorf("unknown governance %q", g)
		}
	}
	return nil
}

// checkPhaseHints refuses a hint with no text or no phases, wording longer than max or
// not clean, a phase the section is not asked of, and a phase given two hints (which
// would it show?).
func checkPhaseHints(hints []PhaseHint, asked []Phase, max int) error {
	seen := map[Phase]bool{}
	for i, h := range hints {
		if h.Text == "" || len(h.Phases) == 0 {
			return fmt.Errorf("hint %d needs a text and its phases", i+1)
		}
		if err := wording(fmt.Sprintf("hint %d", i+1), h.Text, text.Lines, max); err != nil {
			return err
		}
		for _, p := range h.Phases {
			switch {
			case !slices.Contains(Phases, p):
				return fmt.Errorf("hint %d: unknown phase %q", i+1, p)
			case !slices.Contains(asked, p):
				return fmt.Errorf("hint %d: phase %q is not asked this section", i+1, p)
			case seen[p]:
				return fmt.Errorf("hint %d: phase %q has another hint", i+1, p)
			}
			seen[p] = true
		}
	}
	return nil
}

// forPhase adds the hint written for a phase, if any, to a general one.
func forPhase(general string, hints []PhaseHint, p Phase) string {
	for _, h := range hints {
		if slices.Contains(h.Phases, p) {
			if general == "" {
				return h.Text
			}
			return general + " " + h.Text
		}
	}
	return general
}

// phasesIn is the phases asked a question of section s: its own, or else the section's.
func (q Question) phasesIn(s Section) []Phase {
	if len(q.Phases) > 0 {
		return q.Phases
	}
	return s.Phases
}

// values lists the answers a question can take that a condition may test.
func (q Question) values() []string {
	switch q.Kind {
	case KindYesNo:
		return []string{"yes", "no"}
	case KindYesPartlyNo:
		return []string{"yes", "partly", "no"}
	case KindOneOf:
		out := make([]string, len(q.Choices))
		for i, c := range q.Choices {
			out[i] = c.Value
		}
		return out
	}
	return nil
}

// Question finds a question by ID.
func (d *Definition) Question(id string) (Question, bool) {
	for _, s := range d.Sections {
		for _, q := range s.Questions {
			if q.ID == id {
				return q, true
			}
		}
	}
	return Question{}, false
}

// For returns the sections a school is asked, with only the questions that apply to it,
// with nothing required in a section that is optional for its phase, and with only the
// hints and intros written for its phase.
func (d *Definition) For(s Record) []Section {
	var out []Section
	for _, sec := range d.Sections {
		if !slices.Contains(sec.Phases, s.Phase) || !sec.appliesTo(s) {
			continue
		}
		optional := slices.Contains(sec.OptionalFor, s.Phase)
		qs := make([]Question, 0, len(sec.Questions))
		for _, q := range sec.Questions {
			if len(q.Governance) > 0 && !slices.Contains(q.Governance, s.Governance) ||
				len(q.Phases) > 0 && !slices.Contains(q.Phases, s.Phase) {
				continue
			}
			if optional && q.Kind != KindDeclaration {
				q.Required = false
			}
			q.Hint, q.PhaseHints, q.Phases = forPhase(q.Hint, q.PhaseHints, s.Phase), nil, nil
			qs = append(qs, q)
		}
		sec.Questions = qs
		sec.Intro, sec.PhaseIntros = forPhase(sec.Intro, sec.PhaseIntros, s.Phase), nil
		out = append(out, sec)
	}
	return out
}

func (sec Section) appliesTo(s Record) bool {
	switch sec.When {
	case "boarders":
		return s.HasBoarders()
	case "early_years":
		return s.Phase == PhaseNursery || s.LowAge <= 4 && s.LowAge > 0 || s.NurseryProvision == "Has Nursery Classes"
	}
	return true
}
