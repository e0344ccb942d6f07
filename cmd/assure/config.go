package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lscp/assure/internal/mail"
)

// config is every setting, from the environment and then flags (flags win).
type config struct {
	Addr         string
	DataDir      string
	MongoURI     string
	MongoDB      string
	Partnership  string
	LAs          []string
	Demo         string   // auto, true, false
	TrustProxy   []string // addresses and CIDR ranges of the reverse proxies in front
	LogFormat    string   // text, json
	PublicURL    string   // where governors' links point
	MetricsToken string   // bearer token for /metrics
	SMTP         mail.SMTP
	// ReminderEvery is how often the reminder schedule and the rounds' invitation days are
	// checked; 0 turns them off here
	// (another instance, or `assure reminders run` from cron, may send them).
	ReminderEvery time.Duration
	// RequestTimeout bounds each request's work.
	RequestTimeout time.Duration
	// RequireTwoFactor makes every team member set up two-factor sign-in before anything else.
	RequireTwoFactor bool
}

// setting describes one setting for `assure help` and for parsing.
type setting struct {
	env, flag, def, help string
}

var settings = []setting{
	{"ADDR", "addr", "localhost:8080", "address to serve HTTP on"},
	{"DATA_DIR", "data-dir", "./data", "where the embedded store keeps its files (created if missing)"},
	{"MONGODB_URI", "mongodb-uri", "", "MongoDB connection string; unset: use the embedded store"},
	{"MONGODB_DB", "mongodb-db", "assure", "database name"},
	{"PARTNERSHIP_NAME", "partnership-name", "Lincolnshire Safeguarding Children Partnership", "the partnership's name, shown on every page"},
	{"PARTNERSHIP_LA", "partnership-la", "", "local authority codes the register keeps, comma-separated (e.g. 925); unset: every LA in the file"},
	{"DEMO", "demo", "auto", "load demo data into an empty store: auto (embedded store only), true or false"},
	{"TRUST_PROXY", "trust-proxy", "", "addresses or CIDR ranges of the reverse proxies in front, comma-separated (e.g. 10.0.0.5,10.1.0.0/16): X-Forwarded-For/-Proto/-Host are believed from them only; unset: from no one"},
	{"LOG_FORMAT", "log-format", "text", "log format: text or json"},
	{"SMTP_HOST", "smtp-host", "", "SMTP server for email; unset: email stays in the outbox for admins to read"},
	{"SMTP_PORT", "smtp-port", "587", "SMTP port"},
	{"SMTP_USERNAME", "smtp-username", "", "SMTP user name, if the server needs one"},
	{"SMTP_PASSWORD", "smtp-password", "", "SMTP password (prefer the environment variable to the flag)"},
	{"SMTP_FROM", "smtp-from", "", "the From address of the service's email"},
	{"SMTP_TLS", "smtp-tls", "starttls", "starttls, tls (implicit, port 465) or none (a relay on localhost)"},
	{"REMINDER_INTERVAL", "reminder-interval", "10m", "how often the service checks rounds' reminder schedules and invitation days and sends what is due (0: never)"},
	{"METRICS_TOKEN", "metrics-token", "", "bearer token Prometheus sends to /metrics; unset: /metrics answers only requests from this machine"},
	{"REQUEST_TIMEOUT", "request-timeout", "30s", "how long a request may run before its store calls are cancelled (at least 1s)"},
	{"REQUIRE_2FA", "require-2fa", "false", "true: every team member must sign in with a code from an authenticator app (one without it sets it up after their password, before anything else)"},
	{"PUBLIC_URL", "public-url", "", "the address people reach the service at, for links in emails and mail merges (default: http://ADDR)"},
}

// defineSettings defines a flag for every setting on fs, defaulting to the environment.
func defineSettings(fs *flag.FlagSet, getenv func(string) string) {
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.String(s.flag, def, s.help+" ("+s.env+")")
	}
}

