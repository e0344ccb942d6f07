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

func (s *Server) confirmTwoFactor(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), adminOf(c)
	codes, err := s.deps.Accounts.ConfirmTwoFactor(ctx, adminActor(c), id, c.FormValue("code"), time.Now())
	if errors.Is(err, accounts.ErrBadCode) {
		setup, perr := s.deps.Accounts.PendingTwoFactor(ctx, id)
		if perr != nil {
			return perr
		}
		p, perr := s.twoFactor(c, setup)
		if perr != nil {
			return perr
		}
		p.Errors = []FieldError{{Field: "code", Message: "Enter the 6-digit code your authenticator app shows now"}}
		p.CodeError = &p.Errors[0]
		return s.render(c, fiber.StatusUnprocessableEntity, "two-factor", p)
	}
	if err != nil {
		return err
	}
	p := TwoFactorPage{Page: s.basePage(c, "Two-factor sign-in is on"), On: true, RecoveryCodes: codes}
	return s.render(c, fiber.StatusOK, "two-factor", p)
}
