package handlers

import (
	"strings"

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
	w := forms.Wording{InviteSubject: field("invite_subject"), InviteBody: field("invite_body"),
		ReminderSubject: field("reminder_subject"), ReminderBody: field("reminder_body")}
	roles, err := forms.ParseRoles(forms.FormatRoles(roles))
	if err == nil {
		err = s.deps.Rounds.SetInvitation(c.UserContext(), adminActor(c), year, roles, w)
	} else {
		err = problem.FieldErrors{{Field: "roles", Message: "Select the roles to invite from the list"}}
	}
	if errs := fieldErrors(err); errs != nil {
		for i := range errs {
			if errs[i].Field == "roles" {
				errs[i].Field = "roles-" + string(forms.Roles[0]) // the first checkbox, for the summary's link
			}
		}
		return s.invitationsPageWith(c, 0, roles, &w, errs)
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, invitationsURL(year), "Invitation saved")
}
