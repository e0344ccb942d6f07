package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
)

const (
	sessAdmin = "admin"
	// sessGeneration is the account's session generation when the session started: the
	// session counts only while the account's is the same (accounts.Accounts.Session).
	sessGeneration = "generation"
	// sessPending is a team member whose password was right and whose two-factor code is
	// still to come: not signed in yet.
	sessPending = "pending"
	sessSeen    = "seen"
	// sessFlash is a one-time confirmation (a success banner) set before a redirect and
	// shown, then forgotten, by the next page that shows confirmations.
	sessFlash = "flash"
	// localSessions is where loadSession leaves this request's session store.
	localSessions = "sessions"
	// localAdmin is where loadSession leaves the signed-in admin's email for handlers.
	localAdmin = "admin"
	// localAccount is where loadSession leaves the signed-in member's account (their role,
	// whether they have two-factor sign-in).
	localAccount = "account"
	// sessionRefresh is how stale a session's last write may get before a request renews
	// it: often enough to keep an active admin signed in, rarely enough that browsing does
	// not write to the store on every page.
	sessionRefresh = 10 * time.Minute
)

func (s *Server) sessionStore(c *fiber.Ctx) *session.Store {
	if s.isHTTPS(c) {
		return s.secureSessions
	}
	return s.sessions
}

// loadSession reads the session cookie, if any, and makes the admin known to handlers.
func (s *Server) loadSession(c *fiber.Ctx) error {
	c.Locals(localSessions, s.sessionStore(c))
	if c.Cookies("assure_session") == "" {
		return c.Next()
	}
	sess, err := s.sessionStore(c).Get(c)
	if err != nil {
		return err
	}
	if email, ok := sess.Get(sessAdmin).(string); ok && email != "" {
		// Every request asks the account, so a deactivation or a password reset ends
		// the member's sessions at once, on every instance.
		generation, _ := sess.Get(sessGeneration).(int64)
		ad, err := s.deps.Accounts.Session(c.UserContext(), email, int(generation))
		if errors.Is(err, accounts.ErrSessionEnded) {
			if err := sess.Destroy(); err != nil {
				return err
			}
			return c.Next()
		}
		if err != nil {
			return err
		}
		c.Locals(localAdmin, email)
		c.Locals(localAccount, ad)
		if seen, _ := sess.Get(sessSeen).(int64); time.Since(time.Unix(seen, 0)) > sessionRefresh {
			sess.Set(sessSeen, time.Now().Unix())
			if err := sess.Save(); err != nil {
				return err
			}
		}
	}
	return c.Next()
}

// adminOf returns the signed-in admin's email, or "".
func adminOf(c *fiber.Ctx) string {
	email, _ := c.Locals(localAdmin).(string)
	return email
}

// adminActor is the signed-in admin as the domain's audit entries name them.
func adminActor(c *fiber.Ctx) audit.Actor { return audit.Actor{Name: adminOf(c), IP: c.IP()} }

// requireAdmin sends anyone not signed in to the sign-in page (and answers 401 to scripts).
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if adminOf(c) != "" {
		return c.Next()
	}
	if strings.Contains(c.Get(fiber.HeaderAccept), "application/json") {
		return fiber.ErrUnauthorized
	}
	return c.Redirect("/sign-in?next="+urlQueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

// roleKeys are everything a session can carry for the three kinds of user.
var roleKeys = []string{sessAdmin, sessGeneration, sessPending, sessSeen, sessFlash, sessReturn, sessLink, sessVerified, sessTeam, sessTeacher, sessConfirm}

// freshSession starts a session for one kind of user on a new session ID, so an ID planted
// before (session fixation) is worthless, holding only values: whoever was signed in on
// this browser before (an admin, a governor's link, a link teacher) is not any more.
func (s *Server) freshSession(c *fiber.Ctx, values map[string]any) error {
	sess, err := s.sessionStore(c).Get(c)
	if err != nil {
		return err
	}
	// A fresh session's ID was made by this request (the cookie named none, or none the
	// store knows), so nobody could have planted it: only an existing one is replaced.
	// Regenerating deletes the old ID from the store, a write a link opening need not make.
	if !sess.Fresh() {
		if err := sess.Regenerate(); err != nil {
			return err
		}
	}
	for _, k := range roleKeys {
		sess.Delete(k)
	}
	for k, v := range values {
		sess.Set(k, v)
	}
	return sess.Save()
}

// startSession signs a team member in.
func (s *Server) startSession(c *fiber.Ctx, ad accounts.Admin) error {
	return s.freshSession(c, map[string]any{sessAdmin: ad.ID, sessGeneration: int64(ad.Sessions), sessSeen: time.Now().Unix()})
}

// startPending remembers, on a fresh session, a member whose password was right and whose
// two-factor code is still to come.
func (s *Server) startPending(c *fiber.Ctx, ad accounts.Admin) error {
	return s.freshSession(c, map[string]any{sessPending: ad.ID, sessGeneration: int64(ad.Sessions)})
}

// pendingOf is the member waiting to give a two-factor code, or "".
func pendingOf(c *fiber.Ctx) string {
	id, _ := pending(c)
	return id
}

// pending is the member waiting to give a two-factor code and their session generation
// when the password was right: a reset or deactivation since ends the wait too.
func pending(c *fiber.Ctx) (id string, generation int) {
	store, ok := c.Locals(localSessions).(*session.Store)
	if !ok || c.Cookies("assure_session") == "" {
		return "", 0
	}
	sess, err := store.Get(c)
	if err != nil {
		return "", 0
	}
	id, _ = sess.Get(sessPending).(string)
	gen, _ := sess.Get(sessGeneration).(int64)
	return id, int(gen)
}

func (s *Server) endSession(c *fiber.Ctx) error {
	sess, err := s.sessionStore(c).Get(c)
	if err != nil {
		return err
	}
	return sess.Destroy()
}

// setFlash keeps a confirmation for the next page, in the session on the server: the
// address carries nothing, so no one can make a page say something by crafting a link,
// and a reload does not show it again.
func setFlash(c *fiber.Ctx, msg string) error {
	store, ok := c.Locals(localSessions).(*session.Store)
	if !ok {
		return nil
	}
	sess, err := store.Get(c)
	if err != nil {
		return err
	}
	sess.Set(sessFlash, msg)
	return sess.Save()
}

// doneRedirect confirms an action on the page it redirects to.
func doneRedirect(c *fiber.Ctx, to, msg string) error {
	if err := setFlash(c, msg); err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// flashFrom takes the confirmation waiting for this page, if any: it is shown once.
func flashFrom(c *fiber.Ctx) string {
	store, ok := c.Locals(localSessions).(*session.Store)
	if !ok || c.Cookies("assure_session") == "" {
		return ""
	}
	sess, err := store.Get(c)
	if err != nil {
		return ""
	}
	msg, _ := sess.Get(sessFlash).(string)
	if msg == "" {
		return ""
	}
	sess.Delete(sessFlash)
	if err := sess.Save(); err != nil {
		return "" // not forgotten, so not shown: it will be next time
	}
	return msg
}
