package handlers

import (
	"errors"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/accounts"
)

// twoFactorPath is where a signed-in member sets up two-factor sign-in.
const twoFactorPath = "/account/two-factor"

// TwoFactorPage sets up two-factor sign-in: the secret as text and as an otpauth:// URI,
// then a code to confirm; once confirmed, the recovery codes, shown this once.
type TwoFactorPage struct {
	Page
	On            bool // the account already has two-factor sign-in
	Required      bool // the partnership requires it before anything else
	CodesLeft     int64
	Secret        string
	URI           template.URL // an otpauth:// URI made by the TOTP library, not by anyone's input
	RecoveryCodes []string
	CodeError     *FieldError
	PasswordError *FieldError
}

func (s *Server) twoFactorPage(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), adminOf(c)
	setup, err := s.deps.Accounts.PendingTwoFactor(ctx, id)
	if errors.Is(err, accounts.ErrNoSetUpBegun) {
		// Showing the page makes a new secret, kept aside: the account's present second
		// factor, if any, works until a code from the new one is confirmed.
		setup, err = s.deps.Accounts.BeginTwoFactor(ctx, id)
	}
	if err != nil {
		return err
	}
	p, err := s.twoFactor(c, setup)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "two-factor", p)
}

func (s *Server) twoFactor(c *fiber.Ctx, setup accounts.TwoFactorSetUp) (TwoFactorPage, error) {
	ad, _ := c.Locals(localAccount).(accounts.Admin)
	p := TwoFactorPage{Page: s.basePage(c, "Two-factor sign-in"), On: ad.TwoFactor(), Required: s.mustSetUpTwoFactor(c),
		Secret: setup.Secret, URI: template.URL(setup.URI)}
	if p.On {
		n, err := s.deps.Accounts.RecoveryCodesLeft(c.UserContext(), ad.ID)
		if err != nil {
			return p, err
		}
		p.CodesLeft = n
	}
	return p, nil
}

// confirmTwoFactor turns on the secret being set up. Replacing a second factor already on
// also needs the current password (the accounts service decides, and ends the account's
// other sessions); a wrong one counts as a failed sign-in, so it cannot be guessed here
// faster than on the sign-in page.
func (s *Server) confirmTwoFactor(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), adminOf(c)
	codes, ad, err := s.deps.Accounts.ConfirmTwoFactor(ctx, adminActor(c), id, c.FormValue("code"), c.FormValue("password"), time.Now())
	var fe FieldError
	switch {
	case errors.Is(err, accounts.ErrCurrentPassword):
		s.slowFailure(ctx, id)
		fe = FieldError{Field: "password", Message: "Enter your current password"}
	case errors.Is(err, accounts.ErrBadCode):
		fe = FieldError{Field: "code", Message: "Enter the 6-digit code your authenticator app shows now"}
	}
	if fe.Field != "" {
		setup, perr := s.deps.Accounts.PendingTwoFactor(ctx, id)
		if perr != nil {
			return perr
		}
		p, perr := s.twoFactor(c, setup)
		if perr != nil {
			return perr
		}
		p.Errors = []FieldError{fe}
		if fe.Field == "password" {
			p.PasswordError = &p.Errors[0]
		} else {
			p.CodeError = &p.Errors[0]
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "two-factor", p)
	}
	if err != nil {
		return err
	}
	// A replacement ended every session of the account; this one, which proved the
	// password, goes on under the new generation, on a new session ID.
	if err := s.startSession(c, ad); err != nil {
		return err
	}
	p := TwoFactorPage{Page: s.basePage(c, "Two-factor sign-in is on"), On: true, RecoveryCodes: codes}
	return s.render(c, fiber.StatusOK, "two-factor", p)
}
