package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/urls"
)

// replaceLink gives a school a new link (forms audits it); the old one stops working at
// once, and the page shows the new one once.
func (s *Server) replaceLink(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	tok, err := s.deps.Links.IssueLink(c.UserContext(), adminActor(c), r)
	if err != nil {
		return err
	}
	return s.renderAdminReturn(c, urls.Return(s.cfg.PublicURL, tok), nil)
}
