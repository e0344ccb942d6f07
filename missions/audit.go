package missions

import (
	"context"

	"github.com/lscp/assure/internal/audit"
)

// TeacherActor names a team's link teacher acting from ip.
func TeacherActor(t Team, ip string) audit.Actor {
	return audit.Actor{Name: "link teacher:" + t.Teacher, IP: ip}
}

// Auditor records what people did.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// record writes an audit entry (none with no log: the demo's made-up history). A failure
// to record is not the actor's failure: what they did stands, and the store's trouble
// shows elsewhere (health, metrics, logs).
func record(ctx context.Context, log Auditor, by audit.Actor, action, target, detail string) {
	if log == nil {
		return
	}
	_ = log.Record(ctx, audit.Entry{Actor: by.Name, IP: by.IP, Action: action, Target: target, Detail: detail})
}
