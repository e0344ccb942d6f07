package audit

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/store"
)

// Actions recorded so far.
const (
	ActionSignIn           = "sign-in"
	ActionSignInFailed     = "sign-in-failed"
	ActionSignOut          = "sign-out"
	ActionImport           = "register-import"
	ActionImportFailed     = "register-import-refused"
	ActionAdminCreated     = "admin-created"
	ActionDemoLoaded       = "demo-loaded"
	ActionRoundCreated     = "round-created"
	ActionRoundOpened      = "round-opened"
	ActionRoundClosed      = "round-closed"
	ActionRoundArchived    = "round-archived"
	ActionFormChanged      = "round-form-changed"
	ActionLinksIssued      = "links-issued"
	ActionLinkRevoked      = "link-revoked"
	ActionExempted         = "school-exempted"
	ActionAddedLate        = "school-added-late"
	ActionReturnSaved      = "return-section-saved"
	ActionSubmitted        = "return-submitted"
	ActionReopened         = "return-reopened"
	ActionReminderSchedule = "reminder-schedule-set"
	ActionContactsLoaded   = "contact-emails-loaded"
	ActionContactEmail     = "contact-email-set"
	ActionRemindersSent    = "reminders-sent"
	ActionReminderSent     = "reminder-sent"
	ActionContactRecorded  = "contact-recorded"
	ActionExported         = "exported"
	// The JOSO programme.
	ActionJOSOYear        = "joso-year-changed"
	ActionJOSOEnrolled    = "joso-school-enrolled"
	ActionJOSOInvited     = "joso-teacher-invited"
	ActionJOSOSignIn      = "joso-teacher-signed-in"
	ActionJOSOTeam        = "joso-team-changed"
	ActionJOSOAttendance  = "joso-attendance-recorded"
	ActionJOSOActivity    = "joso-activity-saved"
	ActionJOSOEvidence    = "joso-evidence-added"
	ActionJOSOPulled      = "joso-evidence-pulled"
	ActionJOSOApproved    = "joso-activity-approved"
	ActionJOSOUnapproved  = "joso-activity-unapproved"
	ActionJOSOReturned    = "joso-activity-returned"
	ActionJOSOReversal    = "joso-xp-reversed"
	ActionJOSONominated   = "joso-nominated"
	ActionJOSODecided     = "joso-nomination-decided"
	ActionJOSOCatalogue   = "joso-catalogue-changed"
	ActionJOSOVerified    = "joso-ledger-verified"
	ActionJOSOAnonymised  = "joso-year-anonymised"
	ActionJOSOCertificate = "joso-certificates-made"
)

// Entry is one thing someone did.
type Entry struct {
	ID     bson.ObjectID `bson:"_id,omitempty"`
	At     time.Time     `bson:"at"`
	Actor  string        `bson:"actor"` // an admin's email, "governor:<URN>", or "system"
	Action string        `bson:"action"`
	Target string        `bson:"target,omitempty"`
	IP     string        `bson:"ip,omitempty"`
	Detail string        `bson:"detail,omitempty"`
}

// Log is the audit collection.
type Log struct {
	st *store.Store
	c  *mongo.Collection
}

// New opens the audit log in st.
func New(st *store.Store) *Log { return &Log{st: st, c: st.Collection("audit")} }

// Record appends an entry.
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	e.ID = bson.NewObjectID()
	err := l.st.Write(ctx, func(ctx context.Context) error {
		_, err := l.c.InsertOne(ctx, e)
		if store.IsDuplicateKey(err) {
			return nil // a retried insert that had landed
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("audit: recording %s: %w", e.Action, err)
	}
	return nil
}

// Recent returns the newest entries first.
func (l *Log) Recent(ctx context.Context, limit int) ([]Entry, error) {
	out, err := store.FindAll[Entry](ctx, l.c, bson.D{}, options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("audit: reading: %w", err)
	}
	return out, nil
}
