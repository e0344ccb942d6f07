package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// extendSchool gives the school its own deadline with a reason, or (with no date) takes
// its extension away.
func (s *Server) extendSchool(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	until := strings.TrimSpace(c.FormValue("until"))
	_, err = s.deps.Rounds.SetExtension(c.UserContext(), adminActor(c), r, until, c.FormValue("reason"))
	var field string
	switch {
	case errors.Is(err, forms.ErrDeadlineDate), errors.Is(err, forms.ErrExtensionEarly), errors.Is(err, forms.ErrExtensionLong):
		field = "until"
	case errors.Is(err, forms.ErrExtensionReason):
		field = "extension-reason"
	case err != nil:
		return err
	}
	if field != "" {
		return s.renderAdminReturn(c, "", []FieldError{{Field: field, Message: capitalise(err.Error())}})
	}
	if until == "" {
		return doneRedirect(c, returnPage(r), "Extension removed")
	}
	return doneRedirect(c, returnPage(r), "Extension given")
}
