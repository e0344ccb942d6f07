package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/audit"
)

// returnActivity sends a submitted activity back to its link teacher with a note.
func (s *Server) returnActivity(c *fiber.Ctx) error {
	return s.withReason(c, "Say what the link teacher should change", func(ctx context.Context, by audit.Actor, id, reason string) error {
		_, err := s.deps.JOSO.Activities.Return(ctx, by, id, reason)
		return err
	})
}
