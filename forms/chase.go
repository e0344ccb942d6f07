package forms

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/audit"
	outbox "github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/urls"
)

// Chasing: the partnership reminds schools that have not returned, by a schedule set per
// round and by hand, and logs every contact. A scheduled step is claimed in the store by
// a document keyed round:URN:step before its email goes, so however many instances run,
// and however often, a school gets each step once at most.

// Kinds of contact in the chase log.
const (
	ContactReminder       = "reminder"        // a scheduled reminder email
	ContactManualReminder = "manual reminder" // a reminder email an admin sent
	ContactPhone          = "phone call"
	ContactEmail          = "email"
	ContactMeeting        = "meeting"
	ContactNote           = "note"
)

// RecordedContactKinds are the contacts an admin records by hand.
var RecordedContactKinds = []string{ContactPhone, ContactEmail, ContactMeeting, ContactNote}

// Errors about chasing.
var (
	ErrNotChaseable = problem.New(problem.WrongState, "the school has returned or is exempt, so it is not chased")
	ErrNoteMissing  = problem.New(problem.Invalid, "enter what was said or done")
	ErrNoteTooLong  = problem.New(problem.Invalid, "the note must be 2,000 characters or fewer")
	ErrContactKind  = problem.New(problem.Invalid, "select the kind of contact")
)

// ChaseEntry is one contact with a school about its return. The log is append-only.
type ChaseEntry struct {
	ID       bson.ObjectID `bson:"_id"`
	Return   string        `bson:"return"`
	Round    string        `bson:"round"`
	URN      int           `bson:"urn"`
	Kind     string        `bson:"kind"`
	Step     int           `bson:"step,omitempty"` // days before the deadline, for a scheduled reminder
	By       string        `bson:"by"`
	At       time.Time     `bson:"at"`
	Note     string        `bson:"note,omitempty"`
	To       string        `bson:"to,omitempty"`
	Message  string        `bson:"message,omitempty"`  // the outbox message
	Delivery string        `bson:"delivery,omitempty"` // outbox, sent or failed
	Error    string        `bson:"error,omitempty"`
}

// Chaseable says whether a return is chased: expected and not yet returned.
func (r Return) Chaseable() bool {
	expected, returned := r.Counted()
	return expected && !returned
}

// Sender sends an email, or keeps it in the outbox when no SMTP is set.
type Sender interface {
	Send(ctx context.Context, to, subject, body, purpose, about string, secrets ...string) (outbox.Message, error)
}

// ChaseConfig is what reminder emails say about the partnership.
type ChaseConfig struct {
	Partnership string
	PublicURL   string // where links point, like https://assure.example.org
}

// Chase sends reminders and keeps the chase log.
type Chase struct {
	rounds *Rounds
	links  *Links
	log    *mongo.Collection
	steps  *mongo.Collection
	// invites holds the invitations claimed, keyed round:URN:email (invitations.go).
	invites *mongo.Collection
	mail    Sender
	cfg     ChaseConfig
	holder  string
}

// NewChase chases the returns of rs, sending through m.
func NewChase(rs *Rounds, m Sender, cfg ChaseConfig) *Chase {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	host, _ := os.Hostname()
	return &Chase{rounds: rs, links: NewLinks(rs), log: rs.st.Collection("chase_log"), steps: rs.st.Collection("reminder_steps"),
		invites: rs.st.Collection("invitations"), mail: m, cfg: cfg,
		holder: host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)}
}

// ParseReminderDays reads a schedule written like "21, 7, 1".
func ParseReminderDays(s string) ([]int, error) {
	var days []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		d, err := strconv.Atoi(f)
		if err != nil || d < 0 || d > 120 {
			return nil, fmt.Errorf("%q is not a number of days from 0 to 120", f)
		}
		if !slices.Contains(days, d) {
			days = append(days, d)
		}
	}
	if len(days) > 10 {
		return nil, errors.New("give at most 10 reminder days")
	}
	slices.Sort(days)
	slices.Reverse(days)
	return days, nil
}

