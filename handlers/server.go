package handlers

import (
	"errors"
	"log/slog"
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
	// TrustProxy makes the service believe X-Forwarded-For and X-Forwarded-Proto from a
	// reverse proxy in front of it (set only when one is).
	TrustProxy bool
	// CSRFKey signs CSRF tokens; every instance must share it (it lives in the store).
	CSRFKey []byte
	// PublicURL is where people reach the service, for links shown to admins.
	PublicURL string
	// MetricsToken, if set, is the bearer token /metrics asks for; unset, /metrics
	// answers only requests from the machine itself.
	MetricsToken string
	// RequestTimeout is how long a request may run before its store calls are cancelled
	// (0: DefaultRequestTimeout; negative: already passed, for tests).
	RequestTimeout time.Duration
}

// Deps are the domain stores the handlers call.
type Deps struct {
	Store    pinger
	Register schoolsRegister
	Rounds   roundsStore
	Mail     mailer
	Chase    chaser
	Accounts adminAccounts
	Audit    auditLog
	JOSO     josoProgramme
	JOSOMail josoMailer
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
	s := &Server{cfg: cfg, deps: deps, log: deps.Logger, pages: p, validate: newValidator()}
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
		AppName:               "Assure",
		BodyLimit:             MaxUploadBytes + 1<<20,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           2 * time.Minute,
		WriteTimeout:          2 * time.Minute,
		IdleTimeout:           2 * time.Minute,
	}
	if cfg.TrustProxy {
		fc.ProxyHeader = fiber.HeaderXForwardedFor
		fc.EnableTrustedProxyCheck = true
		fc.TrustedProxies = []string{"127.0.0.1", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}
	}
	app := fiber.New(fc)
	s.routes(app)
	return app, nil
}

// isHTTPS says whether the request reached us over TLS.
func (s *Server) isHTTPS(c *fiber.Ctx) bool {
	if c.Protocol() == "https" {
		return true
	}
	return s.cfg.TrustProxy && strings.EqualFold(c.Get(fiber.HeaderXForwardedProto), "https")
}
