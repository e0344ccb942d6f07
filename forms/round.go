package forms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
)

// Round states.
const (
	RoundDraft    = "draft"
	RoundOpen     = "open"
	RoundClosed   = "closed"
	RoundArchived = "archived"
)

// Errors about rounds.
var (
	ErrRoundNotFound = problem.New(problem.NotFound, "no round for that academic year")
	ErrRoundExists   = problem.New(problem.WrongState, "a round for that academic year already exists")
	ErrRoundState    = problem.New(problem.WrongState, "the round is not in a state that allows this")
)

// Round is one year's assurance round. Its form definition is a copy, versioned with the
// round, so changing next year's wording never changes this year's returns.
type Round struct {
	ID         string     `bson:"_id"`      // the academic year, like 2024-25
	Opens      string     `bson:"opens"`    // yyyy-mm-dd
	Deadline   string     `bson:"deadline"` // yyyy-mm-dd
	GraceDays  int        `bson:"grace_days"`
	State      string     `bson:"state"`
	Definition Definition `bson:"definition"`
	Created    time.Time  `bson:"created"`
	Opened     time.Time  `bson:"opened,omitempty"`
	Expected   int        `bson:"expected"` // schools expected to return, set when the round opens
	// EmailCode makes a link ask also for a one-time code sent to the school's contact email.
	EmailCode bool `bson:"email_code"`
	// TwoPerson asks for sign-off by two people: the return is prepared through the
	// school's link and confirmed by a governor through a link of their own (signoff.go).
	TwoPerson bool `bson:"two_person,omitempty"`
	// CarryForward lets a school's return start from the answers it last submitted
	// (carry.go).
	CarryForward bool `bson:"carry_forward,omitempty"`
	// ReminderDays is the reminder schedule: days before the deadline on which schools
	// that have not returned are emailed, largest first.
	ReminderDays []int `bson:"reminder_days"`
	// RetentionYears is how long after the deadline the returns' answers are kept (0:
	// DefaultRetentionYears); Purged is when they were removed.
	RetentionYears int       `bson:"retention_years,omitempty"`
	Purged         time.Time `bson:"purged,omitempty"`
	// InviteRoles are the contact book's roles the round invites and reminds (none set:
	// DefaultInviteRoles); Wording is what its invitation and reminders say.
	InviteRoles []Role  `bson:"invite_roles,omitempty"`
	Wording     Wording `bson:"wording,omitempty"`
	// InviteOn (yyyy-mm-dd) is the day from which the service sends the invitations by
	// itself while the round is open; empty: only when an admin or a command sends them.
	InviteOn string `bson:"invite_on,omitempty"`
}

// DefaultReminderDays is the schedule a new round starts with.
var DefaultReminderDays = []int{21, 7, 1}

// Rounds is the partnership's rounds, one per academic year: each with its form, its
// dates and its state. Opening a round gives each expected school a return (Returns).
type Rounds struct {
	st       *store.Store
	rounds   *mongo.Collection
	returns  *Returns
	links    *linkStore // the links' lookup documents and secret: see links.go
	register *Register
	book     *ContactBook // the partnership's contacts, read to invite and remind
	audit    *audit.Log   // the rules here record what they do
	recent   sync.Map     // year → recentRound, for Recent
}

// recentRound is a round as read at a time.
type recentRound struct {
	round Round
	read  time.Time
}

// recentFor is how long Recent may hand back a round already read. A round (with its
// whole form definition) is the largest document a governor's page reads, and every page
// reads it: the load test showed its decoding as the largest cost of a deadline day.
const recentFor = 2 * time.Second

// NewRounds opens the rounds in st.
func NewRounds(st *store.Store, register *Register) *Rounds {
	rs := &Rounds{st: st, rounds: st.Collection("rounds"), returns: newReturns(st), links: newLinkStore(st),
		register: register, book: newContactBook(st, register), audit: audit.New(st)}
	rs.book.changed = rs.defaultContactEmails
	return rs
}

