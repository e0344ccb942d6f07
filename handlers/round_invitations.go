package handlers

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/problem"
)

// InvitationsPage is a round's invitation: the roles it invites and reminds, the wording
// of its invitation and reminders, a preview for a chosen school, a test to the admin's
// own address, and sending (once the round is open).
type InvitationsPage struct {
	Page
	Round        forms.Round
	Roles        []Option // checked: the round invites them
	InviteOn     QuestionView
	Wording      forms.Wording
	FieldErrors  map[string]*FieldError
	Defaults     forms.Wording
	Placeholders string
	Sample       *forms.Email // the invitation as a chosen school would get it (not Page.Preview, a form preview)
	// The school previewed, chosen by URN (a list of every school would be megabytes for
	// England), and the error when no school of the round has the URN asked for.
	PreviewURN  int
	PreviewName string
	URNError    *FieldError
	Plan        *forms.InvitationPlan // what sending would do, when the round is open
}

// inviteOnQuestion asks the day the service sends a round's invitations by itself.
var inviteOnQuestion = forms.Question{ID: "invite_on", Kind: forms.KindDate, Text: "Send the invitations by themselves from",
	Hint: "While the round is open, the service emails them from this day, once each. Leave empty to send them yourself below. For example, 1 10 2024"}

func (s *Server) invitationsPage(c *fiber.Ctx) error {
	urn, _ := strconv.Atoi(c.Query("urn"))
	return s.invitationsPageWith(c, urn, nil, nil)
}

// invitationsPageWith shows the page previewing school urn (0: the first school);
// typed (if not nil) is the settings form as typed, with errs beside its fields.
func (s *Server) invitationsPageWith(c *fiber.Ctx, urn int, typed *forms.Invitation, errs problem.FieldErrors) error {
	ctx := c.UserContext()
	round, err := s.deps.Rounds.Get(ctx, c.Params("year"))
	if err != nil {
		return err
	}
	p := InvitationsPage{Page: s.basePage(c, "Invitations for round "+round.ID), Round: round, Wording: round.Wording,
		FieldErrors: map[string]*FieldError{}, Placeholders: strings.Join(forms.Placeholders, ", "),
		Defaults: forms.Wording{InviteSubject: forms.DefaultInviteSubject, InviteBody: forms.DefaultInviteBody}}
	p.Back, p.Flash = "/admin/rounds/"+round.ID, flashFrom(c)
	in := forms.Invitation{Roles: round.InvitesRoles(), On: round.InviteOn, Wording: round.Wording}
	if typed != nil {
		in = *typed
	}
	roles := in.Roles
	p.Wording = in.Wording
	p.InviteOn = questionViews(forms.Section{Questions: []forms.Question{inviteOnQuestion}}, map[string]forms.Answer{"invite_on": {Value: in.On}}, nil)[0]
	for _, r := range forms.Roles {
		p.Roles = append(p.Roles, Option{Value: string(r), Text: r.Label(), Selected: slices.Contains(roles, r)})
	}
	for _, e := range errs {
		if e.Field == "invite_on" {
			e.Field = forms.Field("invite_on", "-day") // a rule about the whole date: its first box
			p.InviteOn.Error = &forms.AnswerError{Field: e.Field, Message: e.Message}
		}
		fe := &FieldError{Field: e.Field, Message: e.Message}
		p.FieldErrors[e.Field] = fe
		p.Errors = append(p.Errors, *fe)
	}
	asked := urn != 0
	if urn == 0 {
		if urn, err = s.firstInvited(ctx, round); err != nil {
			return err
		}
	}
	if urn != 0 {
		e, err := s.deps.Chase.PreviewInvitation(ctx, forms.ReturnID{Round: round.ID, URN: urn})
		switch {
		case asked && problem.Is(err, problem.NotFound):
			p.URNError = &FieldError{Field: "urn", Message: "No school in this round has the URN " + strconv.Itoa(urn)}
			p.Errors = append(p.Errors, *p.URNError)
		case err != nil:
			return err
		default:
			p.Sample, p.PreviewURN, p.PreviewName = &e, urn, e.School
		}
	}
	if round.State == forms.RoundOpen {
		plan, err := s.deps.Chase.PlanInvitations(ctx, round.ID, nil)
		if err != nil {
			return err
		}
		p.Plan = &plan
	}
	status := fiber.StatusOK
	if len(p.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.render(c, status, "invitations", p)
}

// firstInvited is the school a round's invitation is previewed with until another is
// asked for: the first of the round's returns (kept in memory), or of the register's open
// schools for a draft round, which has no returns yet; 0 when there is none.
func (s *Server) firstInvited(ctx context.Context, round forms.Round) (int, error) {
	if round.State != forms.RoundDraft {
		all, err := s.deps.Returns.OfRound(ctx, round.ID)
		if err != nil || len(all) == 0 {
			return 0, err
		}
		return all[0].URN, nil
	}
	schools, _, err := s.deps.Register.List(ctx, forms.SchoolFilter{Status: forms.StatusOpen})
	for _, sc := range schools {
		if sc.Phase != forms.PhaseCollege {
			return sc.URN, err
		}
	}
	return 0, err
}

// invitationsURL is a round's invitations page.
func invitationsURL(year string) string { return "/admin/rounds/" + year + "/invitations" }
