package handlers

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/problem"
)

// The form editor: a round's form, section by section, with a page to add or change a
// section or a question and buttons to move or remove them. forms decides what may
// change (everything in a draft, wording once open) and checks each change as its loader
// would; these handlers parse, call and render, and show a refusal beside its field with
// what was typed. Every form carries the form version the officer read, so a change made
// on a stale page is refused (forms.ErrFormChanged) and the page shown again.

// staleForm is what an officer is told when someone changed the form first.
const staleForm = "Someone else changed the form after you opened this page. Check your change against the form as it is now, then save again"

// FormPage is a round's form in the editor.
type FormPage struct {
	Page
	Round    forms.Round
	Draft    bool // sections and questions can be added, moved and removed
	Wording  bool // wording can change (a draft or an open round)
	Sections []FormSectionView
}

// FormSectionView is a section in the editor.
type FormSectionView struct {
	forms.Section
	PhaseLabels string
	First, Last bool
	Questions   []FormQuestionView
}

// FormQuestionView is a question in the editor, described in words.
type FormQuestionView struct {
	forms.Question
	KindLabel, Asked, Condition string
	First, Last                 bool
}

func phaseLabels(ps []forms.Phase) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Label()
	}
	return strings.Join(out, ", ")
}

func (s *Server) formEditor(c *fiber.Ctx) error {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	return s.renderFormEditor(c, fiber.StatusOK, round, nil)
}

func (s *Server) renderFormEditor(c *fiber.Ctx, status int, round forms.Round, errs []FieldError) error {
	p := FormPage{Page: s.basePage(c, "Form for round "+round.ID), Round: round, Draft: round.State == forms.RoundDraft,
		Wording: round.State == forms.RoundDraft || round.State == forms.RoundOpen}
	// A viewer reads the form: no change links, which would only refuse them.
	p.Draft, p.Wording = p.Draft && p.CanChange, p.Wording && p.CanChange
	p.Back, p.Errors, p.Flash = "/admin/rounds/"+round.ID, errs, flashFrom(c)
	secs := round.Definition.Sections
	for si, sec := range secs {
		sv := FormSectionView{Section: sec, PhaseLabels: phaseLabels(sec.Phases), First: si == 0, Last: si == len(secs)-1}
		for qi, q := range sec.Questions {
			qv := FormQuestionView{Question: q, KindLabel: q.Kind.Label(), First: qi == 0, Last: qi == len(sec.Questions)-1}
			if len(q.Phases) > 0 {
				qv.Asked = phaseLabels(q.Phases)
			}
			if c := q.ShowIf; c != nil {
				qv.Condition = conditionText(round.Definition, *c)
			}
			sv.Questions = append(sv.Questions, qv)
		}
		p.Sections = append(p.Sections, sv)
	}
	return s.render(c, status, "form", p)
}

// conditionText is a condition in words: When “Is assurance given?” is No.
func conditionText(d forms.Definition, c forms.Condition) string {
	dep, ok := d.Question(c.Question)
	if !ok {
		return ""
	}
	return "When “" + dep.Text + "” is " + forms.AnswerText(dep, forms.Answer{Value: c.Equals})
}

// FormEditPage adds or changes a section (with its first question, when added) or a
// question, keeping what was typed.
type FormEditPage struct {
	Page
	Round     forms.Round
	Version   int
	Action    string
	Structure bool // every field; otherwise (an open round) only the wording
	Button    string
	// A section's fields, when EditsSection.
	EditsSection  bool
	Section       forms.SectionInput
	SectionPhases []Option
	// A question's fields, when EditsQuestion.
	EditsQuestion bool
	Question      forms.QuestionInput
	Kinds         []Option
	Required      bool
	Phases        []Option
	ShowIf        []Option
	Choices       []ChoiceField
	// Fixed is the structure in words, shown instead of its fields on an open round.
	Fixed []string
}

// ChoiceField is one choice's label box, with the value it keeps (empty for a new one).
type ChoiceField struct {
	Index, Number int // from 0 for the field's name, from 1 for its label
	Value, Text   string
}

// ErrorFor is the error shown beside field, if any.
func (p FormEditPage) ErrorFor(field string) *FieldError {
	for i := range p.Errors {
		if p.Errors[i].Field == field {
			return &p.Errors[i]
		}
	}
	return nil
}

