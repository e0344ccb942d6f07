package handlers

import (
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
)

// Config is what the web front needs to know about the partnership and its deployment.
type Config struct {
	Partnership string   // the partnership's name, shown in the header
	LAs         []string // local authority codes the register keeps
	StoreKind   string   // "embedded" or "mongodb", for /healthz
	// TrustProxy lists the addresses and CIDR ranges of the reverse proxies in front of the
	// service: X-Forwarded-For, -Proto and -Host are believed from them and from nowhere
	// else (anyone can write those headers). Empty: no proxy, none believed.
	TrustProxy []string
	// CSRFKey signs CSRF tokens; every instance must share it (it lives in the store).
	CSRFKey []byte
	// PublicURL is where people reach the service, for links shown to admins.
	PublicURL string
	// MetricsToken, if set, is the bearer token /metrics asks for; unset, /metrics
	// answers only requests from the machine itself.
	MetricsToken string
	// RequireTwoFactor makes two-factor sign-in required of every team member
	// (REQUIRE_2FA): one without it is sent to set it up after their password.
	RequireTwoFactor bool
	// signInDelayBase is the first delay of a much-failed account (tests shorten it).
	signInDelayBase time.Duration
	// RequestTimeout is how long a request may run before its store calls are cancelled
	// (0: DefaultRequestTimeout; negative: already passed, for tests).
	RequestTimeout time.Duration
}

// Deps are the domain stores the handlers call.
type Deps struct {
	Store    pinger
	Register schoolsRegister
	Rounds   roundsStore
	Returns  schoolReturns
	// Links gives out, replaces and revokes schools' links.
	Links schoolLinks
	// Assurance submits and reopens returns, with their emails and audit entries.
	Assurance assurance
	Mail      outboxReader
	Chase     chaser
	// Contacts is the partnership's contact book, which outlives rounds.
	Contacts contactBook
	Accounts adminAccounts
	Audit    auditLog
	JOSO     JOSO
	// Storage keeps sessions and rate-limit counters (a store-backed fiber.Storage).
	Storage fiber.Storage
	Logger  *slog.Logger
}

// Server holds what the handlers share.
type Server struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	pages    *pages
	validate *validator.Validate
	// Two session stores over one storage: the cookie is Secure when the request came over
	// TLS (directly or through a trusted proxy), and cannot be on plain HTTP.
	sessions, secureSessions *session.Store
	proxies                  []netip.Prefix // Config.TrustProxy
}

// MaxUploadBytes bounds a GIAS upload (the national file is about 60 MB).
const MaxUploadBytes = 200 << 20

// maxFormBytes bounds every other request body.
const maxFormBytes = 256 << 10

// New builds the Fiber app with every route.
func New(cfg Config, deps Deps) (*fiber.App, error) {
	if len(cfg.CSRFKey) < 32 {
		return nil, errors.New("handlers: the CSRF key must be at least 32 bytes")
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, deps: deps, log: deps.Logger, pages: p, validate: newValidator(), proxies: trustedProxies(cfg.TrustProxy)}
	if err := checkAdminRoutes(s.adminRoutes()); err != nil {
		return nil, err
	}
	sessionCfg := session.Config{
		Storage:        deps.Storage,
		Expiration:     8 * time.Hour,
		KeyLookup:      "cookie:assure_session",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		CookiePath:     "/",
	}
	s.sessions = session.New(sessionCfg)
	sessionCfg.CookieSecure = true
	s.secureSessions = session.New(sessionCfg)

	fc := fiber.Config{
		AppName: "Assure",
		// Bodies are streamed and limited per route (limitBody); BodyLimit only says
		// how much fasthttp may read ahead, and no route allows more.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true, // else a multipart body is read whole before any handler
		BodyLimit:                    MaxUploadBytes + maxFormBytes,
		ErrorHandler:                 s.handleError,
		DisableStartupMessage:        true,
		ReadTimeout:                  2 * time.Minute,
		WriteTimeout:                 2 * time.Minute,
		IdleTimeout:                  2 * time.Minute,
	}
	// Fiber believes X-Forwarded-Host and -Proto from everyone unless the trusted-proxy
	// check is on; with it on and no proxy listed, from no one.
	fc.EnableTrustedProxyCheck = true
	fc.TrustedProxies = cfg.TrustProxy
	if len(cfg.TrustProxy) > 0 {
		fc.ProxyHeader = fiber.HeaderXForwardedFor
		fc.EnableIPValidation = true
	}
	app := fiber.New(fc)
	app.Server().HeaderReceived = refuseOnHeaders
	s.routes(app)
	return app, nil
}

// trustedProxies reads Config.TrustProxy (checked by the command's settings) as prefixes.
func trustedProxies(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range list {
		if pr, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pr.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out
}

// forwardedFor leaves in X-Forwarded-For only the client's address, for c.IP(). A proxy that
// appends to the header passes on whatever the client wrote before it, so the client is the
// nearest address that is not one of our proxies; beyond an unreadable one nothing is
// believed (c.IP() is then the proxy's own address). Only a trusted proxy's header is read.
func (s *Server) forwardedFor(c *fiber.Ctx) error {
	xff := c.Get(fiber.HeaderXForwardedFor)
	if len(s.proxies) == 0 || xff == "" || !c.IsProxyTrusted() {
		return c.Next()
	}
	hops := strings.Split(xff, ",")
	client := ""
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.Unmap().String()
		if !s.isProxy(a.Unmap()) {
			break
		}
	}
	c.Request().Header.Set(fiber.HeaderXForwardedFor, client)
	return c.Next()
}

func (s *Server) isProxy(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// isHTTPS says whether the request reached us over TLS, directly or through a trusted
// proxy (Protocol reads X-Forwarded-Proto only from one).
func (s *Server) isHTTPS(c *fiber.Ctx) bool {
	return c.Protocol() == "https"
}