// defaultContactEmails gives the returns of open rounds of the schools urns that have no
// contact email the contact book's default, after the book changed, and records it.
func (rs *Rounds) defaultContactEmails(ctx context.Context, by audit.Actor, urns []int) error {
	rounds, err := rs.List(ctx)
	if err != nil {
		return err
	}
	for _, round := range rounds {
		if round.State != RoundOpen {
			continue
		}
		all, err := rs.returns.OfRound(ctx, round.ID)
		if err != nil {
			return err
		}
		byURN := make(map[int]Return, len(all))
		for _, r := range all {
			byURN[r.URN] = r
		}
		set := 0
		for _, urn := range urns {
			r, ok := byURN[urn]
			if !ok || r.ContactEmail != "" {
				continue
			}
			sc, err := rs.book.OfSchool(ctx, urn)
			if err != nil {
				return err
			}
			if email := sc.DefaultEmail(); email != "" {
				if err := rs.returns.setContactEmail(ctx, r.Key(), email); err != nil {
					return err
				}
				set++
			}
		}
		if set > 0 {
			record(ctx, rs.audit, by, audit.ActionContactsLoaded, round.ID, fmt.Sprintf("%d contact emails from the contact book", set))
		}
	}
	return nil
}

// ContactBook is the partnership's contacts at each school, which outlive rounds.
func (rs *Rounds) ContactBook() *ContactBook { return rs.book }

// Returns is the returns of the rounds.
func (rs *Rounds) Returns() *Returns { return rs.returns }

// EnsureIndexes creates the indexes the rounds' returns use on MongoDB.
func (rs *Rounds) EnsureIndexes(ctx context.Context) error { return rs.returns.EnsureIndexes(ctx) }

// NewRoundInput is what an admin gives to create a round.
type NewRoundInput struct {
	Year         string
	Opens        string // yyyy-mm-dd
	Deadline     string // yyyy-mm-dd
	GraceDays    int
	EmailCode    bool
	TwoPerson    bool
	CarryForward bool
}

// Check applies the rules of a new round to what an admin gave, field by field: an
// academic year, both dates, the deadline after the opening date, and a grace period of
// 0 to 60 days. Every broken rule is given, so a form can show them all at once.
func (in NewRoundInput) Check() problem.FieldErrors {
	var errs problem.FieldErrors
	add := func(field, msg string) { errs = append(errs, problem.FieldError{Field: field, Message: msg}) }
	if academic.CheckYear(in.Year) != nil {
		add("year", "Enter the academic year, like 2024-25")
	}
	opens, errOpens := time.Parse(time.DateOnly, in.Opens)
	if errOpens != nil {
		add("opens", "Enter the opening date")
	}
	deadline, errDeadline := time.Parse(time.DateOnly, in.Deadline)
	switch {
	case errDeadline != nil:
		add("deadline", "Enter the deadline")
	case errOpens == nil && !deadline.After(opens):
		add("deadline", "The deadline must be after the opening date")
	}
	if in.GraceDays < 0 || in.GraceDays > 60 {
		add("grace_days", "Enter a grace period of 0 to 60 days")
	}
	return errs
}

// Create makes a draft round, starting from the last round's definition, or the default
// one for the first round, and records who did it.
func (rs *Rounds) Create(ctx context.Context, by audit.Actor, in NewRoundInput) (Round, error) {
	if errs := in.Check(); len(errs) > 0 {
		return Round{}, errs
	}
	def, err := rs.startingDefinition(ctx)
	if err != nil {
		return Round{}, err
	}
	r := Round{ID: in.Year, Opens: in.Opens, Deadline: in.Deadline, GraceDays: in.GraceDays, State: RoundDraft,
		Definition: *def, Created: time.Now().UTC(), EmailCode: in.EmailCode, TwoPerson: in.TwoPerson, CarryForward: in.CarryForward, ReminderDays: slices.Clone(DefaultReminderDays)}
	err = rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.rounds.InsertOne(ctx, r)
		return err
	})
	if store.IsDuplicateKey(err) {
		return Round{}, ErrRoundExists
	}
	if err != nil {
		return Round{}, fmt.Errorf("rounds: creating %s: %w", in.Year, err)
	}
	record(ctx, rs.audit, by, audit.ActionRoundCreated, r.ID,
		fmt.Sprintf("opens %s, deadline %s, form version %d", r.Opens, r.Deadline, r.Definition.Version))
	return r, nil
}

