package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// logContact records a contact an admin had with a school in its chase log.
func (s *Server) logContact(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	_, err = s.deps.Chase.RecordContact(c.UserContext(), adminActor(c), r, c.FormValue("kind"), c.FormValue("note"), time.Now())
	switch {
	case errors.Is(err, forms.ErrContactKind):
		return s.renderAdminReturn(c, "", []FieldError{{Field: "kind", Message: "Select the kind of contact"}})
	case errors.Is(err, forms.ErrNoteMissing), errors.Is(err, forms.ErrNoteTooLong):
		return s.renderAdminReturn(c, "", []FieldError{{Field: "note", Message: capitalise(err.Error())}})
	case err != nil:
		return err
	}
	return doneRedirect(c, returnPage(r), "Contact recorded")
}