// PhaseBoxes are the checkboxes of the section's (name section_phases) or the
// question's (name phases) phases.
type PhaseBoxes struct {
	Name, Legend string
	Options      []Option
	Error        *FieldError
}

// PhaseBoxes gives the template the phase checkboxes named name.
func (p FormEditPage) PhaseBoxes(name, legend string) PhaseBoxes {
	opts := p.Phases
	if name == "section_phases" {
		opts = p.SectionPhases
	}
	return PhaseBoxes{Name: name, Legend: legend, Options: opts, Error: p.ErrorFor(name)}
}

// newChoiceBoxes is how many empty choice boxes a draft's question page offers: enough
// for a new question, and more come with each save.
const newChoiceBoxes = 3

// editPage starts an edit page that posts to action with the form version read; its
// section's and question's fields are added by withSection and withQuestion.
func (s *Server) editPage(c *fiber.Ctx, title string, round forms.Round, version int, action string) FormEditPage {
	p := FormEditPage{Page: s.basePage(c, title), Round: round, Version: version, Action: action,
		Structure: round.State == forms.RoundDraft, Button: "Save"}
	p.Back = "/admin/rounds/" + round.ID + "/form"
	return p
}

// withSection adds a section's fields.
func (p *FormEditPage) withSection(in forms.SectionInput) {
	p.EditsSection, p.Section = true, in
	p.SectionPhases = options(forms.Phases, forms.Phase.Label, "")
	for i := range p.SectionPhases {
		p.SectionPhases[i].Selected = slices.Contains(in.Phases, forms.Phase(p.SectionPhases[i].Value))
	}
	if !p.Structure {
		p.Fixed = append(p.Fixed, "Asked of: "+phaseLabels(in.Phases))
	}
}

// withQuestion adds a question's fields, in section sec, whose condition may test the
// questions earlier.
func (p *FormEditPage) withQuestion(in forms.QuestionInput, sec forms.Section, earlier []forms.Question, def forms.Definition) {
	p.EditsQuestion, p.Question, p.Required = true, in, in.Required
	p.Kinds = options(forms.Kinds(), forms.Kind.Label, in.Kind)
	p.Phases = options(sec.Phases, forms.Phase.Label, "")
	for i := range p.Phases {
		p.Phases[i].Selected = slices.Contains(in.Phases, forms.Phase(p.Phases[i].Value))
	}
	for _, q := range earlier {
		for _, v := range q.ConditionValues() {
			p.ShowIf = append(p.ShowIf, Option{Value: q.ID + "=" + v.Value, Text: "When “" + q.Text + "” is " + v.Text,
				Selected: in.ShowIf != nil && in.ShowIf.Question == q.ID && in.ShowIf.Equals == v.Value})
		}
	}
	for i, ch := range in.Choices {
		p.Choices = append(p.Choices, ChoiceField{Index: i, Number: i + 1, Value: ch.Value, Text: ch.Text})
	}
	if p.Structure {
		for i := len(in.Choices); i < len(in.Choices)+newChoiceBoxes; i++ {
			p.Choices = append(p.Choices, ChoiceField{Index: i, Number: i + 1})
		}
		return
	}
	p.Fixed = append(p.Fixed, "Kind of answer: "+in.Kind.Label(), "Asked of: "+phaseLabels(in.Phases))
	if in.Required {
		p.Fixed = append(p.Fixed, "Required")
	} else {
		p.Fixed = append(p.Fixed, "Optional")
	}
	if in.ShowIf != nil {
		p.Fixed = append(p.Fixed, conditionText(def, *in.ShowIf))
	}
}

// sectionInputFrom reads a section's fields over base (what the section has now): its
// phases only from a form that has them (structure=yes), which an open round's has not.
func sectionInputFrom(form url.Values, base forms.SectionInput) forms.SectionInput {
	in := base
	in.Title, in.Intro = strings.TrimSpace(form.Get("title")), strings.TrimSpace(form.Get("intro"))
	if form.Get("structure") == "yes" {
		in.Phases = phasesFrom(form["section_phases"])
	}
	return in
}

