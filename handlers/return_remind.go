package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/mail"
)

// remindSchool emails one school a reminder now. A delivery failure is in the chase log
// and the outbox, and the page says so.
func (s *Server) remindSchool(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	e, err := s.deps.Chase.SendReminder(c.UserContext(), adminActor(c), r, time.Now())
	switch {
	case errors.Is(err, forms.ErrNotChaseable), errors.Is(err, forms.ErrNoContactEmail), errors.Is(err, forms.ErrRoundNotOpen):
		return s.renderAdminReturn(c, "", []FieldError{{Field: "remind", Message: capitalise(err.Error())}})
	case err != nil && e.Delivery != mail.StatusFailed:
		return err
	}
	done := "Reminder sent"
	if e.Delivery == mail.StatusFailed {
		done = "The reminder could not be delivered: the chase log says why"
	}
	return doneRedirect(c, returnPage(r), done)
}
