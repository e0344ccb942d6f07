package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// unapproveActivity withdraws an activity's approval with a reason, reversing its XP.
func (s *Server) unapproveActivity(c *fiber.Ctx) error {
	a, err := s.yearActivity(c)
	if err != nil {
		return err
	}
	_, _, err = s.deps.JOSO.Ledger.Unapprove(c.UserContext(), adminActor(c), a.ID, c.FormValue("reason"))
	if errors.Is(err, missions.ErrReasonNeeded) {
		return s.renderAdminActivity(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "reason", Message: "Give the reason for withdrawing the approval"}})
	}
	if err != nil {
		return err
	}
	return backToActivity(c, a)
}
