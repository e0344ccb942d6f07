package handlers

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

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

// counts are rate-limit counters shared by every instance (kv.Storage has them).
type counts interface {
	Count(ctx context.Context, key string, window time.Duration) (int, error)
	Add(ctx context.Context, key string, window time.Duration, n int) error
}

// rateLimit makes the middleware for l. A client hammering a limit makes one audit entry
// per key and window, with a count, not a row per refused request.
//
// Not Fiber's limiter middleware: it holds one mutex, for every key at once, around a read
// and a write of its storage before the handler, and again after it to take back a
// request that should not count; every request, good or bad, made two store writes under
// that mutex. 200 governors opening their links in the same second queued on it for up to
// a minute (issue 15). Here a limit on failures (failedOnly) only reads its count on the
// way in, takes no lock, and writes once, after a failure; a good link costs nothing.
// The price: requests admitted before a limit is reached still run, so a client can
// overshoot a limit on failures by as many requests as it has in flight at once. The
// other limits (every request, or successes only) reserve their count on the way in, one
// atomic write, and are exact.
func (s *Server) rateLimit(l rateLimit) fiber.Handler {
	store := s.counts()
	return func(c *fiber.Ctx) error {
		ctx := context.WithoutCancel(c.UserContext())
		key := l.name + ":" + l.key(c)
		reserve := !l.failedOnly
		if reserve {
			if err := store.Add(ctx, key, l.window, 1); err != nil {
				return err
			}
		}
		n, err := store.Count(ctx, key, l.window)
		if err != nil {
			return err
		}
		if (reserve && n > l.max) || (!reserve && n >= l.max) {
			if reserve {
				_ = store.Add(ctx, key, l.window, -1) // a refusal does not count
			}
			return s.refuseLimited(c, l, key)
		}
		err = c.Next()
		failed := err != nil || c.Response().StatusCode() >= fiber.StatusBadRequest
		var cerr error
		switch {
		case l.failedOnly && failed:
			cerr = store.Add(ctx, key, l.window, 1)
		case l.doneOnly && failed:
			cerr = store.Add(ctx, key, l.window, -1)
		}
		if cerr != nil {
			s.log.Error("rate limit not counted", "limit", l.name, "err", cerr)
		}
		return err
	}
}

// refuseLimited answers a request over l's limit, auditing it once per key and window.
func (s *Server) refuseLimited(c *fiber.Ctx, l rateLimit, key string) error {
	e := l.entry(c)
	e.IP = c.IP()
	if err := s.deps.Audit.RecordCounted(c.UserContext(), key, l.window, e); err != nil {
		s.log.Error("audit entry not recorded", "action", e.Action, "err", err)
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(l.window.Seconds())))
	return l.refuse(c)
}

// counts are a limit's counters: the store's (Deps.Storage) when it keeps them, else the
// limit's own in this process (a Storage of Fiber's kind, in memory, keeps no counts).
func (s *Server) counts() counts {
	if c, ok := s.deps.Storage.(counts); ok {
		return c
	}
	return &localCounts{n: map[string]int{}}
}

// localCounts count in this process only, one fixed window at a time.
type localCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (lc *localCounts) slot(key string, window time.Duration) string {
	return key + "\x00" + time.Now().Truncate(window).String()
}

func (lc *localCounts) Count(_ context.Context, key string, window time.Duration) (int, error) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.n[lc.slot(key, window)], nil
}

func (lc *localCounts) Add(_ context.Context, key string, window time.Duration, n int) error {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.n[lc.slot(key, window)] += n
	return nil
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
