package handlers

import "github.com/gofiber/fiber/v2"

// pullEvidence removes a file from an activity, whatever its state: the partnership's
// safeguard against a file that should not be held.
func (s *Server) pullEvidence(c *fiber.Ctx) error {
	a, err := s.yearActivity(c)
	if err != nil {
		return err
	}
	if err := s.deps.JOSO.Evidence.Pull(c.UserContext(), adminActor(c), a.Team, a.ID, c.FormValue("file")); err != nil {
		return err
	}
	return backToActivity(c, a)
}
