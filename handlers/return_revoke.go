package handlers

import "github.com/gofiber/fiber/v2"

// revokeLink stops a school's link working without giving another.
func (s *Server) revokeLink(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	if err := s.deps.Links.RevokeLink(c.UserContext(), adminActor(c), r); err != nil {
		return err
	}
	return doneRedirect(c, returnPage(r), "Link revoked")
}
