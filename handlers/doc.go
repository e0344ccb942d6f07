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
// return_reopen.go, round_deadline.go, return_extension.go. A governor's pages are
// governor.go, section.go, submit.go, carry.go and governor_code.go; with sign-off by two
// people, the preparer sends from send.go, and the confirming governor, in a session of
// their own opened by their link, reads, confirms and sends back through signoff_*.go.
package handlers
