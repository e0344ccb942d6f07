// Package accounts is the partnership's own team: the people who sign in to the admin
// pages, their roles, their passwords and their second factor. It writes its own audit
// entries (created, invited, joined, role changed, deactivated, reactivated, sign-in and
// its failures, resets asked for and made, two-factor set up, failed and turned off),
// given the acting person as an audit.Actor, so the web and the command line record the
// same thing.
//
// Roles (roles.go): Viewer reads every admin page and download and changes nothing;
// Officer runs rounds, forms, contacts, chasing and the JOSO programme; Administrator
// does everything, the team included. An account stored before roles has none and is read
// as an Administrator (migration on read). Which route needs which role is not decided
// here but written beside each route in handlers/routes.go; Role.Allows is the order.
//
// Passwords are stored only as argon2id hashes (golang.org/x/crypto/argon2, the Go team's
// implementation) in the PHC string format, so parameters can be raised later and old
// hashes still verify; CheckPassword is the one rule a new password meets.
//
// The team (team.go): administrators invite colleagues by email; an invited account has
// no password until the colleague opens the emailed link. Deactivating an account,
// resetting its password, or replacing or turning off its second factor raises its
// session generation, and Session (asked on every signed-in request) refuses a session
// of an older generation, so the member's sessions end at once on every instance. Changes of role and status run under a store lock, so
// the last active administrator cannot be demoted or deactivated, even by two
// administrators at once.
//
// An administrator can turn off a member's second factor (lost phone and codes), which
// also ends their sessions.
//
// Emailed links (links.go): an invitation (7 days) and a password reset (1 hour) carry a
// 128-bit token (internal/token); only its SHA-256 is stored, a link works once, and only
// for an account still in the state it was sent for. Only the account's newest link of a
// kind works: issuing one, using one, or deactivating or reactivating the account marks
// every other unused one used. Asking for a reset answers the same
// whether or not the address has an account. Emails go through internal/mail's outbox,
// which keeps no working link once SMTP is configured.
//
// Two-factor sign-in (twofactor.go) is TOTP (RFC 6238: six digits, 30-second steps, the
// step either side accepted for a phone's clock) through github.com/pquerna/otp, pinned at
// v1.5.0: the long-kept Go implementation that authenticator apps are tested against, with
// the otpauth:// URI format, rather than hand-written HMAC code. A step's code is accepted
// once and never an older step after it (a document per accepted step, and the account's
// last step). Replacing a second factor already on needs the current password and ends
// the account's sessions. Ten recovery codes are shown once and stored as SHA-256 hashes, one document
// each, deleted when used. The rate limits on codes, like those on sign-in, are the web
// front's (handlers/limits.go).
//
// It must not import Fiber or any domain package; handlers and cmd/assure call it.
package accounts
