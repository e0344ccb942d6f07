package audit

import (
	"context"
	"log/slog"
)

// Actor is who did something, as the domains' services are told and their audit entries
// record it: an admin's email, "governor:<return ID>", "link teacher:<email>", or one of
// the service's own actors below; and the address the request came from, if any.
type Actor struct {
	Name string
	IP   string
}

// Who acts when no person at a browser does.
var (
	CommandLine = Actor{Name: "command line"}
	System      = Actor{Name: "system"}
)

// Note records that by did action to target, for a service whose action has already
// happened: a failure to record is logged, not returned, so nobody is told their change
// failed when it did not.
func (l *Log) Note(ctx context.Context, by Actor, action, target, detail string) {
	if err := l.Record(ctx, Entry{Actor: by.Name, IP: by.IP, Action: action, Target: target, Detail: detail}); err != nil {
		slog.Error("audit entry not recorded", "action", action, "target", target, "err", err)
	}
}

// Export runs fn on every entry f selects, newest first, after recording that by exported
// them: reading the whole log out is itself something the log keeps.
func (l *Log) Export(ctx context.Context, by Actor, f Filter, what string, fn func(Entry) error) error {
	l.Note(ctx, by, ActionExported, "audit log", what)
	return l.Each(ctx, f, 0, fn)
}
