package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/problem"
)

// saveInvitation sets the roles a round invites and reminds, and its wording.
func (s *Server) saveInvitation(c *fiber.Ctx) error {
	year := c.Params("year")
	form := formValues(c)
	var roles []forms.Role
	for _, r := range form["roles"] {
		roles = append(roles, forms.Role(r))
	}
	// Browsers send textarea lines with CRLF; the emails are written with LF.
	field := func(name string) string { return strings.TrimSpace(strings.ReplaceAll(form.Get(name), "\r\n", "\n")) }
	in := forms.Invitation{Wording: forms.Wording{InviteSubject: field("invite_subject"), InviteBody: field("invite_body"),
		ReminderSubject: field("reminder_subject"), ReminderBody: field("reminder_body")}}
	// The day as typed: a date that cannot be read is said so, in the words of the round's dates.
	on, typedErr := forms.ParseAnswer(inviteOnQuestion, form, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	in.On = on.Value
	roles, err := forms.ParseRoles(forms.FormatRoles(roles))
	in.Roles = roles
	switch {
	case err != nil:
		err = problem.FieldErrors{{Field: "roles", Message: "Select the roles to invite from the list"}}
	case typedErr != nil:
		err = problem.FieldErrors{{Field: "invite_on", Message: typedErr.Message}}
	default:
		err = s.deps.Rounds.SetInvitation(c.UserContext(), adminActor(c), year, in)
	}
	if errs := fieldErrors(err); errs != nil {
		for i := range errs {
			if errs[i].Field == "roles" {
				errs[i].Field = "roles-" + string(forms.Roles[0]) // the first checkbox, for the summary's link
			}
		}
		return s.invitationsPageWith(c, 0, &in, errs)
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, invitationsURL(year), "Invitation saved")
}
