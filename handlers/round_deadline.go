package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// setDeadline moves the round's deadline; lateness and reminders follow it.
func (s *Server) setDeadline(c *fiber.Ctx) error {
	year := c.Params("year")
	_, err := s.deps.Rounds.SetDeadline(c.UserContext(), adminActor(c), year, strings.TrimSpace(c.FormValue("deadline")))
	if errors.Is(err, forms.ErrDeadlineDate) || errors.Is(err, forms.ErrDeadlineEarly) {
		return s.roundPageWith(c, []FieldError{{Field: "deadline", Message: capitalise(err.Error())}})
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+year, "Deadline changed")
}
