package handlers

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
)

// SignInPage is the admin sign-in form.
type SignInPage struct {
	Page
	Email         string
	Next          string // where to go after signing in, when not the default (already checked)
	Message       string
	EmailError    *FieldError
	PasswordError *FieldError
}

type signInForm struct {
	Email    string `form:"email" validate:"required,email,max=254"`
	Password string `form:"password" validate:"required,max=1024"`
}

var signInMessages = messages{
	"email":    {"required": "Enter your email address", "email": "Enter an email address in the correct format, like name@example.org", "max": "Email address must be 254 characters or fewer"},
	"password": {"required": "Enter your password", "max": "Password must be 1024 characters or fewer"},
}

func (s *Server) home(c *fiber.Ctx) error {
	if adminOf(c) != "" {
		return c.Redirect("/admin", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "home", s.basePage(c, "Safeguarding assurance for schools"))
}

func (s *Server) signInPage(c *fiber.Ctx) error {
	if adminOf(c) != "" {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	page := SignInPage{Page: s.basePage(c, "Sign in"), Next: signInNext(c)}
	page.Flash = flashFrom(c)
	return s.render(c, fiber.StatusOK, "sign-in", page)
}

func (s *Server) signIn(c *fiber.Ctx) error {
	var f signInForm
	f.Email = strings.TrimSpace(c.FormValue("email"))
	f.Password = c.FormValue("password")
	page := SignInPage{Page: s.basePage(c, "Sign in"), Email: f.Email, Next: signInNext(c)}
	if errs := s.check(f, signInMessages); len(errs) > 0 {
		page.Errors, page.EmailError, page.PasswordError = errs, errorFor(errs, "email"), errorFor(errs, "password")
		return s.render(c, fiber.StatusUnprocessableEntity, "sign-in", page)
	}
	admin, err := s.deps.Accounts.Authenticate(c.UserContext(), audit.Actor{IP: c.IP()}, f.Email, f.Password)
	if errors.Is(err, accounts.ErrBadCredentials) {
		s.slowFailure(c.UserContext(), normaliseForKey(f.Email))
		page.Errors = []FieldError{{Field: "email", Message: "The email address or password is not right"}}
		page.EmailError = &page.Errors[0]
		return s.render(c, fiber.StatusUnauthorized, "sign-in", page)
	}
	if err != nil {
		return err
	}
	if admin.TwoFactor() {
		if err := s.startPending(c, admin); err != nil {
			return err
		}
		to := signInCodePath
		if next := signInNext(c); next != "" {
			to += "?next=" + urlQueryEscape(next)
		}
		return c.Redirect(to, fiber.StatusSeeOther)
	}
	if err := s.startSession(c, admin); err != nil {
		return err
	}
	if s.cfg.RequireTwoFactor {
		return c.Redirect(twoFactorPath, fiber.StatusSeeOther)
	}
	return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
}

// signInNext is the checked next address the sign-in form posts on, or "" for the default.
func signInNext(c *fiber.Ctx) string {
	if next := safeNext(c.Query("next")); next != "/admin" {
		return next
	}
	return ""
}

// signInRefused is the audit entry of a rate-limited sign-in.
func (s *Server) signInRefused(c *fiber.Ctx) audit.Entry {
	return audit.Entry{Actor: strings.TrimSpace(c.FormValue("email")), Action: audit.ActionSignInFailed, Detail: "rate limited"}
}

// tooManySignIns answers a rate-limited sign-in.
func (s *Server) tooManySignIns(c *fiber.Ctx) error {
	page := SignInPage{Page: s.basePage(c, "Sign in"), Email: strings.TrimSpace(c.FormValue("email")), Next: signInNext(c),
		Message: "There have been too many attempts to sign in. Wait 15 minutes, then try again."}
	return s.render(c, fiber.StatusTooManyRequests, "sign-in", page)
}

func (s *Server) signOutPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "sign-out", s.basePage(c, "Sign out"))
}

func (s *Server) signOut(c *fiber.Ctx) error {
	if who := adminOf(c); who != "" {
		if err := s.endSession(c); err != nil {
			return err
		}
		s.deps.Accounts.SignedOut(c.UserContext(), audit.Actor{Name: who, IP: c.IP()})
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

// normaliseForKey folds an email for a rate-limit key.
func normaliseForKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// safeNext accepts only a local path to return to after sign-in, never another site: a
// single leading slash, printable ASCII without backslashes (a browser drops tabs and
// newlines from a URL and reads a backslash as a slash, so "/\t/evil" and "/\evil" lead
// away), the same once percent-decoded, and no scheme or host. Anything else goes to the
// admin's home page. CR and LF never reach the Location header.
func safeNext(next string) string {
	const home = "/admin"
	decoded, err := url.PathUnescape(next)
	if err != nil || !localPath(next) || !localPath(decoded) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	return next
}

// localPath says whether p starts with exactly one slash and is printable ASCII with no
// space or backslash.
func localPath(p string) bool {
	if p == "" || p[0] != '/' || len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return false
	}
	for i := 0; i < len(p); i++ {
		if b := p[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return false
		}
	}
	return true
}
