package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/audit"
)

// forgottenPath is where a team member asks for a password reset link.
const forgottenPath = "/sign-in/forgotten"

// ForgottenPage asks for an email address, then says the same whatever the address.
type ForgottenPage struct {
	Page
	Email      string
	Sent       bool
	Message    string
	EmailError *FieldError
}

type forgottenForm struct {
	Email string `form:"email" validate:"required,email,max=254"`
}

var forgottenMessages = messages{
	"email": signInMessages["email"],
}

func (s *Server) forgottenPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "forgotten", ForgottenPage{Page: s.basePage(c, "Reset your password")})
}

// askReset emails a reset link if the address is an active member's, and answers the
// same either way: the page never says who has an account.
func (s *Server) askReset(c *fiber.Ctx) error {
	f := forgottenForm{Email: strings.TrimSpace(c.FormValue("email"))}
	page := ForgottenPage{Page: s.basePage(c, "Reset your password"), Email: f.Email}
	if errs := s.check(f, forgottenMessages); len(errs) > 0 {
		page.Errors, page.EmailError = errs, errorFor(errs, "email")
		return s.render(c, fiber.StatusUnprocessableEntity, "forgotten", page)
	}
	if err := s.deps.Accounts.AskReset(c.UserContext(), audit.Actor{IP: c.IP()}, f.Email, time.Now()); err != nil {
		// A mail server's failure is logged, not shown: showing it would say the
		// address has an account.
		s.log.Error("password reset not sent", "err", err)
	}
	page.Sent = true
	return s.render(c, fiber.StatusOK, "forgotten", page)
}

// forgottenLimiters limit reset requests as sign-in is limited, counting every request
// (each may send an email): 20 per address and 5 per (email, address) in 15 minutes.
func (s *Server) forgottenLimiters() []fiber.Handler {
	refusal := rateLimit{window: signInWindow,
		entry: func(c *fiber.Ctx) audit.Entry {
			return audit.Entry{Actor: strings.TrimSpace(c.FormValue("email")), Action: audit.ActionResetAsked, Detail: "rate limited"}
		},
		refuse: func(c *fiber.Ctx) error {
			return s.render(c, fiber.StatusTooManyRequests, "forgotten", ForgottenPage{Page: s.basePage(c, "Reset your password"),
				Email: strings.TrimSpace(c.FormValue("email")), Message: "There have been too many requests. Wait 15 minutes, then try again."})
		}}
	address, pair := refusal, refusal
	address.name, address.max, address.key = "reset-ip", 20, func(c *fiber.Ctx) string { return c.IP() }
	pair.name, pair.max, pair.key = "reset-account-ip", 5, accountAndAddress
	return []fiber.Handler{s.rateLimit(address), s.rateLimit(pair)}
}
