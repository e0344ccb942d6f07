package handlers

import (
	"crypto/subtle"
	"net"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/lscp/assure/internal/metrics"
)

// measure times every request and counts it by route pattern and final status. Errors
// are turned into their pages here (by the one error handler), so the status counted is
// the one sent.
func (s *Server) measure(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			return herr
		}
	}
	// The matched pattern: for a path no route knows, the catch-all's "/", so a scan of
	// made-up paths adds no series. Both strings are copied: Fiber's point into request
	// buffers that fasthttp reuses, and the metric keeps its labels.
	metrics.Request(strings.Clone(c.Method()), strings.Clone(c.Route().Path), c.Response().StatusCode(), time.Since(start))
	return nil
}

// metricsEndpoint serves /metrics to Prometheus: with METRICS_TOKEN set, to a request
// bearing it; without, only to the machine itself (a scraper on localhost, or through
// an SSH tunnel). Counts of requests and emails are not for the public.
func (s *Server) metricsEndpoint() fiber.Handler {
	serve := adaptor.HTTPHandler(metrics.Handler())
	return func(c *fiber.Ctx) error {
		if !s.metricsAllowed(c) {
			return fiber.ErrNotFound
		}
		return serve(c)
	}
}

func (s *Server) metricsAllowed(c *fiber.Ctx) bool {
	if s.cfg.MetricsToken != "" {
		want := "Bearer " + s.cfg.MetricsToken
		return subtle.ConstantTimeCompare([]byte(c.Get(fiber.HeaderAuthorization)), []byte(want)) == 1
	}
	ip := net.ParseIP(c.IP())
	return ip != nil && ip.IsLoopback() && c.Get(fiber.HeaderXForwardedFor) == ""
}
