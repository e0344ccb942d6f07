package missions

import (
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/storetest"
)

// tester is who acts in tests that do not look at the audit log.
var tester = audit.Actor{Name: "test"}

// newProgramme is the programme over a fresh database, auditing to its log and keeping
// its emails in the outbox.
func newProgramme(tb testing.TB) *Programme {
	tb.Helper()
	st := storetest.New(tb)
	return New(st, audit.New(st), mail.New(st, mail.SMTP{}), Config{Partnership: "Test LSCP", PublicURL: "http://assure.test"})
}
