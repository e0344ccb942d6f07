package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// Adding a question to a section, and changing one.

func (s *Server) newQuestionPage(c *fiber.Ctx) error {
	round, sec, err := s.sectionBeingEdited(c)
	if err != nil {
		return err
	}
	if err := structureFixed(round); err != nil {
		return err
	}
	p := s.newQuestionForm(c, round, round.Definition.Version, sec, forms.QuestionInput{Kind: forms.KindYesNo, Required: true, Phases: sec.Phases})
	return s.render(c, fiber.StatusOK, "form-edit", p)
}

func (s *Server) newQuestionForm(c *fiber.Ctx, round forms.Round, version int, sec forms.Section, in forms.QuestionInput) FormEditPage {
	p := s.editPage(c, "Add a question to "+sec.Title, round, version, "/admin/rounds/"+round.ID+"/form/sections/"+sec.ID+"/questions")
	p.withQuestion(in, sec, sec.Questions, round.Definition)
	p.Button = "Add the question"
	return p
}

func (s *Server) addQuestion(c *fiber.Ctx) error {
	round, sec, err := s.sectionBeingEdited(c)
	if err != nil {
		return err
	}
	in := questionInputFrom(formValues(c), forms.QuestionInput{})
	_, id, err := s.changeForm(c, forms.AddQuestion{Section: sec.ID, Question: in})
	if err == nil {
		return afterEdit(c, id, "Question added")
	}
	status, errs, ok := refusedEdit(err, "text")
	if !ok {
		return err
	}
	if status == fiber.StatusConflict {
		if round, sec, err = s.sectionBeingEdited(c); err != nil {
			return err
		}
	}
	p := s.newQuestionForm(c, round, versionShown(c, status, round), sec, in)
	p.Errors = errs
	return s.render(c, status, "form-edit", p)
}

// questionBeingEdited is the round, the question the address names and its section.
func (s *Server) questionBeingEdited(c *fiber.Ctx) (forms.Round, forms.Section, forms.Question, error) {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return round, forms.Section{}, forms.Question{}, err
	}
	id := c.Params("question")
	sec, ok := round.Definition.SectionOf(id)
	q, _ := round.Definition.Question(id)
	if !ok {
		return round, sec, q, forms.ErrFormPartNotFound
	}
	return round, sec, q, nil
}

func (s *Server) questionEditPage(c *fiber.Ctx) error {
	round, sec, q, err := s.questionBeingEdited(c)
	if err != nil {
		return err
	}
	p := s.editQuestionForm(c, round, round.Definition.Version, sec, q, forms.InputOf(q, sec))
	return s.render(c, fiber.StatusOK, "form-edit", p)
}

func (s *Server) editQuestionForm(c *fiber.Ctx, round forms.Round, version int, sec forms.Section, q forms.Question, in forms.QuestionInput) FormEditPage {
	p := s.editPage(c, "Change the question", round, version, "/admin/rounds/"+round.ID+"/form/questions/"+q.ID)
	var earlier []forms.Question
	for _, e := range sec.Questions {
		if e.ID == q.ID {
			break
		}
		earlier = append(earlier, e)
	}
	p.withQuestion(in, sec, earlier, round.Definition)
	return p
}

func (s *Server) saveQuestionEdit(c *fiber.Ctx) error {
	round, sec, q, err := s.questionBeingEdited(c)
	if err != nil {
		return err
	}
	in := questionInputFrom(formValues(c), forms.InputOf(q, sec))
	_, _, err = s.changeForm(c, forms.EditQuestion{ID: q.ID, Question: in})
	if err == nil {
		return afterEdit(c, q.ID, "Question saved")
	}
	status, errs, ok := refusedEdit(err, "text")
	if !ok {
		return err
	}
	if status == fiber.StatusConflict {
		if round, sec, q, err = s.questionBeingEdited(c); err != nil {
			return err
		}
	}
	p := s.editQuestionForm(c, round, versionShown(c, status, round), sec, q, in)
	p.Errors = errs
	return s.render(c, status, "form-edit", p)
}