// FormatReminderDays writes a schedule as ParseReminderDays reads it: "21, 7, 1".
func FormatReminderDays(days []int) string {
	s := make([]string, len(days))
	for i, d := range days {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, ", ")
}

// SetReminderDays sets a round's reminder schedule (an empty schedule sends none), and
// records who did it.
func (rs *Rounds) SetReminderDays(ctx context.Context, by audit.Actor, year string, days []int) error {
	if days == nil {
		days = []int{}
	}
	var res *mongo.UpdateResult
	err := rs.st.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = rs.rounds.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}}, bson.D{{Key: "$set", Value: bson.D{{Key: "reminder_days", Value: days}}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("rounds: reminder schedule of %s: %w", year, err)
	}
	if res.MatchedCount == 0 {
		return ErrRoundNotFound
	}
	detail := "no reminders"
	if len(days) > 0 {
		detail = "reminders " + FormatReminderDays(days) + " days before the deadline"
	}
	record(ctx, rs.audit, by, audit.ActionReminderSchedule, year, detail)
	return nil
}

// DueStep is the reminder step due to a school on the London day of now: the nearest step
// to its deadline (its own date, with an extension) whose day has come, or -1 when none is
// due (no schedule, before the first step, or after the deadline). A step missed while the
// service was down is overtaken by a later one, so schools never get two reminders at once.
func (r Round) DueStep(ret Return, now time.Time) int {
	left := r.DaysToDeadlineOf(ret, now)
	if left < 0 {
		return -1
	}
	due := -1
	for _, d := range r.ReminderDays {
		if d >= left && (due == -1 || d < due) {
			due = d
		}
	}
	return due
}

// ReminderRun is what one run of the schedule did.
type ReminderRun struct {
	Busy        bool // another instance was sending: this run did nothing
	Rounds      []string
	Sent        int // emails sent, or kept in the outbox
	Failed      int // emails the mail server refused (recorded; the step is not retried)
	AlreadyDone int // schools that had this step already
	NoEmail     int // schools with no contact email
}

// RunDue sends every reminder step due at now, and records what it sent. Only one
// instance runs at a time (a lock in the store), and each school's step is claimed before
// its email is sent, so a step is never sent twice.
func (c *Chase) RunDue(ctx context.Context, now time.Time) (ReminderRun, error) {
	run, err := c.runDue(ctx, now)
	if run.Sent+run.Failed > 0 {
		record(ctx, c.rounds.audit, audit.System, audit.ActionRemindersSent, strings.Join(run.Rounds, ","),
			fmt.Sprintf("%d sent, %d failed", run.Sent, run.Failed))
	}
	return run, err
}

func (c *Chase) runDue(ctx context.Context, now time.Time) (ReminderRun, error) {
	var run ReminderRun
	release, err := c.rounds.st.Lock(ctx, "reminders", c.holder, 15*time.Minute)
	if errors.Is(err, store.ErrLocked) {
		run.Busy = true
		return run, nil
	}
	if err != nil {
		return run, err
	}
	defer release()
	rounds, err := c.rounds.List(ctx)
	if err != nil {
		return run, err
	}
	for _, round := range rounds {
		if round.State != RoundOpen {
			continue
		}
		// Read the list first: the sends write, and a cursor is not held open across them.
		var chase []Return
		all, err := c.rounds.returns.OfRound(ctx, round.ID)
		if err != nil {
			return run, err
		}
		book, err := c.rounds.book.byURN(ctx)
		if err != nil {
			return run, err
		}
		for _, r := range all {
			switch {
			case !r.Chaseable(), round.DueStep(r, now) < 0: // each school's steps follow its own deadline
			case len(recipients(round, r, book[r.URN])) == 0:
				run.NoEmail++
			default:
				chase = append(chase, r)
			}
		}
		if len(chase) > 0 || run.NoEmail > 0 {
			run.Rounds = append(run.Rounds, round.ID)
		}
		for _, r := range chase {
			step := round.DueStep(r, now)
			claimed, err := c.claim(ctx, round.DeadlineOf(r), r, step, now)
			if err != nil {
				return run, err
			}
			if !claimed {
				run.AlreadyDone++
				continue
			}
			e, err := c.remind(ctx, round, r, recipients(round, r, book[r.URN]), ContactReminder, step, "reminder schedule", now)
			if err := countDelivery(e, err, &run.Sent, &run.Failed); err != nil {
				return run, err
			}
		}
	}
	return run, nil
}