// loadConfig parses args on fs (after defineSettings) and checks the result.
func loadConfig(fs *flag.FlagSet, args []string) (config, error) {
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	vals := map[string]*string{}
	for _, s := range settings {
		v := fs.Lookup(s.flag).Value.String()
		vals[s.env] = &v
	}
	c := config{
		Addr:        strings.TrimSpace(*vals["ADDR"]),
		DataDir:     strings.TrimSpace(*vals["DATA_DIR"]),
		MongoURI:    strings.TrimSpace(*vals["MONGODB_URI"]),
		MongoDB:     strings.TrimSpace(*vals["MONGODB_DB"]),
		Partnership: strings.TrimSpace(*vals["PARTNERSHIP_NAME"]),
		Demo:        strings.ToLower(strings.TrimSpace(*vals["DEMO"])),
		LogFormat:   strings.ToLower(strings.TrimSpace(*vals["LOG_FORMAT"])),
	}
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("ADDR %q must be host:port, like localhost:8080", c.Addr))
	}
	if c.MongoURI == "" && c.DataDir == "" {
		errs = append(errs, errors.New("DATA_DIR must be set when MONGODB_URI is not"))
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		errs = append(errs, errors.New("MONGODB_URI must start with mongodb:// or mongodb+srv://"))
	}
	if c.MongoDB == "" || strings.ContainsAny(c.MongoDB, "/\\. \"$") {
		errs = append(errs, fmt.Errorf("MONGODB_DB %q is not a valid database name", c.MongoDB))
	}
	if c.Partnership == "" {
		errs = append(errs, errors.New("PARTNERSHIP_NAME must not be empty"))
	}
	var err error
	if c.LAs, err = parseLAs(*vals["PARTNERSHIP_LA"]); err != nil {
		errs = append(errs, err)
	}
	switch c.Demo {
	case "auto", "true", "false":
	default:
		errs = append(errs, fmt.Errorf("DEMO %q must be auto, true or false", c.Demo))
	}
	if c.TrustProxy, err = parseProxies(*vals["TRUST_PROXY"]); err != nil {
		errs = append(errs, err)
	}
	c.MetricsToken = strings.TrimSpace(*vals["METRICS_TOKEN"])
	c.PublicURL = strings.TrimRight(strings.TrimSpace(*vals["PUBLIC_URL"]), "/")
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("PUBLIC_URL %q must be an http or https address", c.PublicURL))
	}
	c.SMTP = mail.SMTP{Host: strings.TrimSpace(*vals["SMTP_HOST"]), Username: *vals["SMTP_USERNAME"], Password: *vals["SMTP_PASSWORD"],
		From: strings.TrimSpace(*vals["SMTP_FROM"]), TLS: strings.TrimSpace(*vals["SMTP_TLS"])}
	if c.SMTP.Port, err = strconv.Atoi(*vals["SMTP_PORT"]); err != nil || c.SMTP.Port <= 0 || c.SMTP.Port > 65535 {
		errs = append(errs, fmt.Errorf("SMTP_PORT %q must be a port number", *vals["SMTP_PORT"]))
	}
	if c.SMTP.TLS != "starttls" && c.SMTP.TLS != "tls" && c.SMTP.TLS != "none" {
		errs = append(errs, fmt.Errorf("SMTP_TLS %q must be starttls, tls or none", c.SMTP.TLS))
	}
	if c.SMTP.Host != "" && c.SMTP.From == "" {
		errs = append(errs, errors.New("SMTP_FROM must be set when SMTP_HOST is"))
	}
	if c.ReminderEvery, err = time.ParseDuration(*vals["REMINDER_INTERVAL"]); err != nil || c.ReminderEvery < 0 || (c.ReminderEvery > 0 && c.ReminderEvery < time.Second) {
		errs = append(errs, fmt.Errorf("REMINDER_INTERVAL %q must be a duration of a second or more, like 10m, or 0", *vals["REMINDER_INTERVAL"]))
	}
	if c.RequestTimeout, err = time.ParseDuration(*vals["REQUEST_TIMEOUT"]); err != nil || c.RequestTimeout < time.Second {
		errs = append(errs, fmt.Errorf("REQUEST_TIMEOUT %q must be a duration of a second or more, like 30s", *vals["REQUEST_TIMEOUT"]))
	}
	if c.RequireTwoFactor, err = strconv.ParseBool(strings.TrimSpace(*vals["REQUIRE_2FA"])); err != nil {
		errs = append(errs, fmt.Errorf("REQUIRE_2FA %q must be true or false", *vals["REQUIRE_2FA"]))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT %q must be text or json", c.LogFormat))
	}
	return c, errors.Join(errs...)
}

// parseLAs reads a list of local authority codes: three digits each, as GIAS gives them.
// parseProxies reads TRUST_PROXY: addresses and CIDR ranges, comma-separated. "true" is
// refused rather than read as "every private address", which would let anyone on the
// network forge a client's address and scheme.
func parseProxies(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" || strings.EqualFold(p, "false") {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, fmt.Errorf("TRUST_PROXY %q must list the proxies' addresses or CIDR ranges, like 10.0.0.5,10.1.0.0/16", s)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func parseLAs(s string) ([]string, error) {
	var out []string
	for _, la := range strings.Split(s, ",") {
		la = strings.TrimSpace(la)
		if la == "" {
			continue
		}
		if n, err := strconv.Atoi(la); err != nil || n < 100 || n > 999 {
			return nil, fmt.Errorf("local authority code %q must be three digits, like 925", la)
		}
		out = append(out, la)
	}
	return out, nil
}
