package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/problem"
)

// TeamPage lists the partnership's team and invites a colleague.
type TeamPage struct {
	Page
	Members    []TeamMember
	Email      string
	Roles      []Option
	EmailError *FieldError
	RoleError  *FieldError
}

// TeamMember is one member as the team pages show them.
type TeamMember struct {
	Email, Role, Status, LastSignIn, Href string
	TwoFactor                             bool
}

func teamMember(ad accounts.Admin) TeamMember {
	m := TeamMember{Email: ad.Email, Role: ad.Role.Label(), Status: capitalise(string(ad.Status())), TwoFactor: ad.TwoFactor(),
		Href: memberHref(ad), LastSignIn: "Never"}
	if !ad.LastSignIn.IsZero() {
		m.LastSignIn = ad.LastSignIn.In(london).Format("2 Jan 2006 15:04")
	}
	return m
}

// roleOptions are the roles to choose from, with chosen selected.
func roleOptions(chosen accounts.Role) []Option {
	return options(accounts.Roles, accounts.Role.Label, chosen)
}

func (s *Server) teamPage(c *fiber.Ctx) error {
	return s.renderTeam(c, fiber.StatusOK, TeamPage{Roles: roleOptions(accounts.Viewer)})
}

func (s *Server) renderTeam(c *fiber.Ctx, status int, p TeamPage) error {
	team, err := s.deps.Accounts.List(c.UserContext())
	if err != nil {
		return err
	}
	errs := p.Errors
	p.Page = s.basePage(c, "Your team")
	p.Errors = errs
	if len(errs) == 0 {
		p.Flash = flashFrom(c)
	}
	for _, ad := range team {
		p.Members = append(p.Members, teamMember(ad))
	}
	return s.render(c, status, "team", p)
}

// inviteMember adds a colleague with a role and emails them their invitation.
func (s *Server) inviteMember(c *fiber.Ctx) error {
	email, role := strings.TrimSpace(c.FormValue("email")), accounts.Role(c.FormValue("role"))
	p := TeamPage{Email: email, Roles: roleOptions(role)}
	errs := s.check(forgottenForm{Email: email}, forgottenMessages)
	if _, err := accounts.ParseRole(string(role)); err != nil {
		errs = append(errs, FieldError{Field: "role", Message: "Choose a role"})
	}
	if len(errs) == 0 {
		_, err := s.deps.Accounts.Invite(c.UserContext(), adminActor(c), email, role)
		switch {
		case errors.Is(err, accounts.ErrExists):
			errs = append(errs, FieldError{Field: "email", Message: "There is already a team member with this email address"})
		case problem.Is(err, problem.Invalid):
			errs = append(errs, FieldError{Field: "email", Message: signInMessages["email"]["email"]})
		case err != nil:
			return err
		default:
			return doneRedirect(c, "/admin/team", "Invitation sent to "+email+" as "+strings.ToLower(role.Label())+".")
		}
	}
	p.Errors, p.EmailError, p.RoleError = errs, errorFor(errs, "email"), errorFor(errs, "role")
	return s.renderTeam(c, fiber.StatusUnprocessableEntity, p)
}
