package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/audit"
)

// AuditPage lists the newest audit entries.
type AuditPage struct {
	Page
	Entries []audit.Entry
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	entries, err := s.deps.Audit.Recent(c.UserContext(), 200)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "audit", AuditPage{Page: s.basePage(c, "Audit log"), Entries: entries})
}
