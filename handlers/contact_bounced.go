package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// markBounced marks a contact's address as one mail does not reach (bounced=yes, with
// why), or clears the mark.
func (s *Server) markBounced(c *fiber.Ctx) error {
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	bounced, why := c.FormValue("bounced") == "yes", c.FormValue("why")
	if err := s.deps.Contacts.SetBounced(c.UserContext(), adminActor(c), urn, c.Params("id"), bounced, why, time.Now()); err != nil {
		if errs := fieldErrors(err); errs != nil {
			return s.contactPageWith(c, nil, errs, why)
		}
		return err
	}
	msg := "Marked as bounced: not invited or reminded until the mark is cleared"
	if !bounced {
		msg = "Bounced mark cleared"
	}
	return doneRedirect(c, schoolURL(urn)+"#contacts", msg)
}
