package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// saveContactEmail sets the email a school's codes, reminders and notices go to.
func (s *Server) saveContactEmail(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	if err := s.deps.Returns.SetContactEmail(c.UserContext(), adminActor(c), r, c.FormValue("email")); err != nil {
		if errors.Is(err, forms.ErrReturnNotFound) {
			return err
		}
		return s.renderAdminReturn(c, "", []FieldError{{Field: "contact-email", Message: capitalise(err.Error())}})
	}
	return doneRedirect(c, returnPage(r), "Contact email saved")
}
