// Package handlers is Assure's web front: the only package that imports Fiber. Routes are
// listed in one place (routes.go); each page has its own file that parses the request,
// calls the domain packages through the small interfaces in deps.go, and renders a typed
// page or redirects. The domains decide and audit; handlers only hand over what was posted
// and show what comes back (field errors beside the fields, keeping what was typed).
// Handlers return errors; errors.go turns them into statuses and pages.
//
// An admin's action on a round or a school's return has its own route and file:
// round_move.go (open, close, reopen, archive), round_add.go, round_schedule.go,
// round_contacts.go, round_remind.go; return_link.go, return_revoke.go,
// return_contact.go, return_remind.go, return_log.go, return_exempt.go,
// return_reopen.go; a round's invitations: round_invitations.go (the page: roles, wording,
// preview), round_invitation_save.go, round_invitation_try.go (a test to the admin),
// round_invite.go (send, after a confirmation). The contact book: contact_book.go (the
// page and its download), contact_book_import.go, and a school's contacts on its register
// page (school_contacts.go): contact_add.go, contact_change.go, contact_remove.go,
// contact_bounced.go; a round's deadline: round_deadline.go, return_extension.go. A
// governor's pages are governor.go, section.go, submit.go, carry.go and governor_code.go;
// with sign-off by two people, the preparer sends from send.go, and the confirming
// governor, in a session of their own opened by their link, reads, confirms and sends
// back through signoff_*.go.
// The form editor is form_editor.go (its page and what its actions share),
// form_section_save.go, form_question_save.go, form_move.go, form_remove.go, and
// form_preview.go, which draws the governor's own task list and section pages as a school
// of any phase would see them, saving nothing.
//
// Admin routes are one list (adminRoutes in routes.go) in which every route names the
// least role that may use it (access.go): a route cannot be added without one, and New
// refuses a list where a viewer could change anything. Every signed-in request asks
// internal/accounts whether its session still counts (session.go). The team's pages are
// team.go and team_member.go; sign-in's second step signin_code.go; password resets and
// invitations password_forgotten.go and password_link.go; a member's own two-factor
// set-up account_two_factor.go.
package handlers
