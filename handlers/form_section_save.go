package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// Adding a section (with its first question: a section is never empty) and changing one.

func (s *Server) newSectionPage(c *fiber.Ctx) error {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	if err := structureFixed(round); err != nil {
		return err
	}
	all := forms.Phases
	p := s.newSectionForm(c, round, round.Definition.Version, forms.SectionInput{Phases: all},
		forms.QuestionInput{Kind: forms.KindYesNo, Required: true, Phases: all})
	return s.render(c, fiber.StatusOK, "form-edit", p)
}

func (s *Server) newSectionForm(c *fiber.Ctx, round forms.Round, version int, sec forms.SectionInput, first forms.QuestionInput) FormEditPage {
	p := s.editPage(c, "Add a section", round, version, "/admin/rounds/"+round.ID+"/form/sections")
	p.withSection(sec)
	// The first question may be asked of any phase; the section's own phases narrow it.
	p.withQuestion(first, forms.Section{Phases: forms.Phases}, nil, round.Definition)
	p.Button = "Add the section"
	return p
}

func (s *Server) addSection(c *fiber.Ctx) error {
	form := formValues(c)
	sec := sectionInputFrom(form, forms.SectionInput{})
	first := questionInputFrom(form, forms.QuestionInput{})
	_, id, err := s.changeForm(c, forms.AddSection{Section: sec, First: first})
	if err == nil {
		return afterEdit(c, id, "Section added: "+sec.Title)
	}
	status, errs, ok := refusedEdit(err, "title")
	if !ok {
		return err
	}
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	p := s.newSectionForm(c, round, versionShown(c, status, round), sec, first)
	p.Errors = errs
	return s.render(c, status, "form-edit", p)
}

// sectionBeingEdited is the round and the section the address names.
func (s *Server) sectionBeingEdited(c *fiber.Ctx) (forms.Round, forms.Section, error) {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return round, forms.Section{}, err
	}
	sec, ok := round.Definition.Section(c.Params("section"))
	if !ok {
		return round, sec, forms.ErrFormPartNotFound
	}
	return round, sec, nil
}

func (s *Server) sectionEditPage(c *fiber.Ctx) error {
	round, sec, err := s.sectionBeingEdited(c)
	if err != nil {
		return err
	}
	p := s.editSectionForm(c, round, round.Definition.Version, sec, forms.SectionInput{Title: sec.Title, Intro: sec.Intro, Phases: sec.Phases})
	return s.render(c, fiber.StatusOK, "form-edit", p)
}

func (s *Server) editSectionForm(c *fiber.Ctx, round forms.Round, version int, sec forms.Section, in forms.SectionInput) FormEditPage {
	p := s.editPage(c, "Change the section: "+sec.Title, round, version, "/admin/rounds/"+round.ID+"/form/sections/"+sec.ID)
	p.withSection(in)
	return p
}

func (s *Server) saveSectionEdit(c *fiber.Ctx) error {
	round, sec, err := s.sectionBeingEdited(c)
	if err != nil {
		return err
	}
	in := sectionInputFrom(formValues(c), forms.SectionInput{Title: sec.Title, Intro: sec.Intro, Phases: sec.Phases})
	_, _, err = s.changeForm(c, forms.EditSection{ID: sec.ID, Section: in})
	if err == nil {
		return afterEdit(c, sec.ID, "Section saved: "+in.Title)
	}
	status, errs, ok := refusedEdit(err, "title")
	if !ok {
		return err
	}
	if status == fiber.StatusConflict {
		if round, sec, err = s.sectionBeingEdited(c); err != nil {
			return err
		}
	}
	p := s.editSectionForm(c, round, versionShown(c, status, round), sec, in)
	p.Errors = errs
	return s.render(c, status, "form-edit", p)
}
