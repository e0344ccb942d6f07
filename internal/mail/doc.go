// Package mail sends the service's email. Every message is first recorded in the store's
// outbox (append-only, so there is a record of what was sent to whom and whether it was
// delivered); then, when SMTP is configured, it is sent with github.com/wneessen/go-mail,
// a well-kept SMTP client with STARTTLS and implicit TLS. With no SMTP configured,
// messages stay in the outbox, which admins can read, so the demo works offline. With SMTP,
// the secrets a message carries (a link's token, a one-time code) go in the email but not
// in the outbox's copy of its subject or body.
package mail
