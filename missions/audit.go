package missions

import (
	"context"

	"github.com/lscp/assure/internal/audit"
)

// Actor is who does something, as the audit log names them, and from where.
type Actor struct {
	Name string // an admin's email, "link teacher:<email>", "command line" or "system"
	IP   string
}

// System is the service acting on its own schedule.
var System = Actor{Name: "system"}

// TeacherActor names a team's link teacher acting from ip.
func TeacherActor(t Team, ip string) Actor { return Actor{Name: "link teacher:" + t.Teacher, IP: ip} }

// Auditor records what people did.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// record writes an audit entry (none with no log: the demo's made-up history). A failure
// to record is not the actor's failure: what they did stands, and the store's trouble
// shows elsewhere (health, metrics, logs).
func record(ctx context.Context, log Auditor, by Actor, action, target, detail string) {
	if log == nil {
		return
	}
	_ = log.Record(ctx, audit.Entry{Actor: by.Name, IP: by.IP, Action: action, Target: target, Detail: detail})
}
