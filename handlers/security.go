package handlers

import (
	"github.com/lscp/assure/missions"

	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere: scripts, styles,
// images and fonts come from /assets only.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) securityHeaders() fiber.Handler {
	h := helmet.New(helmet.Config{
		ContentSecurityPolicy:     contentSecurityPolicy,
		XFrameOptions:             "DENY",
		ReferrerPolicy:            "same-origin",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=(), interest-cohort=()",
		CrossOriginEmbedderPolicy: "require-corp",
		CrossOriginOpenerPolicy:   "same-origin",
		CrossOriginResourcePolicy: "same-origin",
		HSTSMaxAge:                31536000,
	})
	return func(c *fiber.Ctx) error {
		if !strings.HasPrefix(c.Path(), "/assets/") {
			// Pages can carry personal data: never keep them in a shared cache.
			c.Set(fiber.HeaderCacheControl, "no-store")
		}
		return h(c)
	}
}

// limitBody refuses a large body on every route but the GIAS upload, before any handler
// parses it.
func (s *Server) limitBody(c *fiber.Ctx) error {
	limit := maxFormBytes
	switch path := c.Path(); {
	case path == "/admin/schools/import" || strings.HasSuffix(path, "/contacts") && strings.HasPrefix(path, "/admin/rounds/"):
		limit = MaxUploadBytes
	case strings.HasPrefix(path, "/joso/school/activities/") && strings.HasSuffix(path, "/evidence"):
		limit = missions.MaxEvidenceBytes + maxFormBytes // the file and the form around it
	}
	if len(c.Request().Body()) > limit || c.Request().Header.ContentLength() > limit {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}

// CSRF protection is a signed double-submit token: a random HttpOnly cookie, and a form
// field holding its HMAC under a key the instances share. Checking needs no storage, so a
// page view costs no write (Fiber's csrf middleware writes to its storage on every GET,
// which against the embedded store would put a serialised write on each page). A request
// whose Origin names another site is refused too.
const (
	csrfCookie = "assure_csrf"
	csrfField  = "_csrf"
)

func (s *Server) csrf(c *fiber.Ctx) error {
	seed := c.Cookies(csrfCookie)
	if !validSeed(seed) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: seed, Path: "/", HTTPOnly: true, SameSite: "Lax",
			Secure: s.isHTTPS(c), SessionOnly: true})
		c.Request().Header.SetCookie(csrfCookie, seed)
	}
	token := s.csrfToken(seed)
	c.Locals(csrfField, token)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != "null" {
		u, err := url.Parse(origin)
		if err != nil || !strings.EqualFold(u.Host, c.Hostname()) {
			return errCSRF
		}
	}
	sent := c.FormValue(csrfField)
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	if !hmac.Equal([]byte(sent), []byte(token)) {
		return errCSRF
	}
	return c.Next()
}

func (s *Server) csrfToken(seed string) string {
	m := hmac.New(sha256.New, s.cfg.CSRFKey)
	m.Write([]byte("csrf\x00" + seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func validSeed(seed string) bool {
	b, err := base64.RawURLEncoding.DecodeString(seed)
	return err == nil && len(b) == 32
}