func (rs *Rounds) startingDefinition(ctx context.Context) (*Definition, error) {
	var last Round
	err := rs.rounds.FindOne(ctx, bson.D{}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&last)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return DefaultDefinition()
	}
	if err != nil {
		return nil, fmt.Errorf("rounds: reading the last round: %w", err)
	}
	d := last.Definition
	d.Version++
	return &d, nil
}

// Get returns a round by academic year.
func (rs *Rounds) Get(ctx context.Context, year string) (Round, error) {
	r, err := store.FindByID[Round](ctx, rs.rounds, year, ErrRoundNotFound)
	if err != nil && !errors.Is(err, ErrRoundNotFound) {
		return r, fmt.Errorf("rounds: reading %s: %w", year, err)
	}
	return r, err
}

// Recent returns the round as read at most two seconds ago, for showing pages. Anything
// that decides on the round's state (Submit) reads it afresh with Get.
func (rs *Rounds) Recent(ctx context.Context, year string) (Round, error) {
	if v, ok := rs.recent.Load(year); ok && time.Since(v.(recentRound).read) < recentFor {
		return v.(recentRound).round, nil
	}
	r, err := rs.Get(ctx, year)
	if err == nil {
		rs.recent.Store(year, recentRound{round: r, read: time.Now()})
	}
	return r, err
}

// List returns every round, newest first.
func (rs *Rounds) List(ctx context.Context) ([]Round, error) {
	out, err := store.FindAll[Round](ctx, rs.rounds, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).
		SetProjection(bson.D{{Key: "definition", Value: 0}}))
	if err != nil {
		return nil, fmt.Errorf("rounds: listing: %w", err)
	}
	return out, nil
}

// setState moves a round from one state to another, refusing any other move.
func (rs *Rounds) setState(ctx context.Context, year, from, to string, extra bson.D) error {
	set := append(bson.D{{Key: "state", Value: to}}, extra...)
	var res *mongo.UpdateResult
	err := rs.st.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = rs.rounds.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}, {Key: "state", Value: from}}, bson.D{{Key: "$set", Value: set}})
		return err
	})
	if err != nil {
		return fmt.Errorf("rounds: %s to %s: %w", from, to, err)
	}
	if res.MatchedCount == 0 {
		if _, err := rs.Get(ctx, year); err != nil {
			return err
		}
		return ErrRoundState
	}
	return nil
}

// Open opens a draft round: every open school of the register at this moment is expected
// to return (colleges are outside the schools return), and each gets a return. Opening is
// safe to repeat after a crash: returns already made are kept. It records who did it.
func (rs *Rounds) Open(ctx context.Context, by audit.Actor, year string) (Round, error) {
	r, err := rs.Get(ctx, year)
	if err != nil {
		return r, err
	}
	if r.State != RoundDraft && r.State != RoundOpen {
		return r, ErrRoundState
	}
	schools, _, err := rs.register.List(ctx, SchoolFilter{Status: StatusOpen})
	if err != nil {
		return r, err
	}
	now := time.Now().UTC()
	var returns []Return
	for _, s := range schools {
		if s.Phase == PhaseCollege {
			continue
		}
		returns = append(returns, newReturn(year, s.Record, now))
	}
	if err := rs.book.defaultContactEmails(ctx, returns); err != nil {
		return r, err
	}
	if err := rs.insertReturns(ctx, returns); err != nil {
		return r, fmt.Errorf("rounds: making returns: %w", err)
	}
	if err := rs.returns.countChange(ctx, year); err != nil {
		return r, err
	}
	if r.State == RoundDraft {
		if err := rs.setState(ctx, year, RoundDraft, RoundOpen, bson.D{{Key: "opened", Value: now}, {Key: "expected", Value: len(returns)}}); err != nil {
			return r, err
		}
	}
	if r, err = rs.Get(ctx, year); err != nil {
		return r, err
	}
	record(ctx, rs.audit, by, audit.ActionRoundOpened, year, fmt.Sprintf("%d schools expected", r.Expected))
	return r, nil
}

