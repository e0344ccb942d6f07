package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// exemptSchool marks a school exempt from the round, with the reason.
func (s *Server) exemptSchool(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	err = s.deps.Returns.SetExempt(c.UserContext(), adminActor(c), r, true, strings.TrimSpace(c.FormValue("reason")))
	if errors.Is(err, forms.ErrExemptReason) {
		return s.renderAdminReturn(c, "", []FieldError{{Field: "exempt-reason", Message: capitalise(err.Error())}})
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, returnPage(r), "School marked exempt")
}

// includeSchool expects a return from an exempt school again.
func (s *Server) includeSchool(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	if err := s.deps.Returns.SetExempt(c.UserContext(), adminActor(c), r, false, ""); err != nil {
		return err
	}
	return doneRedirect(c, returnPage(r), "School expected again")
}
