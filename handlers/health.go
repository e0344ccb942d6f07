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
		s.log.Error("health check failed", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "store": s.cfg.StoreKind})
	}
	return c.JSON(fiber.Map{"status": "ok", "store": s.cfg.StoreKind})
}

// storeAvailable answers 503 to every request while the embedded store's files have gone
// (DATA_DIR deleted): its reads would come from a deleted file, and nothing saved would
// survive a restart.
func (s *Server) storeAvailable(c *fiber.Ctx) error {
	if err := s.deps.Store.Available(); err != nil {
		return err
	}
	return c.Next()
}