// countDelivery counts a reminder as sent or not delivered; any other failure stops the run.
func countDelivery(e ChaseEntry, err error, sent, failed *int) error {
	switch {
	case e.Delivery == outbox.StatusFailed:
		*failed++
	case err != nil:
		return err
	default:
		*sent++
	}
	return nil
}

// claim records that a school's step towards its deadline due is being sent; false means
// it already was. A moved deadline or an extension starts the schedule again.
func (c *Chase) claim(ctx context.Context, due string, r Return, step int, now time.Time) (bool, error) {
	return c.claimOnce(ctx, c.steps, r.ID+":"+strconv.Itoa(step)+"@"+due, bson.E{Key: "round", Value: r.Round}, now)
}

// claimOnce records in coll, under id, that something is being sent; false means it
// already was (by this instance or another: the store's unique _id decides).
func (c *Chase) claimOnce(ctx context.Context, coll *mongo.Collection, id string, extra bson.E, now time.Time) (bool, error) {
	err := c.rounds.st.Write(ctx, func(ctx context.Context) error {
		_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, extra, {Key: "at", Value: now.UTC()}, {Key: "by", Value: c.holder}})
		return err
	})
	if store.IsDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("chase: claiming %s: %w", id, err)
	}
	return true, nil
}

// Reachable counts the returns of list (of round year) a reminder would reach (by their
// contact email, or a contact in the round's roles), and those it would not: what a
// confirmation says before reminding a group.
func (c *Chase) Reachable(ctx context.Context, year string, list []Return) (reached, unreached int, err error) {
	round, err := c.rounds.Get(ctx, year)
	if err != nil {
		return 0, 0, err
	}
	book, err := c.rounds.book.byURN(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, r := range list {
		if len(recipients(round, r, book[r.URN])) > 0 {
			reached++
		} else {
			unreached++
		}
	}
	return reached, unreached, nil
}

// recipients is whom a school's reminders go to: the return's contact email and the
// school's contacts in the round's roles that mail reaches, each once.
func recipients(round Round, r Return, sc SchoolContacts) []string {
	var out []string
	add := func(email string) {
		if email != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, email) }) {
			out = append(out, email)
		}
	}
	add(r.ContactEmail)
	for _, ct := range sc.WithRoles(round.InvitesRoles()) {
		add(ct.Email)
	}
	return out
}

// SendReminder sends one school a reminder now, at an admin's request, and records it. A
// reminder that could not be delivered is recorded too, and in the chase log and the
// outbox; it gives the entry with its delivery failed, and the error.
func (c *Chase) SendReminder(ctx context.Context, by audit.Actor, id ReturnID, now time.Time) (ChaseEntry, error) {
	e, err := c.sendReminder(ctx, by, id, now)
	if err == nil || e.Delivery == outbox.StatusFailed {
		record(ctx, c.rounds.audit, by, audit.ActionReminderSent, id.String(), "")
	}
	return e, err
}

// GroupReminder is what reminding a group of schools did.
type GroupReminder struct {
	Sent, Failed, NoEmail int
}

