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
// task list and each section, drawn by the governor's own templates and questionViews.
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
}

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
		p.Tasks = append(p.Tasks, Task{ID: sec.ID, Title: sec.Title, Href: bar.Action + "/" + sec.ID + "?" + bar.Query, Status: forms.SectionNotStarted})
	}
	return s.render(c, fiber.StatusOK, "task-list", p)
}

// previewSection shows a section as the governor sees it; posted, it reads the answers
// as a save would and shows what was typed with any errors, keeping nothing.
func (s *Server) previewSection(c *fiber.Ctx) error {
	round, rec, bar, err := s.previewOf(c)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(forms.QuestionSections(round.Definition.For(rec)), func(sec forms.Section) bool { return sec.ID == c.Params("section") })
	if i < 0 {
		return fiber.ErrNotFound
	}
	sec := forms.QuestionSections(round.Definition.For(rec))[i]
	p := SectionPage{Page: s.basePage(c, "Preview: "+sec.Title), School: rec.Name, Section: sec, Questions: questionViews(sec, nil, nil)}
	p.Preview, p.Back = bar, bar.Action+"?"+bar.Query
	status := fiber.StatusOK
	if c.Method() == fiber.MethodPost {
		e := forms.ReadSection(sec, formValues(c), c.FormValue("action") == "later", time.Now())
		p.Questions = questionViews(sec, e.Answers, e.Errors)
		if len(e.Errors) > 0 {
			status, p.Errors = fiber.StatusUnprocessableEntity, fieldErrorsOf(&forms.InvalidEntry{Section: sec, Entry: e})
		} else {
			p.Flash = "These answers would be accepted. This is a preview: nothing was saved."
		}
	}
	return s.render(c, status, "section", p)
}
