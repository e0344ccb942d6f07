// Package app is the one place that opens the store and builds every service over it:
// the schools register, rounds and returns, the assurance service (submission with its
// PDF receipt), chasing and invitations, the contact book, the JOSO programme and its mailer, admin accounts, the audit
// log and the outbox. `assure serve`, every command, the handler tests and the load test
// all get their services here, so they run what the service runs.
//
// It wires and does nothing else: no rules (they are the domain packages'), no HTTP
// (handlers is built from an App by cmd/assure, and handlers' tests import this
// package), no configuration parsing or printing (cmd/assure). It is one of the three
// importers of internal/embedded, with cmd/assure and internal/storetest.
package app
