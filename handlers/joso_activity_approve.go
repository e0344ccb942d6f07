package handlers

import "github.com/gofiber/fiber/v2"

// approveActivity approves a submitted activity, posting its XP.
func (s *Server) approveActivity(c *fiber.Ctx) error {
	a, err := s.yearActivity(c)
	if err != nil {
		return err
	}
	if _, _, err := s.deps.JOSO.Ledger.Approve(c.UserContext(), adminActor(c), a.ID); err != nil {
		return err
	}
	return backToActivity(c, a)
}
