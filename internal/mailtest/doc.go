// Package mailtest is a real SMTP server for tests (go-smtp, the maintained Go SMTP server
// library), listening on the loopback: the mailer speaks the protocol to it over TCP, with
// SMTP AUTH, as it would to a relay, and tests read what it received.
//
// It is imported only by tests.
package mailtest