// insertReturns makes returns, each with its first link; any already made are kept.
func (rs *Rounds) insertReturns(ctx context.Context, returns []Return) error {
	if err := rs.firstLinks(ctx, returns); err != nil {
		return err
	}
	docs := make([]any, len(returns))
	for i, r := range returns {
		docs[i] = r
	}
	return rs.register.insertMany(ctx, rs.returns.returns, docs, func(int) {})
}

// Close stops a round taking submissions, and records who did it.
func (rs *Rounds) Close(ctx context.Context, by audit.Actor, year string) error {
	if err := rs.setState(ctx, year, RoundOpen, RoundClosed, nil); err != nil {
		return err
	}
	rs.recent.Delete(year) // governors' pages see the round closed at once
	record(ctx, rs.audit, by, audit.ActionRoundClosed, year, "")
	return nil
}

// ReopenRound opens a closed round again, so schools can return (their links work
// again); an archived round stays put away. It records who did it.
func (rs *Rounds) ReopenRound(ctx context.Context, by audit.Actor, year string) error {
	if err := rs.setState(ctx, year, RoundClosed, RoundOpen, nil); err != nil {
		return err
	}
	rs.recent.Delete(year)
	record(ctx, rs.audit, by, audit.ActionRoundReopened, year, "")
	return nil
}

// ToExpect counts the schools that would be expected to return if a round opened now:
// the open schools of the register, less colleges.
func (rs *Rounds) ToExpect(ctx context.Context) (int, error) {
	schools, _, err := rs.register.List(ctx, SchoolFilter{Status: StatusOpen})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range schools {
		if s.Phase != PhaseCollege {
			n++
		}
	}
	return n, nil
}

// Archive puts a closed round away, and records who did it.
func (rs *Rounds) Archive(ctx context.Context, by audit.Actor, year string) error {
	if err := rs.setState(ctx, year, RoundClosed, RoundArchived, nil); err != nil {
		return err
	}
	record(ctx, rs.audit, by, audit.ActionRoundArchived, year, "")
	return nil
}

// SetDefinition replaces a draft round's form with an edited one, which must load
// cleanly. Once a round is open only its wording can change, in the editor (ChangeForm),
// so every school answers the same questions. It records who did it, and the file the
// form came from (source).
func (rs *Rounds) SetDefinition(ctx context.Context, by audit.Actor, year string, data []byte, source string) (Definition, error) {
	def, err := ParseDefinition(data)
	if err != nil {
		return Definition{}, err
	}
	cur, err := rs.Get(ctx, year)
	if err != nil {
		return Definition{}, err
	}
	// A file that drops a question retires its ID, and one that leaves out the retired
	// list keeps the round's: an ID is never used again, whatever the file says.
	def.Retired = retiredAfter(cur.Definition, *def)
	if err := def.check(); err != nil {
		return Definition{}, fmt.Errorf("form definition: %w", err)
	}
	var res *mongo.UpdateResult
	err = rs.st.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = rs.rounds.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}, {Key: "state", Value: RoundDraft},
			{Key: "definition.version", Value: cur.Definition.Version}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "definition", Value: def}}}})
		return err
	})
	if err != nil {
		return Definition{}, fmt.Errorf("rounds: setting the form of %s: %w", year, err)
	}
	if res.MatchedCount == 0 {
		if now, err := rs.Get(ctx, year); err == nil && now.State == RoundDraft {
			return Definition{}, ErrFormChanged
		}
		return Definition{}, fmt.Errorf("%w: the form can be changed only while the round is a draft", ErrRoundState)
	}
	record(ctx, rs.audit, by, audit.ActionFormChanged, year, fmt.Sprintf("form version %d from %s", def.Version, source))
	return *def, nil
}

// retiredAfter is the retired IDs of a form that replaces old with next: old's and next's
// retired IDs, and the IDs of old's questions that next does not have.
func retiredAfter(old, next Definition) []string {
	out := slices.Clone(old.Retired)
	add := func(id string) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, id := range next.Retired {
		add(id)
	}
	for _, s := range old.Sections {
		for _, q := range s.Questions {
			if _, ok := next.Question(q.ID); !ok {
				add(q.ID)
			}
		}
	}
	return out
}
