package handlers

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// Previewing a round's form as a governor of a school of some phase will see it: the
// task list, each section and the declaration, drawn by the governor's own templates and
// questionViews.
// A section's buttons post back to the preview, which reads the answers as a save would
// and shows any errors, but saves nothing.

// PreviewBar is shown above a previewed page: the school it is previewed as, a form to
// choose another, and that nothing is saved.
type PreviewBar struct {
	Round       string
	As          string // the school, in words
	Action      string // the preview's task list
	Query       string // the school chosen, for links within the preview
	Phases      []Option
	Governances []Option
	Boarders    bool
	EarlyYears  bool
	Declaration string // the declaration's page, signed when the sections are done
}

// To is the preview's address of a section, for the school chosen.
func (b *PreviewBar) To(section string) string { return b.Action + "/" + section + "?" + b.Query }

// previewPhases are the phases a form can be previewed as: those of the schools return.
var previewPhases = slices.DeleteFunc(slices.Clone(forms.Phases), func(p forms.Phase) bool { return p == forms.PhaseCollege })

// previewOf reads the round and the school to preview as from the address.
func (s *Server) previewOf(c *fiber.Ctx) (forms.Round, forms.Record, *PreviewBar, error) {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return round, forms.Record{}, nil, err
	}
	phase := forms.Phase(c.Query("phase"))
	if !slices.Contains(previewPhases, phase) {
		phase = forms.PhasePrimary
	}
	gov := forms.Governance(c.Query("governance"))
	if !slices.Contains(forms.Governances, gov) {
		gov = ""
	}
	rec := forms.PreviewSchool(phase, gov, c.Query("boarders") == "yes", c.Query("early_years") == "yes")
	q := url.Values{"phase": {string(phase)}, "governance": {string(rec.Governance)}}
	bar := &PreviewBar{Round: round.ID, As: "a " + strings.ToLower(phase.Label()) + " school (" + strings.ToLower(rec.Governance.Label()) + ")", Action: "/admin/rounds/" + round.ID + "/form/preview",
		Phases: options(previewPhases, forms.Phase.Label, phase), Governances: options(forms.Governances, forms.Governance.Label, rec.Governance),
		Boarders: rec.HasBoarders(), EarlyYears: rec.NurseryProvision != ""}
	if bar.Boarders {
		q.Set("boarders", "yes")
	}
	if bar.EarlyYears {
		q.Set("early_years", "yes")
	}
	bar.Query = q.Encode()
	if sec, ok := forms.DeclarationSection(round.Definition.For(rec)); ok {
		bar.Declaration = bar.To(sec.ID)
	}
	return round, rec, bar, nil
}

func (s *Server) previewForm(c *fiber.Ctx) error {
	round, rec, bar, err := s.previewOf(c)
	if err != nil {
		return err
	}
	p := TaskListPage{Page: s.basePage(c, "Preview: safeguarding assurance "+round.ID), School: rec.Name, Round: round.ID,
		Deadline: longDate(round.Deadline), CanEdit: true}
	p.Preview, p.Back = bar, "/admin/rounds/"+round.ID+"/form"
	for _, sec := range forms.QuestionSections(round.Definition.For(rec)) {
		p.Tasks = append(p.Tasks, Task{ID: sec.ID, Title: sec.Title, Href: bar.To(sec.ID), Status: forms.SectionNotStarted})
	}
	p.Total = len(p.Tasks) // a preview saves nothing: none of them is completed
	return s.render(c, fiber.StatusOK, "task-list", p)
}

// previewSection shows a section as the governor sees it; posted, it reads the answers
// as a save would and shows what was typed with any errors, keeping nothing.
func (s *Server) previewSection(c *fiber.Ctx) error {
	round, rec, bar, err := s.previewOf(c)
	if err != nil {
		return err
	}
	sections := round.Definition.For(rec)
	id := c.Params("section")
	if decl, ok := forms.DeclarationSection(sections); ok && decl.ID == id {
		p := SubmitPage{Page: s.basePage(c, "Preview: declaration and submit"), School: rec.Name, Section: decl}
		p.Preview, p.Back = bar, bar.Action+"?"+bar.Query
		status := previewRead(c, decl, &p.Page, &p.Questions)
		return s.render(c, status, "submit", p)
	}
	i := slices.IndexFunc(forms.QuestionSections(sections), func(sec forms.Section) bool { return sec.ID == id })
	if i < 0 {
		return fiber.ErrNotFound
	}
	sec := forms.QuestionSections(sections)[i]
	p := SectionPage{Page: s.basePage(c, "Preview: "+sec.Title), School: rec.Name, Section: sec}
	p.Preview, p.Back = bar, bar.Action+"?"+bar.Query
	status := previewRead(c, sec, &p.Page, &p.Questions)
	return s.render(c, status, "section", p)
}

// previewRead draws a previewed section's questions: empty, or, when posted, with what
// was typed, read as a save would read it, and its errors. It keeps nothing.
func previewRead(c *fiber.Ctx, sec forms.Section, page *Page, questions *[]QuestionView) int {
	*questions = questionViews(sec, nil, nil)
	if c.Method() != fiber.MethodPost {
		return fiber.StatusOK
	}
	e := forms.ReadSection(sec, formValues(c), c.FormValue("action") == "later", time.Now())
	*questions = questionViews(sec, e.Answers, e.Errors)
	if len(e.Errors) > 0 {
		page.Errors = fieldErrorsOf(&forms.InvalidEntry{Section: sec, Entry: e})
		return fiber.StatusUnprocessableEntity
	}
	page.Flash = "These answers would be accepted. This is a preview: nothing was saved."
	return fiber.StatusOK
}
