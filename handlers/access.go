package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/accounts"
)

// The least role each admin route needs is written beside it in adminRoutes, the one list
// of admin pages and actions: a route cannot be added without saying who may use it, and
// New refuses a list in which a viewer could change anything.
const (
	viewer        = accounts.Viewer
	officer       = accounts.Officer
	administrator = accounts.Administrator
)

// adminRoute is one admin page or action under /admin and the least role that may use it.
type adminRoute struct {
	method  string
	path    string // under /admin
	role    accounts.Role
	handler fiber.Handler
}

func get(role accounts.Role, path string, h fiber.Handler) adminRoute {
	return adminRoute{method: fiber.MethodGet, path: path, role: role, handler: h}
}

func post(role accounts.Role, path string, h fiber.Handler) adminRoute {
	return adminRoute{method: fiber.MethodPost, path: path, role: role, handler: h}
}

// checkAdminRoutes refuses a list whose state-changing route a viewer could use: viewers
// read, and nothing they send changes anything.
func checkAdminRoutes(list []adminRoute) error {
	for _, r := range list {
		if r.role != viewer && r.role != officer && r.role != administrator {
			return fmt.Errorf("handlers: admin route %s %s has no role", r.method, r.path)
		}
		if r.method != fiber.MethodGet && r.role == viewer {
			return fmt.Errorf("handlers: admin route %s %s would let a viewer change something", r.method, r.path)
		}
	}
	return nil
}

// requireRole lets through a signed-in team member whose role allows need; anyone else
// signed in gets the 403 page, and nobody signed in is sent to sign in. A member who must
// set up two-factor sign-in first (REQUIRE_2FA) is sent to do that.
func (s *Server) requireRole(need accounts.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if adminOf(c) == "" {
			return s.requireAdmin(c)
		}
		if s.mustSetUpTwoFactor(c) {
			return c.Redirect(twoFactorPath, fiber.StatusSeeOther)
		}
		if !roleOf(c).Allows(need) {
			return accounts.ErrForbidden
		}
		return c.Next()
	}
}

// mustSetUpTwoFactor says whether the partnership requires two-factor sign-in and the
// signed-in member has not set it up: then they can do nothing else first.
func (s *Server) mustSetUpTwoFactor(c *fiber.Ctx) bool {
	ad, ok := c.Locals(localAccount).(accounts.Admin)
	return ok && s.cfg.RequireTwoFactor && !ad.TwoFactor()
}

// roleOf is the signed-in member's role ("" for nobody).
func roleOf(c *fiber.Ctx) accounts.Role {
	ad, _ := c.Locals(localAccount).(accounts.Admin)
	return ad.Role
}
