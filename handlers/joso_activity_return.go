package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// returnActivity sends a submitted activity back to its link teacher with a note.
func (s *Server) returnActivity(c *fiber.Ctx) error {
	a, err := s.yearActivity(c)
	if err != nil {
		return err
	}
	_, err = s.deps.JOSO.Activities.Return(c.UserContext(), adminActor(c), a.ID, c.FormValue("reason"))
	if errors.Is(err, missions.ErrReasonNeeded) {
		return s.renderAdminActivity(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "reason", Message: "Say what the link teacher should change"}})
	}
	if err != nil {
		return err
	}
	return backToActivity(c, a)
}
