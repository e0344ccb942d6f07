package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"
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
	ActionRoundLoaded      = "round-loaded" // a round run before the service, brought in with its returns
	ActionRoundOpened      = "round-opened"
	ActionRoundClosed      = "round-closed"
	ActionRoundArchived    = "round-archived"
	ActionRoundReopened    = "round-reopened"
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
	ActionReturnsPurged    = "returns-purged"
	ActionRetentionSet     = "retention-set"
	ActionEmailed          = "return-emailed"      // a receipt or a reopening notice, sent or held
	ActionEmailFailed      = "return-email-failed" // the same, not delivered

	ActionContactsImported     = "contact-book-imported"
	ActionContactAdded         = "contact-added"
	ActionContactChanged       = "contact-changed"
	ActionContactRemoved       = "contact-removed"
	ActionContactBounced       = "contact-marked-bounced"
	ActionContactBounceCleared = "contact-bounce-cleared"
	ActionInvitationSettings   = "invitation-settings-set"
	ActionInvitationsSent      = "invitations-sent"
	ActionInvitationTest       = "invitation-test-sent"
	ActionDeadlineChanged      = "round-deadline-changed"
	ActionExtension            = "school-extension-set"
	ActionSentToConfirm        = "return-sent-for-confirmation"
	ActionSentBack             = "return-sent-back"
	ActionCarriedForward       = "return-carried-forward"
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
	// The partnership's team (internal/accounts).
	ActionAdminInvited       = "admin-invited"
	ActionInvitationAccepted = "admin-invitation-accepted"
	ActionRoleChanged        = "admin-role-changed"
	ActionDeactivated        = "admin-deactivated"
	ActionReactivated        = "admin-reactivated"
	ActionResetAsked         = "password-reset-asked"
	ActionPasswordReset      = "password-reset"
	ActionPasswordAccepted   = "sign-in-password-accepted" // a code is still to come
	ActionTwoFactorSetUp     = "two-factor-set-up"
	ActionTwoFactorFailed    = "two-factor-failed"
	ActionTwoFactorOff       = "two-factor-turned-off"
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
	// Count is how many times a counted entry (RecordCounted) happened in its window.
	Count int `bson:"count,omitempty"`
}

// Log is the audit collection.
type Log struct {
	st *store.Store
	c  *mongo.Collection
}

// New opens the audit log in st.
func New(st *store.Store) *Log { return &Log{st: st, c: st.Collection("audit")} }

// Record appends an entry. Entries recorded at the same moment share one insert (the
// store's group commit), and Record returns once the entry's is committed.
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	e.ID = bson.NewObjectID()
	if err := l.st.GroupInsert(ctx, l.c, e); err != nil {
		return fmt.Errorf("audit: recording %s: %w", e.Action, err)
	}
	return nil
}

