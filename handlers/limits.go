package handlers

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/lscp/assure/internal/audit"
)

// rateLimit is one limit on requests, counted in the store so every instance shares it.
type rateLimit struct {
	name       string // keeps this limit's counters apart from others'
	max        int
	window     time.Duration
	key        func(c *fiber.Ctx) string
	failedOnly bool                           // a request answered below 400 does not count
	doneOnly   bool                           // a request answered 400 or above does not count
	entry      func(c *fiber.Ctx) audit.Entry // what a refusal records
	refuse     func(c *fiber.Ctx) error       // the answer to a refused request
}

// rateLimit makes the middleware for l. A client hammering a limit makes one audit entry
// per key and window, with a count, not a row per refused request.
func (s *Server) rateLimit(l rateLimit) fiber.Handler {
	key := func(c *fiber.Ctx) string { return l.name + ":" + l.key(c) }
	return limiter.New(limiter.Config{
		Max:                    l.max,
		Expiration:             l.window,
		KeyGenerator:           key,
		SkipSuccessfulRequests: l.failedOnly,
		SkipFailedRequests:     l.doneOnly,
		Storage:                s.deps.Storage,
		LimitReached: func(c *fiber.Ctx) error {
			e := l.entry(c)
			e.IP = c.IP()
			if err := s.deps.Audit.RecordCounted(c.UserContext(), key(c), l.window, e); err != nil {
				s.log.Error("audit entry not recorded", "action", e.Action, "err", err)
			}
			return l.refuse(c)
		},
	})
}

// signOffPerDay is how many times a day one return may be sent for confirmation: enough
// for a few rounds of changes, too few for a school's link to serve as a relay for emails
// to addresses its holder chooses. A sending back needs a sending before it (each link
// sends back once), so this bounds the sent-back emails too.
const signOffPerDay = 5

// signOffLimiter limits one kind of two-person sign-off email (what) per return, however
// many clients send it; a form with errors does not count.
// who names the request's return and the link holder, as the audit log names them.
func (s *Server) signOffLimiter(what string, who func(c *fiber.Ctx) (ret string, by audit.Actor)) fiber.Handler {
	ret := func(c *fiber.Ctx) string { id, _ := who(c); return id }
	return s.rateLimit(rateLimit{name: "signoff-" + what, max: signOffPerDay, window: 24 * time.Hour, doneOnly: true, key: ret,
		entry: func(c *fiber.Ctx) audit.Entry {
			id, by := who(c)
			return audit.Entry{Actor: by.Name, Action: "signoff-rate-limited", Target: id, Detail: what}
		},
		refuse: func(c *fiber.Ctx) error {
			return s.render(c, fiber.StatusTooManyRequests, "link-problem", LinkProblemPage{Page: s.basePage(c, "This return has been "+what+" too many times today"),
				TooMany: what})
		},
	})
}

// accountAndAddress keys a limit by the form's email and the client's address.
func accountAndAddress(c *fiber.Ctx) string {
	return normaliseForKey(c.FormValue("email")) + "\x00" + c.IP()
}

// Password guessing is slowed three ways, none of which lets a stranger lock an admin out:
// failures per address and per (account, address) pair are limited, and an account with
// many recent failures from anywhere answers each further failure more slowly.
const (
	signInWindow      = 15 * time.Minute
	signInFreeFails   = 5 // failures an account has before answers slow down
	signInDelayBase   = 250 * time.Millisecond
	signInDelayCap    = 5 * time.Second // a guessing run gains little; a typo costs little
	signInFailuresKey = "signin-failures:"
)

// failureDelay is how long the answer to an account's n-th recent failure waits: nothing
// for the first few, then doubling from base up to the cap.
func failureDelay(n int, base time.Duration) time.Duration {
	if n <= signInFreeFails {
		return 0
	}
	d := base
	for i := signInFreeFails + 1; i < n && d < signInDelayCap; i++ {
		d *= 2
	}
	return min(d, signInDelayCap)
}

// slowFailure counts a failed sign-in for account (in the store, for every instance) and
// waits as failureDelay says.
func (s *Server) slowFailure(ctx context.Context, account string) {
	key := signInFailuresKey + account
	n := 1
	if v, err := s.deps.Storage.Get(key); err == nil && v != nil {
		if prev, err := strconv.Atoi(string(v)); err == nil {
			n = prev + 1
		}
	}
	if err := s.deps.Storage.Set(key, []byte(strconv.Itoa(n)), signInWindow); err != nil {
		s.log.Error("sign-in failure not counted", "err", err)
	}
	base := s.cfg.signInDelayBase
	if base == 0 {
		base = signInDelayBase
	}
	select {
	case <-ctx.Done():
	case <-time.After(failureDelay(n, base)):
	}
}
