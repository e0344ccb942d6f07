package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// sendInvitations emails the round's invitation to every contact in its roles not yet
// invited, after a confirmation page that says how many schools and contacts.
func (s *Server) sendInvitations(c *fiber.Ctx) error {
	year := c.Params("year")
	ctx := c.UserContext()
	if !confirmed(c) {
		plan, err := s.deps.Chase.PlanInvitations(ctx, year, nil)
		if err != nil {
			return err
		}
		if plan.Contacts == 0 {
			return doneRedirect(c, invitationsURL(year), "No invitations to send: everyone in the round's roles has had one.")
		}
		return s.confirmInvite(c, year, plan)
	}
	run, err := s.deps.Chase.SendInvitations(ctx, adminActor(c), year, nil, time.Now())
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s sent to %s", invitations(run.Sent), schools(run.Schools))
	if run.Failed > 0 {
		msg += fmt.Sprintf("; %d could not be delivered (see Email)", run.Failed)
	}
	return doneRedirect(c, invitationsURL(year), msg+".")
}

// confirmInvite says how many schools and contacts the invitation will reach.
func (s *Server) confirmInvite(c *fiber.Ctx, year string, plan forms.InvitationPlan) error {
	p := ConfirmPage{Caption: "Round " + year, Action: invitationsURL(year) + "/send",
		Button: "Send " + invitations(plan.Contacts), Cancel: invitationsURL(year),
		Paragraphs: []string{fmt.Sprintf("%s at %s will be emailed the invitation with their school's link.", contacts(plan.Contacts), schools(plan.Schools))}}
	if plan.Already > 0 {
		p.Paragraphs = append(p.Paragraphs, contacts(plan.Already)+" already had it and will not be sent it again.")
	}
	if plan.NoContacts > 0 {
		p.Paragraphs = append(p.Paragraphs, schools(plan.NoContacts)+" still to return have nobody in the round's roles (or only bounced addresses) and will not be emailed.")
	}
	return s.confirm(c, "Send "+invitations(plan.Contacts)+" now?", p)
}

func invitations(n int) string {
	if n == 1 {
		return "1 invitation"
	}
	return fmt.Sprintf("%d invitations", n)
}

func contacts(n int) string {
	if n == 1 {
		return "1 contact"
	}
	return fmt.Sprintf("%d contacts", n)
}
