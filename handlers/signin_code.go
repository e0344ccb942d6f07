package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
)

// signInCodePath asks a member with two-factor sign-in for their code, after their password.
const signInCodePath = "/sign-in/code"

// SignInCodePage asks for the code from an authenticator app, or a recovery code.
type SignInCodePage struct {
	Page
	Next      string
	Message   string
	CodeError *FieldError
}

func (s *Server) signInCodePage(c *fiber.Ctx) error {
	if pendingOf(c) == "" {
		return c.Redirect("/sign-in", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "sign-in-code", SignInCodePage{Page: s.basePage(c, "Enter your code"), Next: signInNext(c)})
}

func (s *Server) signInCode(c *fiber.Ctx) error {
	id, generation := pending(c)
	if id == "" {
		return c.Redirect("/sign-in", fiber.StatusSeeOther)
	}
	page := SignInCodePage{Page: s.basePage(c, "Enter your code"), Next: signInNext(c)}
	code := strings.TrimSpace(c.FormValue("code"))
	if code == "" || len(code) > 64 {
		page.Errors = []FieldError{{Field: "code", Message: "Enter the 6-digit code from your authenticator app, or a recovery code"}}
		page.CodeError = &page.Errors[0]
		return s.render(c, fiber.StatusUnprocessableEntity, "sign-in-code", page)
	}
	// A reset, a deactivation or two-factor turned off since the password ends the wait.
	if _, err := s.deps.Accounts.Session(c.UserContext(), id, generation); errors.Is(err, accounts.ErrSessionEnded) {
		if err := s.endSession(c); err != nil {
			return err
		}
		return c.Redirect("/sign-in", fiber.StatusSeeOther)
	} else if err != nil {
		return err
	}
	ad, err := s.deps.Accounts.SecondFactor(c.UserContext(), audit.Actor{IP: c.IP()}, id, code, time.Now())
	if errors.Is(err, accounts.ErrBadCode) {
		page.Errors = []FieldError{{Field: "code", Message: "The code is not right, or has been used already: enter the newest code from your app"}}
		page.CodeError = &page.Errors[0]
		return s.render(c, fiber.StatusUnauthorized, "sign-in-code", page)
	}
	if errors.Is(err, accounts.ErrSessionEnded) || errors.Is(err, accounts.ErrNoSuchAdmin) || errors.Is(err, accounts.ErrTwoFactorOff) {
		if err := s.endSession(c); err != nil {
			return err
		}
		return c.Redirect("/sign-in", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, ad); err != nil {
		return err
	}
	return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
}

// signInCodeLimiters slow code guessing like password guessing: 20 failed codes per
// address and 10 per account waiting for its code, in 15 minutes. A six-digit code gives
// a guesser one chance in 100,000 a try (three steps are open at once), so an account
// gets about 1,000 tries a day at most.
func (s *Server) signInCodeLimiters() (byAddress, byAccount fiber.Handler) {
	refusal := rateLimit{window: signInWindow, failedOnly: true,
		entry: func(c *fiber.Ctx) audit.Entry {
			return audit.Entry{Actor: pendingOf(c), Action: audit.ActionTwoFactorFailed, Detail: "rate limited"}
		},
		refuse: func(c *fiber.Ctx) error {
			return s.render(c, fiber.StatusTooManyRequests, "sign-in-code", SignInCodePage{Page: s.basePage(c, "Enter your code"),
				Next: signInNext(c), Message: "There have been too many attempts. Wait 15 minutes, then try again."})
		}}
	address, account := refusal, refusal
	address.name, address.max, address.key = "code-ip", 20, func(c *fiber.Ctx) string { return c.IP() }
	account.name, account.max, account.key = "code-account", 10, pendingOf
	return s.rateLimit(address), s.rateLimit(account)
}
