package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/metrics"
)

// healthz answers 200 once the store answers a ping, 503 otherwise.
func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.deps.Store.Ping(ctx); err != nil {
		metrics.StoreError()
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "store": s.cfg.StoreKind})
	}
	return c.JSON(fiber.Map{"status": "ok", "store": s.cfg.StoreKind})
}
