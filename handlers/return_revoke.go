package handlers

import "github.com/gofiber/fiber/v2"

// revokeLink stops a school's link working without giving another.
func (s *Server) revokeLink(c *fiber.Ctx) error {
	r, err := schoolReturnOf(c)
	if err != nil {
		return err
	}
	if err := s.deps.Links.RevokeLink(c.UserContext(), adminActor(c), r.year, r.urn); err != nil {
		return err
	}
	return doneRedirect(c, r.page(), "Link revoked")
}
