package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// Removing a section or a question, after a confirmation page. Its questions' IDs are
// retired by forms, never to be given again.

func (s *Server) removeFormSection(c *fiber.Ctx) error {
	round, sec, err := s.sectionBeingEdited(c)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		return s.confirmRemoval(c, round, "Remove the section “"+sec.Title+"”?", "/form/sections/"+sec.ID+"/remove",
			"Its "+strconv.Itoa(len(sec.Questions))+" questions go with it.", "Remove the section")
	}
	if _, _, err := s.changeForm(c, forms.RemoveSection{ID: sec.ID}); err != nil {
		return s.formPartRefused(c, err, sec.ID)
	}
	return doneRedirect(c, "/admin/rounds/"+round.ID+"/form", "Section removed: "+sec.Title)
}

func (s *Server) removeFormQuestion(c *fiber.Ctx) error {
	round, _, q, err := s.questionBeingEdited(c)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		return s.confirmRemoval(c, round, "Remove the question “"+q.Text+"”?", "/form/questions/"+q.ID+"/remove", "", "Remove the question")
	}
	if _, _, err := s.changeForm(c, forms.RemoveQuestion{ID: q.ID}); err != nil {
		return s.formPartRefused(c, err, q.ID)
	}
	return doneRedirect(c, "/admin/rounds/"+round.ID+"/form", "Question removed")
}

// confirmRemoval asks before a removal, carrying the form version the officer read.
func (s *Server) confirmRemoval(c *fiber.Ctx, round forms.Round, title, action, also, button string) error {
	if err := structureFixed(round); err != nil {
		return err
	}
	p := ConfirmPage{Caption: "Form for round " + round.ID, Action: "/admin/rounds/" + round.ID + action,
		Hidden: []Hidden{{Name: "version", Value: c.FormValue("version")}}, Button: button, Danger: true,
		Cancel: "/admin/rounds/" + round.ID + "/form"}
	if also != "" {
		p.Paragraphs = append(p.Paragraphs, also)
	}
	p.Warning = "A removed question's ID is never used again: a question added later gets a new one."
	return s.confirm(c, title, p)
}
