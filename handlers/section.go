package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// SectionPage is one section of the return: its questions as one page.
type SectionPage struct {
	Page
	School    string
	Section   forms.Section
	Questions []QuestionView
	Version   int
	Conflict  bool
	ReadOnly  bool
	// Carried: some answers are last year's, to confirm by saving the section.
	Carried bool
}

func (s *Server) sectionPage(c *fiber.Ctx) error {
	g := governorOf(c)
	sec, ok := g.round.QuestionSection(g.ret, c.Params("section"))
	if !ok {
		return fiber.ErrNotFound
	}
	return s.renderSection(c, fiber.StatusOK, g, sec, g.ret.AnswerMap(), nil, nil, false)
}

func (s *Server) renderSection(c *fiber.Ctx, status int, g *governor, sec forms.Section, answers map[string]forms.Answer,
	errs map[string]*forms.AnswerError, list []FieldError, conflict bool) error {
	p := SectionPage{Page: s.basePage(c, sec.Title), School: g.ret.School.Name, Section: sec,
		Questions: questionViews(sec, answers, errs), Version: g.ret.Version, Conflict: conflict, ReadOnly: !g.canEdit()}
	carried := g.ret.CarriedIn(sec)
	markCarried(p.Questions, carried)
	p.Carried = len(carried) > 0
	p.Governor, p.Errors, p.Back = true, list, "/return"
	return s.render(c, status, "section", p)
}

// saveSection hands what the governor typed to forms, which decides what is kept and
// whether the section is complete ("Save and continue" with every answer it needs; "Save
// and come back later" keeps whatever is well formed) and audits the save. Either way,
// what was typed is shown again with any errors, and a save that would overwrite someone
// else's newer answers is refused and shows theirs.
func (s *Server) saveSection(c *fiber.Ctx) error {
	g := governorOf(c)
	sec, ok := g.round.QuestionSection(g.ret, c.Params("section"))
	if !ok {
		return fiber.ErrNotFound
	}
	if !g.canEdit() {
		return c.Redirect("/return", fiber.StatusSeeOther)
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return fiber.ErrBadRequest
	}
	mode := forms.SaveAndContinue
	if c.FormValue("action") == "later" {
		mode = forms.SaveForLater
	}
	ret, e, err := s.deps.Assurance.SaveSectionOf(c.UserContext(), g.actor(c), g.ret, version, sec.ID, formValues(c), mode)
	var invalid *forms.InvalidEntry
	switch {
	case errors.As(err, &invalid):
		g.ret = ret
		return s.renderSection(c, fiber.StatusUnprocessableEntity, g, sec, e.Answers, e.Errors, fieldErrorsOf(invalid), false)
	case errors.Is(err, forms.ErrConflict):
		g.ret = ret
		return s.renderSection(c, fiber.StatusConflict, g, sec, ret.AnswerMap(), nil, []FieldError{{Field: sec.Questions[0].ID,
			Message: "Someone else saved this section after you opened it. Their answers are shown: check them, then save again"}}, true)
	case errors.Is(err, forms.ErrNotEditable):
		return c.Redirect("/return", fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	if mode == forms.SaveForLater {
		return c.Redirect("/return", fiber.StatusSeeOther)
	}
	return c.Redirect("/return/section/"+sec.ID+"/check", fiber.StatusSeeOther)
}

// CheckPage lists answers with links to change them: one section, or the whole return.
type CheckPage struct {
	Page
	School   string
	Sections []CheckSection
	Next     string
	Whole    bool
	CanEdit  bool
	// TwoPerson: the whole return goes on to be sent for confirmation, not to the declaration.
	TwoPerson bool
}

// CheckSection is one section's answers.
type CheckSection struct {
	ID, Title string
	Rows      []CheckRow
	Complete  bool
}

// CheckRow is one answer in a summary list.
type CheckRow struct {
	Question, Answer, Comment, Change string
}

func checkSection(sec forms.Section, answers map[string]forms.Answer, completed []string, changeBase string) CheckSection {
	cs := CheckSection{ID: sec.ID, Title: sec.Title}
	for _, id := range completed {
		if id == sec.ID {
			cs.Complete = true
		}
	}
	for _, qa := range sec.Answered(answers) {
		cs.Rows = append(cs.Rows, CheckRow{Question: qa.Question.Text, Answer: qa.Text, Comment: qa.Answer.Comment,
			Change: changeBase + "#" + forms.Field(qa.Question.ID, "")})
	}
	return cs
}

func (s *Server) sectionCheck(c *fiber.Ctx) error {
	g := governorOf(c)
	sec, ok := g.round.QuestionSection(g.ret, c.Params("section"))
	if !ok {
		return fiber.ErrNotFound
	}
	p := CheckPage{Page: s.basePage(c, "Check your answers: "+sec.Title), School: g.ret.School.Name, Next: "/return", CanEdit: g.canEdit(),
		Sections: []CheckSection{checkSection(sec, g.ret.AnswerMap(), g.ret.Completed, "/return/section/"+sec.ID)}}
	p.Governor, p.Back = true, "/return/section/"+sec.ID
	return s.render(c, fiber.StatusOK, "check", p)
}

func (s *Server) returnCheck(c *fiber.Ctx) error {
	g := governorOf(c)
	p := CheckPage{Page: s.basePage(c, "Check your answers before submitting"), School: g.ret.School.Name, Whole: true,
		Next: "/return/submit", CanEdit: g.canEdit(), TwoPerson: g.round.TwoPerson}
	answers := g.ret.AnswerMap()
	for _, sec := range forms.QuestionSections(g.sections()) {
		cs := checkSection(sec, answers, g.ret.Completed, "/return/section/"+sec.ID)
		if !cs.Complete {
			p.Next = ""
		}
		p.Sections = append(p.Sections, cs)
	}
	p.Governor, p.Back = true, "/return"
	return s.render(c, fiber.StatusOK, "check", p)
}
