package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
)

// SetPasswordPage is where an invited colleague, or someone who forgot theirs, sets a
// password from an emailed link.
type SetPasswordPage struct {
	Page
	Heading       string
	Email         string
	Action        string
	Button        string
	PasswordError *FieldError
	MinLength     int
}

// passwordLink is what differs between an invitation and a reset.
type passwordLink struct {
	heading, button, done string
	read                  func(ctx context.Context, tok string, now time.Time) (accounts.Admin, error)
	use                   func(ctx context.Context, from audit.Actor, tok, password string, now time.Time) (accounts.Admin, error)
}

func (s *Server) invitation() passwordLink {
	return passwordLink{heading: "Join the partnership's team", button: "Set your password",
		done: "Your password is set. Sign in with your email address and password.",
		read: s.deps.Accounts.Invitation, use: s.deps.Accounts.Accept}
}

func (s *Server) reset() passwordLink {
	return passwordLink{heading: "Set a new password", button: "Set your new password",
		done: "Your new password is set, and you have been signed out everywhere. Sign in with it.",
		read: s.deps.Accounts.ResetLink, use: s.deps.Accounts.Reset}
}

func (s *Server) invitationPage(c *fiber.Ctx) error   { return s.passwordLinkPage(c, s.invitation()) }
func (s *Server) acceptInvitation(c *fiber.Ctx) error { return s.setPassword(c, s.invitation()) }
func (s *Server) resetPage(c *fiber.Ctx) error        { return s.passwordLinkPage(c, s.reset()) }
func (s *Server) resetPassword(c *fiber.Ctx) error    { return s.setPassword(c, s.reset()) }

func (s *Server) passwordLinkPage(c *fiber.Ctx, l passwordLink) error {
	ad, err := l.read(c.UserContext(), c.Params("token"), time.Now())
	if err != nil {
		return s.linkDoesNotWork(c, err)
	}
	return s.render(c, fiber.StatusOK, "set-password", s.setPasswordPage(c, l, ad))
}

func (s *Server) setPasswordPage(c *fiber.Ctx, l passwordLink, ad accounts.Admin) SetPasswordPage {
	return SetPasswordPage{Page: s.basePage(c, l.heading), Heading: l.heading, Email: ad.Email, Action: c.Path(),
		Button: l.button, MinLength: accounts.MinPasswordLength}
}

func (s *Server) setPassword(c *fiber.Ctx, l passwordLink) error {
	tok, now := c.Params("token"), time.Now()
	password := c.FormValue("password")
	if len(password) > 1024 {
		password = password[:1024] // a password longer than the form allows is refused below
	}
	_, err := l.use(c.UserContext(), audit.Actor{IP: c.IP()}, tok, password, now)
	if errors.Is(err, accounts.ErrWeakPassword) || len(c.FormValue("password")) > 1024 {
		ad, rerr := l.read(c.UserContext(), tok, now)
		if rerr != nil {
			return s.linkDoesNotWork(c, rerr)
		}
		page := s.setPasswordPage(c, l, ad)
		page.Errors = []FieldError{{Field: "password", Message: "Enter a password of at least 12 characters (and at most 1024)"}}
		page.PasswordError = &page.Errors[0]
		return s.render(c, fiber.StatusUnprocessableEntity, "set-password", page)
	}
	if err != nil {
		return s.linkDoesNotWork(c, err)
	}
	// Whoever was signed in on this browser is not any more: the next sign-in is the
	// new password's.
	if err := s.freshSession(c, nil); err != nil {
		return err
	}
	return doneRedirect(c, "/sign-in", l.done)
}

// linkDoesNotWork answers a used, expired or unknown link with a page that says what to
// do (and a status the link limiter counts).
func (s *Server) linkDoesNotWork(c *fiber.Ctx, err error) error {
	if !errors.Is(err, accounts.ErrLinkInvalid) {
		return err
	}
	heading := "This link does not work"
	p := ErrorPage{Page: s.basePage(c, heading), Heading: heading, Paragraphs: []string{
		"It may have been used already, or have expired: an invitation lasts 7 days and a password reset link 1 hour.",
		"Ask an administrator of the partnership's team to invite you again, or ask for a new reset link from the sign-in page."}}
	return s.render(c, fiber.StatusNotFound, "error", p)
}
