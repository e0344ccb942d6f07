package handlers

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/missions"
)

// unapproveActivity withdraws an activity's approval with a reason, reversing its XP.
func (s *Server) unapproveActivity(c *fiber.Ctx) error {
	return s.withReason(c, "Give the reason for withdrawing the approval", func(ctx context.Context, by audit.Actor, id, reason string) error {
		_, _, err := s.deps.JOSO.Ledger.Unapprove(ctx, by, id, reason)
		return err
	})
}

// withReason runs an admin's action that needs a reason on the activity in the address,
// showing the activity again with message beside the reason box when none was given.
func (s *Server) withReason(c *fiber.Ctx, message string, act func(ctx context.Context, by audit.Actor, id, reason string) error) error {
	a, err := s.yearActivity(c)
	if err != nil {
		return err
	}
	err = act(c.UserContext(), adminActor(c), a.ID, c.FormValue("reason"))
	if errors.Is(err, missions.ErrReasonNeeded) {
		return s.renderAdminActivity(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "reason", Message: message}})
	}
	if err != nil {
		return err
	}
	return backToActivity(c, a)
}
