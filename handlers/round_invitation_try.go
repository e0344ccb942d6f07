package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/mail"
)

// sendTestInvitation emails a school's invitation to the signed-in admin's own address,
// with a link that opens nothing, to see it as a school would.
func (s *Server) sendTestInvitation(c *fiber.Ctx) error {
	year := c.Params("year")
	urn, err := strconv.Atoi(c.FormValue("urn"))
	if err != nil {
		return fiber.ErrBadRequest
	}
	msg, err := s.deps.Chase.SendTestInvitation(c.UserContext(), adminActor(c), forms.ReturnID{Round: year, URN: urn}, adminOf(c))
	if err != nil && msg.Status != mail.StatusFailed {
		return err
	}
	done := "Test invitation sent to " + adminOf(c)
	switch {
	case err != nil:
		done = "The test invitation to " + adminOf(c) + " could not be delivered (see Email)"
	case !s.deps.Mail.Configured():
		done = "Test invitation to " + adminOf(c) + " is in Email (no mail server is set)"
	}
	return doneRedirect(c, invitationsURL(year)+"?urn="+strconv.Itoa(urn), done)
}
