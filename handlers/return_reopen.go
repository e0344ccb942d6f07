package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// reopenReturn reopens a submitted return with the admin's reason; forms audits it and
// emails the school. A return no longer submitted (a second click) is left as it is.
func (s *Server) reopenReturn(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if reason == "" {
		return s.renderAdminReturn(c, "", []FieldError{{Field: "reopen-reason", Message: "Enter the reason for reopening the return"}})
	}
	_, err = s.deps.Assurance.Reopen(c.UserContext(), adminActor(c), r, reason)
	if err != nil && !errors.Is(err, forms.ErrRoundState) {
		return err
	}
	return doneRedirect(c, returnPage(r), "Return reopened: the school and the last signatory have been emailed")
}