// RemindGroup sends a reminder now to every school still to return that keep accepts (a
// filter of the chase list, described for the audit log by filter) and has a contact
// email, and records it once, with the counts.
func (c *Chase) RemindGroup(ctx context.Context, by audit.Actor, year string, keep func(Return) bool, filter string, now time.Time) (GroupReminder, error) {
	var g GroupReminder
	round, err := c.rounds.Get(ctx, year)
	if err != nil {
		return g, err
	}
	if round.State != RoundOpen {
		return g, ErrRoundNotOpen
	}
	list, err := c.rounds.returns.Outstanding(ctx, year, keep)
	if err != nil {
		return g, err
	}
	book, err := c.rounds.book.byURN(ctx)
	if err != nil {
		return g, err
	}
	for _, r := range list {
		if len(recipients(round, r, book[r.URN])) == 0 {
			g.NoEmail++
			continue
		}
		e, err := c.sendReminder(ctx, by, r.Key(), now)
		if err := countDelivery(e, err, &g.Sent, &g.Failed); err != nil {
			return g, err
		}
	}
	record(ctx, c.rounds.audit, by, audit.ActionReminderSent, year,
		fmt.Sprintf("%d sent, %d failed, %d without email; filter %s", g.Sent, g.Failed, g.NoEmail, filter))
	return g, nil
}

func (c *Chase) sendReminder(ctx context.Context, by audit.Actor, id ReturnID, now time.Time) (ChaseEntry, error) {
	round, err := c.rounds.Get(ctx, id.Round)
	if err != nil {
		return ChaseEntry{}, err
	}
	if round.State != RoundOpen {
		return ChaseEntry{}, ErrRoundNotOpen
	}
	r, err := c.rounds.returns.Get(ctx, id)
	if err != nil {
		return ChaseEntry{}, err
	}
	if !r.Chaseable() {
		return ChaseEntry{}, ErrNotChaseable
	}
	sc, err := c.rounds.book.OfSchool(ctx, r.URN)
	if err != nil {
		return ChaseEntry{}, err
	}
	to := recipients(round, r, sc)
	if len(to) == 0 {
		return ChaseEntry{}, ErrNoContactEmail
	}
	return c.remind(ctx, round, r, to, ContactManualReminder, 0, by.Name, now)
}

// remind emails a school's reminder to each address of to, and gives the first entry
// whose delivery failed, or else the last one.
func (c *Chase) remind(ctx context.Context, round Round, r Return, to []string, kind string, step int, by string, now time.Time) (ChaseEntry, error) {
	text := func(round Round, r Return, link string) (string, string) { return c.reminderText(round, r, link, now) }
	var last ChaseEntry
	for _, addr := range to {
		e, err := c.send(ctx, round, r, addr, kind, step, by, now, text)
		if err != nil || e.Delivery == outbox.StatusFailed {
			return e, err
		}
		last = e
	}
	return last, nil
}

// send emails a school's link to one address, in the words text gives, and logs it. It
// is the school's current link, the one of the mail merge: a reminder or an invitation
// never ends a governor's session or a link already sent.
func (c *Chase) send(ctx context.Context, round Round, r Return, to, kind string, step int, by string, now time.Time,
	text func(round Round, r Return, link string) (subject, body string)) (ChaseEntry, error) {
	token, err := c.links.currentLink(ctx, r)
	if err != nil {
		return ChaseEntry{}, err
	}
	if r.LinkIssued.IsZero() {
		if err := c.links.givenOut(ctx, round.ID, []string{r.ID}); err != nil {
			return ChaseEntry{}, err
		}
	}
	subject, body := text(round, r, urls.Return(c.cfg.PublicURL, token))
	purpose := "reminder"
	if kind == ContactInvitation {
		purpose = ContactInvitation
	}
	msg, sendErr := c.mail.Send(ctx, to, subject, body, purpose, r.ID, token)
	e := ChaseEntry{ID: bson.NewObjectID(), Return: r.ID, Round: round.ID, URN: r.URN, Kind: kind, Step: step, By: by, At: now.UTC(),
		To: to, Message: msg.ID.Hex(), Delivery: msg.Status, Error: msg.Error}
	if sendErr != nil && msg.Status != outbox.StatusFailed {
		return e, sendErr // not even recorded in the outbox: nothing was sent
	}
	if err := c.append(ctx, e, msg.Status != outbox.StatusFailed && kind != ContactInvitation); err != nil {
		return e, err
	}
	return e, sendErr
}