// RecordCounted records e once per key and window: the first time as a new entry, later
// times by adding to its count. A client hammering a refusal (a rate limit) then makes one
// entry, not thousands of rows. The entry's ID is made from the window's start and the key,
// so every instance upserts the same document.
func (l *Log) RecordCounted(ctx context.Context, key string, window time.Duration, e Entry) error {
	now := time.Now().UTC()
	if e.At.IsZero() {
		e.At = now
	}
	id := windowID(now.Truncate(window), key)
	first := bson.D{{Key: "at", Value: e.At}, {Key: "actor", Value: e.Actor}, {Key: "action", Value: e.Action}}
	for k, v := range map[string]string{"target": e.Target, "ip": e.IP, "detail": e.Detail} {
		if v != "" {
			first = append(first, bson.E{Key: k, Value: v})
		}
	}
	update := bson.D{{Key: "$setOnInsert", Value: first}, {Key: "$inc", Value: bson.D{{Key: "count", Value: 1}}}}
	err := l.st.Write(ctx, func(ctx context.Context) error {
		upsert := func() error {
			_, err := l.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update, options.UpdateOne().SetUpsert(true))
			return err
		}
		err := upsert()
		if store.IsDuplicateKey(err) {
			err = upsert() // another instance inserted it first: now it is there to count on
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("audit: recording %s: %w", e.Action, err)
	}
	return nil
}

// windowID is an ObjectID whose time is the window's start and whose other eight bytes
// come from the key.
func windowID(start time.Time, key string) bson.ObjectID {
	var id bson.ObjectID
	binary.BigEndian.PutUint32(id[:4], uint32(start.Unix()))
	sum := sha256.Sum256([]byte(key))
	copy(id[4:], sum[:8])
	return id
}

// Recent returns the newest entries first.
func (l *Log) Recent(ctx context.Context, limit int) ([]Entry, error) {
	var out []Entry
	err := l.Each(ctx, Filter{}, limit, func(e Entry) error { out = append(out, e); return nil })
	return out, err
}

// Filter narrows the log: entries whose actor or target contains Who (any case), whose
// action is Action, at or after From and before To (zero: no bound).
type Filter struct {
	Who, Action string
	From, To    time.Time
}

func (f Filter) query() bson.D {
	q := bson.D{}
	if f.Who != "" {
		re := bson.Regex{Pattern: regexp.QuoteMeta(f.Who), Options: "i"}
		q = append(q, bson.E{Key: "$or", Value: bson.A{bson.D{{Key: "actor", Value: re}}, bson.D{{Key: "target", Value: re}}}})
	}
	if f.Action != "" {
		q = append(q, bson.E{Key: "action", Value: f.Action})
	}
	at := bson.D{}
	if !f.From.IsZero() {
		at = append(at, bson.E{Key: "$gte", Value: f.From})
	}
	if !f.To.IsZero() {
		at = append(at, bson.E{Key: "$lt", Value: f.To})
	}
	if len(at) > 0 {
		q = append(q, bson.E{Key: "at", Value: at})
	}
	return q
}

// Each calls fn for the entries f selects, newest first, at most limit of them (0: all),
// reading them as a stream so an export of the whole log holds one entry at a time.
//
// It first waits for the entries queued for the log (Copy, and Records in flight), so
// what this process has acknowledged is listed.
func (l *Log) Each(ctx context.Context, f Filter, limit int, fn func(Entry) error) error {
	l.st.Flush()
	extra, err := l.trailed(ctx, f)
	if err != nil {
		return err
	}
	opts := options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := l.c.Find(ctx, f.query(), opts)
	if err != nil {
		return fmt.Errorf("audit: reading: %w", err)
	}
	defer cur.Close(ctx)
	m := merger{extra: extra, limit: limit, fn: fn}
	for cur.Next(ctx) && !m.full() {
		var e Entry
		if err := cur.Decode(&e); err != nil {
			return fmt.Errorf("audit: reading: %w", err)
		}
		if e.Count > 1 {
			e.Detail = strings.TrimSpace(fmt.Sprintf("%s (%d times)", e.Detail, e.Count))
		}
		if err := m.next(&e); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return err
	}
	return m.next(nil)
}

// Actions lists every action the log records, for a filter's choices.
var Actions = []string{ActionSignIn, ActionSignInFailed, ActionSignOut, ActionImport, ActionImportFailed, ActionAdminCreated,
	ActionDemoLoaded, ActionRoundCreated, ActionRoundLoaded, ActionRoundOpened, ActionRoundClosed, ActionRoundReopened, ActionRoundArchived, ActionFormChanged,
	ActionLinksIssued, ActionLinkRevoked, ActionExempted, ActionAddedLate, ActionReturnSaved, ActionSubmitted, ActionReopened,
	ActionReminderSchedule, ActionContactsLoaded, ActionContactEmail, ActionRemindersSent, ActionReminderSent,
	ActionContactRecorded, ActionExported, ActionJOSOYear, ActionJOSOEnrolled, ActionJOSOInvited, ActionJOSOSignIn,
	ActionJOSOTeam, ActionJOSOAttendance, ActionJOSOActivity, ActionJOSOEvidence, ActionJOSOPulled, ActionJOSOApproved,
	ActionJOSOUnapproved, ActionJOSOReturned, ActionJOSOReversal, ActionJOSONominated, ActionJOSODecided,
	ActionJOSOCatalogue, ActionJOSOVerified, ActionJOSOAnonymised, ActionJOSOCertificate, ActionReturnsPurged, ActionRetentionSet,
	ActionEmailed, ActionEmailFailed,
	ActionAdminInvited, ActionInvitationAccepted, ActionRoleChanged, ActionDeactivated, ActionReactivated,
	ActionResetAsked, ActionPasswordReset, ActionPasswordAccepted, ActionTwoFactorSetUp, ActionTwoFactorFailed, ActionTwoFactorOff,
	ActionContactsImported, ActionContactAdded, ActionContactChanged, ActionContactRemoved,
	ActionContactBounced, ActionContactBounceCleared, ActionInvitationSettings, ActionInvitationsSent, ActionInvitationTest,
	ActionDeadlineChanged, ActionExtension, ActionSentToConfirm, ActionSentBack,
	ActionCarriedForward,
	"link-opened", "link-rate-limited", "signoff-rate-limited", "code-sent", "code-accepted", "code-refused"}