// questionInputFrom reads a question's fields over base likewise: its text, hint and
// choice labels always, the rest only from a form that has them.
func questionInputFrom(form url.Values, base forms.QuestionInput) forms.QuestionInput {
	in := base
	in.Text, in.Hint = form.Get("text"), form.Get("hint")
	in.Choices = nil
	for i := 0; form.Has("choice-" + strconv.Itoa(i)); i++ {
		f := "choice-" + strconv.Itoa(i)
		in.Choices = append(in.Choices, forms.Choice{Value: form.Get(f + "-value"), Text: form.Get(f)})
	}
	if form.Get("structure") != "yes" {
		return in
	}
	in.Kind, in.Required = forms.Kind(form.Get("kind")), form.Get("required") == "yes"
	in.Phases = phasesFrom(form["phases"])
	in.ShowIf = nil
	if id, value, ok := strings.Cut(form.Get("show_if"), "="); ok {
		in.ShowIf = &forms.Condition{Question: id, Equals: value}
	}
	return in
}

func phasesFrom(values []string) []forms.Phase {
	out := make([]forms.Phase, len(values))
	for i, v := range values {
		out[i] = forms.Phase(v)
	}
	return out
}

// changeForm makes one change for the signed-in officer, on the form version the page
// carried.
func (s *Server) changeForm(c *fiber.Ctx, change forms.FormChange) (forms.Definition, string, error) {
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return forms.Definition{}, "", fiber.ErrBadRequest
	}
	return s.deps.Rounds.ChangeForm(c.UserContext(), adminActor(c), c.Params("year"), version, change)
}

// refusedEdit is a change's refusal as the edit page shows it (what was typed stays):
// field errors beside their fields, a stale page above them; ok is false for anything
// else, which the error pages show (a structural change to an open round, say).
func refusedEdit(err error, firstField string) (status int, errs []FieldError, ok bool) {
	var fe problem.FieldErrors
	switch {
	case errors.As(err, &fe):
		for _, e := range fe {
			errs = append(errs, FieldError{Field: e.Field, Message: e.Message})
		}
		return fiber.StatusUnprocessableEntity, errs, true
	case errors.Is(err, forms.ErrFormChanged):
		return fiber.StatusConflict, []FieldError{{Field: firstField, Message: staleForm}}, true
	}
	return 0, nil, false
}

// versionShown is the form version a refused page carries on: the one it was read at,
// unless the refusal was that the form has changed since, when the page now shows the
// form as it is.
func versionShown(c *fiber.Ctx, status int, round forms.Round) int {
	if v, err := strconv.Atoi(c.FormValue("version")); err == nil && status != fiber.StatusConflict {
		return v
	}
	return round.Definition.Version
}

// structureFixed says why a round's sections and questions cannot be added, moved or
// removed, or nil when they can (a draft), so a page for that is not even shown.
func structureFixed(round forms.Round) error {
	switch round.State {
	case forms.RoundDraft:
		return nil
	case forms.RoundOpen:
		return forms.ErrWordingOnly
	}
	return forms.ErrFormFixed
}

// afterEdit shows the editor at what changed, saying what was done.
func afterEdit(c *fiber.Ctx, id, done string) error {
	return doneRedirect(c, fmt.Sprintf("/admin/rounds/%s/form#%s", c.Params("year"), id), done)
}

// formPartRefused shows the editor again with a move's or removal's refusal beside the
// part it was about, or the error page for anything else.
func (s *Server) formPartRefused(c *fiber.Ctx, err error, id string) error {
	status, errs, ok := refusedEdit(err, id)
	if !ok {
		return err
	}
	round, gerr := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if gerr != nil {
		return gerr
	}
	for i := range errs {
		errs[i].Field = id // beside the part the button was for
	}
	return s.renderFormEditor(c, status, round, errs)
}

// PartButtons are a section's or a question's move and remove buttons.
type PartButtons struct {
	Base, CSRF, What, Name string
	Version                int
	First, Last            bool
}

// Buttons are the move and remove buttons of the part at path ("questions/dsl.on_slt"),
// named for screen readers by what it is and its words.
func (p FormPage) Buttons(path, name, what string, first, last bool) PartButtons {
	return PartButtons{Base: "/admin/rounds/" + p.Round.ID + "/form/" + path, CSRF: p.CSRF, What: what, Name: name,
		Version: p.Round.Definition.Version, First: first, Last: last}
}
