package handlers

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/accounts"
)

// MemberPage is one team member: their role, and deactivating or reactivating them.
type MemberPage struct {
	Page
	Member    TeamMember
	ID        string
	Roles     []Option
	Active    bool
	Yourself  bool
	Invited   bool
	RoleError *FieldError
}

func (s *Server) member(c *fiber.Ctx) (accounts.Admin, error) {
	id, err := url.PathUnescape(c.Params("id"))
	if err != nil {
		return accounts.Admin{}, accounts.ErrNoSuchAdmin
	}
	ad, err := s.deps.Accounts.Get(c.UserContext(), strings.ToLower(id))
	if errors.Is(err, accounts.ErrBadCredentials) {
		return ad, accounts.ErrNoSuchAdmin
	}
	return ad, err
}

func (s *Server) memberPage(c *fiber.Ctx) error {
	ad, err := s.member(c)
	if err != nil {
		return err
	}
	p := MemberPage{Page: s.basePage(c, ad.Email), Member: teamMember(ad), ID: ad.ID, Roles: roleOptions(ad.Role),
		Active: ad.Status() != accounts.StatusDeactivated, Yourself: ad.ID == adminOf(c), Invited: ad.Status() == accounts.StatusInvited}
	p.Back, p.Flash = "/admin/team", flashFrom(c)
	return s.render(c, fiber.StatusOK, "team-member", p)
}

func memberHref(ad accounts.Admin) string { return "/admin/team/" + url.PathEscape(ad.ID) }

func (s *Server) changeRole(c *fiber.Ctx) error {
	ad, err := s.member(c)
	if err != nil {
		return err
	}
	role, err := accounts.ParseRole(c.FormValue("role"))
	if err != nil {
		return err
	}
	if err := s.deps.Accounts.SetRole(c.UserContext(), adminActor(c), ad.ID, role); err != nil {
		return err
	}
	return doneRedirect(c, memberHref(ad), ad.Email+" is now "+strings.ToLower(role.Label())+".")
}

// deactivateMember asks first, then deactivates: the member's sessions end at once.
func (s *Server) deactivateMember(c *fiber.Ctx) error {
	ad, err := s.member(c)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		return s.confirm(c, "Deactivate "+ad.Email+"?", ConfirmPage{Caption: "Your team",
			Paragraphs: []string{ad.Email + " will be signed out at once and will not be able to sign in.",
				"You can reactivate the account later; their password stays as it is."},
			Action: memberHref(ad) + "/deactivate", Button: "Deactivate " + ad.Email, Danger: true, Cancel: memberHref(ad)})
	}
	if err := s.deps.Accounts.Deactivate(c.UserContext(), adminActor(c), ad.ID); err != nil {
		return err
	}
	return doneRedirect(c, memberHref(ad), ad.Email+" is deactivated and signed out.")
}

func (s *Server) reactivateMember(c *fiber.Ctx) error {
	ad, err := s.member(c)
	if err != nil {
		return err
	}
	if err := s.deps.Accounts.Reactivate(c.UserContext(), adminActor(c), ad.ID); err != nil {
		return err
	}
	return doneRedirect(c, memberHref(ad), ad.Email+" can sign in again.")
}

// turnOffTwoFactor asks first, then removes a member's second factor (a lost phone and
// lost recovery codes); they set it up again.
func (s *Server) turnOffTwoFactor(c *fiber.Ctx) error {
	ad, err := s.member(c)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		again := "They can then sign in with their password alone, and set up two-factor sign-in again."
		if s.cfg.RequireTwoFactor {
			again = "After their password they will be asked to set up two-factor sign-in again, before anything else."
		}
		return s.confirm(c, "Turn off two-factor sign-in for "+ad.Email+"?", ConfirmPage{Caption: "Your team",
			Paragraphs: []string{ad.Email + " will be signed out, and their authenticator app and recovery codes will stop working.", again},
			Action:     memberHref(ad) + "/two-factor-off", Button: "Turn off two-factor sign-in", Danger: true, Cancel: memberHref(ad)})
	}
	if err := s.deps.Accounts.TurnOffTwoFactor(c.UserContext(), adminActor(c), ad.ID); err != nil {
		return err
	}
	return doneRedirect(c, memberHref(ad), "Two-factor sign-in is off for "+ad.Email+".")
}
