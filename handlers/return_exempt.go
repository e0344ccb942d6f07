package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// exemptSchool marks a school exempt from the round, with the reason.
func (s *Server) exemptSchool(c *fiber.Ctx) error {
	r, err := schoolReturnOf(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if reason == "" {
		return s.renderAdminReturn(c, "", []FieldError{{Field: "exempt-reason", Message: "Enter the reason the school is exempt"}})
	}
	if err := s.deps.Rounds.SetExempt(c.UserContext(), adminActor(c), r.year, r.urn, true, reason); err != nil {
		return err
	}
	return doneRedirect(c, r.page(), "School marked exempt")
}

// includeSchool expects a return from an exempt school again.
func (s *Server) includeSchool(c *fiber.Ctx) error {
	r, err := schoolReturnOf(c)
	if err != nil {
		return err
	}
	if err := s.deps.Rounds.SetExempt(c.UserContext(), adminActor(c), r.year, r.urn, false, ""); err != nil {
		return err
	}
	return doneRedirect(c, r.page(), "School expected again")
}
