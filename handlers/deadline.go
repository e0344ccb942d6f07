package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// DefaultRequestTimeout bounds a request's work. Fiber cannot tell a handler that its
// client has gone, so a deadline is what stops an abandoned request: its store calls,
// which take c.UserContext(), are cancelled when it passes.
const DefaultRequestTimeout = 30 * time.Second

// deadline gives each request a context that ends at its deadline.
func (s *Server) deadline(c *fiber.Ctx) error {
	timeout := s.cfg.RequestTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), timeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}
