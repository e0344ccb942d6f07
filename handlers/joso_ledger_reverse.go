package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// reverseEntry posts an admin's reversal of one entry, with a reason: the one change a
// closed year accepts.
func (s *Server) reverseEntry(c *fiber.Ctx) error {
	year := c.Params("year")
	key, reason := strings.TrimSpace(c.FormValue("key")), c.FormValue("reason")
	_, err := s.deps.JOSO.Ledger.Reverse(c.UserContext(), adminActor(c), year, key, reason)
	var msg, field string
	switch {
	case errors.Is(err, missions.ErrReasonNeeded):
		msg, field = "Give the reason for the reversal", "reason"
	case errors.Is(err, missions.ErrNotFound):
		msg, field = "Enter the key of an entry in this year's ledger", "key"
	case errors.Is(err, missions.ErrAlreadyReversed), errors.Is(err, missions.ErrInvalid):
		msg, field = capitalise(problemMessage(err)), "key"
	case err != nil:
		return err
	}
	if msg != "" {
		return s.renderLedger(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: field, Message: msg}})
	}
	return doneRedirect(c, "/admin/joso/"+year+"/ledger", "Entry reversed")
}
