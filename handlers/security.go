package handlers

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/valyala/fasthttp"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/missions"
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

// Request bodies are streamed (fiber.Config StreamRequestBody): the handlers run once the
// headers are in, and a body is read only as a handler asks for it. Each route has its own
// limit, and the larger ones are for signed-in people only, so no anonymous request can make
// the service read, buffer or spool more than a form's worth.

// bodyLimitFor is a route's body limit, and the session role (if any) it needs above a
// form's worth. Paths are compared as the router does: any case, a trailing slash ignored.
func bodyLimitFor(path string) (limit int, role string) {
	p := strings.TrimSuffix(strings.ToLower(path), "/")
	switch {
	case p == "/admin/schools/import":
		return MaxUploadBytes + maxFormBytes, sessAdmin
	case p == "/admin/contacts" || strings.HasPrefix(p, "/admin/rounds/") && strings.HasSuffix(p, "/contacts"):
		return forms.MaxContactsFileSize + maxFormBytes, sessAdmin
	case strings.HasPrefix(p, "/joso/school/activities/") && strings.HasSuffix(p, "/evidence"):
		return missions.MaxEvidenceBytes + maxFormBytes, sessTeam // the file and the form around it
	}
	return maxFormBytes, ""
}

// sessionCookie carries the session ID.
const sessionCookie = "assure_session"

// bodyTooLarge marks a request whose declared length was over its limit when its headers
// arrived (see refuseOnHeaders); a client's own header of that name is removed first.
const bodyTooLarge = "X-Assure-Body-Too-Large"

// refuseOnHeaders runs as soon as a request's headers are in, before any of its body is
// read. Streaming would otherwise wait for the body's first 8 KiB before the handlers
// run. A declared length over the most the route could allow (without a session cookie, a
// form's worth) is marked, the request is given no body to read and the connection is
// closed after the answer, so the body is never read and cannot pass for another request.
func refuseOnHeaders(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	h.Del(bodyTooLarge)
	uri := h.RequestURI()
	if i := bytes.Index(uri, []byte("://")); i >= 0 { // absolute form: scheme://host/path
		uri = uri[i+3:]
		if j := bytes.IndexByte(uri, '/'); j >= 0 {
			uri = uri[j:]
		}
	}
	if i := bytes.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	limit, role := bodyLimitFor(string(uri))
	if role != "" && len(h.Cookie(sessionCookie)) == 0 {
		limit = maxFormBytes
	}
	if h.ContentLength() > limit {
		h.Set(bodyTooLarge, "1")
		h.SetContentLength(0)
		h.SetConnectionClose()
	}
	return fasthttp.RequestConfig{}
}

// limitBody refuses a body over the route's limit (or, without the session the limit is
// for, over a form's worth) before any handler reads it. A chunked body, whose length is
// not declared, is read up to the limit and refused beyond it.
func (s *Server) limitBody(c *fiber.Ctx) error {
	h := &c.Request().Header
	if len(h.Peek(bodyTooLarge)) > 0 {
		return fiber.ErrRequestEntityTooLarge
	}
	length := h.ContentLength() // -1: chunked
	limit, role := bodyLimitFor(c.Path())
	if role != "" && (length > maxFormBytes || length == -1) && !s.sessionHas(c, role) {
		limit = maxFormBytes
	}
	if length > limit {
		return fiber.ErrRequestEntityTooLarge
	}
	if length == -1 && c.Request().IsBodyStream() {
		body, err := io.ReadAll(io.LimitReader(c.Request().BodyStream(), int64(limit)+1))
		if len(body) > limit {
			return fiber.ErrRequestEntityTooLarge
		}
		if err != nil {
			return fiber.ErrBadRequest
		}
		c.Request().SetBody(body)
	}
	return c.Next()
}

// sessionHas says whether the request's session carries role (an admin, a link teacher).
func (s *Server) sessionHas(c *fiber.Ctx, role string) bool {
	if c.Cookies(sessionCookie) == "" {
		return false
	}
	sess, err := s.sessionStore(c).Get(c)
	return err == nil && sess.Get(role) != nil
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
