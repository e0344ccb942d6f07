package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// Moving a section or a question one place up or down: a button per direction, so it
// works without JavaScript.

func (s *Server) moveFormSection(c *fiber.Ctx) error {
	id := c.Params("section")
	return s.moveFormPart(c, id, forms.MoveSection{ID: id, Up: c.FormValue("direction") == "up"}, "Section moved")
}

func (s *Server) moveFormQuestion(c *fiber.Ctx) error {
	id := c.Params("question")
	return s.moveFormPart(c, id, forms.MoveQuestion{ID: id, Up: c.FormValue("direction") == "up"}, "Question moved")
}

func (s *Server) moveFormPart(c *fiber.Ctx, id string, change forms.FormChange, done string) error {
	if d := c.FormValue("direction"); d != "up" && d != "down" {
		return fiber.ErrBadRequest
	}
	if _, _, err := s.changeForm(c, change); err != nil {
		return s.formPartRefused(c, err, id)
	}
	return afterEdit(c, id, done)
}