func (c *Chase) reminderText(round Round, r Return, link string, now time.Time) (subject, body string) {
	round = round.forReturn(r) // the school's own deadline, if it has an extension
	due := round.longDeadline()
	if round.Wording.ReminderSubject != "" || round.Wording.ReminderBody != "" {
		subject, body = round.Wording.ReminderSubject, round.Wording.ReminderBody
		if subject == "" {
			subject = "Reminder: {school}'s safeguarding assurance is due {deadline}"
		}
		if body == "" {
			body = DefaultInviteBody
		}
		return fill(subject, r.School.Name, due, link, c.cfg.Partnership), fill(body, r.School.Name, due, link, c.cfg.Partnership)
	}
	when := "today"
	switch left := round.DaysToDeadline(now); {
	case left == 1:
		when = "tomorrow"
	case left > 1:
		when = "in " + strconv.Itoa(left) + " days"
	case left < 0:
		when = "now overdue"
	}
	subject = fmt.Sprintf("Reminder: %s's safeguarding assurance is due %s", r.School.Name, due)
	var b strings.Builder
	fmt.Fprintf(&b, "Dear governor,\n\n%s has not yet received %s's annual safeguarding assurance for %s (URN %d).\n",
		c.cfg.Partnership, r.School.Name, round.ID, r.URN)
	fmt.Fprintf(&b, "It is due by %s (%s).\n\nOpen your school's form with this link:\n%s\n\n", due, when, link)
	b.WriteString("It is the same link your school was sent before; anything already saved is kept.\n")
	b.WriteString("Please do not forward it: it opens your school's return.\n\n")
	b.WriteString(c.cfg.Partnership + "\n")
	return subject, b.String()
}

// RecordContact logs a contact an admin had with a school (a phone call, a note...), and
// records it in the audit log.
func (c *Chase) RecordContact(ctx context.Context, by audit.Actor, id ReturnID, kind, note string, now time.Time) (ChaseEntry, error) {
	if !slices.Contains(RecordedContactKinds, kind) {
		return ChaseEntry{}, ErrContactKind
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return ChaseEntry{}, ErrNoteMissing
	}
	if utf8.RuneCountInString(note) > 2000 {
		return ChaseEntry{}, ErrNoteTooLong
	}
	r, err := c.rounds.returns.Get(ctx, id)
	if err != nil {
		return ChaseEntry{}, err
	}
	e := ChaseEntry{ID: bson.NewObjectID(), Return: r.ID, Round: id.Round, URN: id.URN, Kind: kind, By: by.Name, At: now.UTC(), Note: note}
	if err := c.append(ctx, e, false); err != nil {
		return e, err
	}
	record(ctx, c.rounds.audit, by, audit.ActionContactRecorded, r.ID, kind)
	return e, nil
}

// append adds an entry to the log and updates the return's chase counters.
func (c *Chase) append(ctx context.Context, e ChaseEntry, reminded bool) error {
	err := c.rounds.st.Write(ctx, func(ctx context.Context) error {
		_, err := c.log.InsertOne(ctx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("chase: logging contact with %s: %w", e.Return, err)
	}
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "last_contact", Value: e.At}}}}
	if reminded {
		update = append(update, bson.E{Key: "$inc", Value: bson.D{{Key: "reminders", Value: 1}}})
	}
	return c.rounds.returns.write(ctx, e.Round, []int{e.URN}, func(ctx context.Context) error {
		_, err := c.rounds.returns.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: e.Return}}, update)
		return err
	})
}

// Log lists a school's contacts in a round, newest first.
func (c *Chase) Log(ctx context.Context, id ReturnID) ([]ChaseEntry, error) {
	out, err := store.FindAll[ChaseEntry](ctx, c.log, bson.D{{Key: "return", Value: id.String()}},
		options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("chase: reading the log: %w", err)
	}
	return out, nil
}
