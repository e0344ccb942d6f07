package forms

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
)

// Return statuses.
const (
	StatusNotStarted = "not_started"
	StatusInProgress = "in_progress"
	StatusSubmitted  = "submitted"
	StatusReopened   = "reopened"
)

// Errors about returns and links.
var (
	ErrReturnNotFound = problem.New(problem.NotFound, "no return for that school in that round")
	ErrLinkInvalid    = problem.New(problem.NotFound, "this link is not valid: it may have been replaced by a newer one")
	ErrConflict       = problem.New(problem.Conflict, "someone else saved this return since you opened it")
	ErrNotEditable    = problem.New(problem.WrongState, "this return has been submitted and cannot be changed")
	ErrRoundNotOpen   = problem.New(problem.WrongState, "the round is not open for returns")
	ErrIncomplete     = problem.New(problem.WrongState, "every section must be completed before the return is submitted")
	ErrAlreadyInRound = problem.New(problem.WrongState, "that school is already in the round")
	ErrExemptReason   = problem.New(problem.Invalid, "enter the reason the school is exempt")
)

// QuestionAssuranceGiven is the declaration's question whose "no" means the board could
// not give assurance, and the two that then give the action plan and its date.
const (
	QuestionAssuranceGiven = "assurance.given"
	QuestionActionPlan     = "assurance.action_plan"
	QuestionTargetDate     = "assurance.target_date"
)

// ReturnSchool is what a return keeps of its school, as it was when the round opened.
type ReturnSchool struct {
	Name       string     `bson:"name"`
	LACode     string     `bson:"la_code"`
	Phase      Phase      `bson:"phase"`
	Governance Governance `bson:"governance"`
	AllThrough bool       `bson:"all_through"`
	District   string     `bson:"district,omitempty"`
	Trust      string     `bson:"trust,omitempty"`
	Record     Record     `bson:"record"`
}

// StoredAnswer is one answer in a return. Answers are a list, not a map keyed by question
// ID, because IDs contain dots, which MongoDB reads as paths.
type StoredAnswer struct {
	Question string `bson:"q"`
	Answer   `bson:",inline"`
	// Carried marks an answer carried from the school's last submission and not yet
	// confirmed by saving its section (carry.go).
	Carried bool `bson:"carried,omitempty"`
}

// Return is one school's return in one round: the single document that changes
// atomically, with a version for optimistic concurrency.
type Return struct {
	ID           string         `bson:"_id"` // year:URN
	Round        string         `bson:"round"`
	URN          int            `bson:"urn"`
	School       ReturnSchool   `bson:"school"`
	Exempt       bool           `bson:"exempt"`
	ExemptReason string         `bson:"exempt_reason,omitempty"`
	AddedLate    bool           `bson:"added_late,omitempty"`
	LinkHash     string         `bson:"link_hash,omitempty"`
	LinkGen      int            `bson:"link_gen,omitempty"` // the link's generation: see links.go
	LinkIssued   time.Time      `bson:"link_issued,omitempty"`
	Status       string         `bson:"status"`
	Answers      []StoredAnswer `bson:"answers"`
	Completed    []string       `bson:"completed"` // section IDs the governor has completed
	Version      int            `bson:"version"`
	// Trail is the audit entries of the governor's saves, written with the saves
	// themselves (audit.Trail): one store write per save.
	Trail     audit.Trail `bson:"trail,omitempty"`
	Submitted time.Time   `bson:"submitted,omitempty"`
	// CannotAssure says the board could not give assurance (set on submission), so lists
	// that read returns without their answers can still find these schools.
	CannotAssure bool `bson:"cannot_assure,omitempty"`
	// FirstSubmitted is when the school first returned: the day it counts on the chart.
	FirstSubmitted time.Time `bson:"first_submitted,omitempty"`
	Late           bool      `bson:"late,omitempty"`
	Reference      string    `bson:"reference,omitempty"`
	SubmitKey      string    `bson:"submit_key,omitempty"`
	Submissions    int       `bson:"submissions"`
	ReopenReason   string    `bson:"reopen_reason,omitempty"`
	// Extension is the school's own deadline (yyyy-mm-dd), given by an admin with a
	// reason; empty, the round's deadline applies. See deadlines.go.
	Extension       string `bson:"extension,omitempty"`
	ExtensionReason string `bson:"extension_reason,omitempty"`
	// Two-person sign-off (signoff.go): who prepared the return and who confirmed it, the
	// hash of the confirmation link, where it went, the sending's form key, and the
	// confirming governor's comment when they sent it back.
	Preparer     *Person   `bson:"preparer,omitempty"`
	Confirmer    *Person   `bson:"confirmer,omitempty"`
	ConfirmHash  string    `bson:"confirm_hash,omitempty"`
	ConfirmTo    string    `bson:"confirm_to,omitempty"`
	SendKey      string    `bson:"send_key,omitempty"`
	SentBack     string    `bson:"sent_back,omitempty"`
	ContactEmail string    `bson:"contact_email,omitempty"`
	Code         codeState `bson:",inline"`
	// Chasing, counted here so the dashboard reads one document per school; the chase
	// log keeps each contact.
	LinksIssued int       `bson:"links_issued,omitempty"`
	Reminders   int       `bson:"reminders,omitempty"`
	LastContact time.Time `bson:"last_contact,omitempty"`
	Updated     time.Time `bson:"updated"`
}

// ReturnID names one school's return in one round. Every service that acts on one return
// takes one; it is stored, and shown in links and the audit log, as "2024-25:120001".
type ReturnID struct {
	Round string // the round's academic year
	URN   int
}

func (id ReturnID) String() string { return id.Round + ":" + strconv.Itoa(id.URN) }

// Key is the return's ID.
func (r Return) Key() ReturnID { return ReturnID{Round: r.Round, URN: r.URN} }

// Returns is every round's returns: each school's return (one document that changes
// atomically, with a version), its submitted versions, and the lists of a round's returns
// kept between reads (return_lists.go). Rounds open returns and submit them; chasing,
// links and one-time codes write their own fields of a return through it.
type Returns struct {
	st       *store.Store
	returns  *mongo.Collection
	versions *mongo.Collection
	changes  *mongo.Collection // change counters of rounds: see return_lists.go
	lists    listCache         // round lists: see return_lists.go
	audit    *audit.Log
}

func newReturns(st *store.Store) *Returns {
	rs := &Returns{st: st, returns: st.Collection("returns"), versions: st.Collection("return_versions"),
		changes: st.Collection("round_stamps"), lists: listCache{byRound: map[string]roundList{}}, audit: audit.New(st)}
	audit.Trails(st, "returns", rs.trail)
	return rs
}

// trail is the trail of the return named who, if who names one, for a history of it
// (audit.Trails): an entry a crash kept out of the audit log is still shown.
func (rs *Returns) trail(ctx context.Context, who string) (audit.Trail, error) {
	id, ok := ParseReturnID(who)
	if !ok {
		return nil, nil
	}
	var r struct {
		Trail audit.Trail `bson:"trail"`
	}
	err := rs.returns.FindOne(ctx, bson.D{{Key: "_id", Value: id.String()}}, options.FindOne().SetProjection(bson.D{{Key: "trail", Value: 1}})).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	return r.Trail, err
}

func newReturn(year string, s Record, now time.Time) Return {
	return Return{ID: ReturnID{Round: year, URN: s.URN}.String(), Round: year, URN: s.URN, Status: StatusNotStarted, Updated: now,
		Answers: []StoredAnswer{}, Completed: []string{},
		School: ReturnSchool{Name: s.Name, LACode: s.LACode, Phase: s.Phase, Governance: s.Governance, AllThrough: s.AllThrough,
			District: s.District, Trust: s.Trust, Record: s}}
}

// AnswerMap returns the answers by question ID.
func (r Return) AnswerMap() map[string]Answer {
	m := make(map[string]Answer, len(r.Answers))
	for _, a := range r.Answers {
		m[a.Question] = a.Answer
	}
	return m
}

// StatusLabel is how an admin reads a return's state.
func (r Return) StatusLabel() string {
	switch {
	case r.Exempt:
		return "exempt"
	case r.Status == StatusSubmitted && r.Late:
		return "submitted late"
	}
	return map[string]string{StatusNotStarted: "not started", StatusInProgress: "in progress",
		StatusSubmitted: "submitted", StatusReopened: "reopened", StatusAwaitingConfirmation: "awaiting confirmation"}[r.Status]
}

// Editable says whether a governor may change the return.
func (r Return) Editable() bool {
	return !r.Exempt && (r.Status == StatusNotStarted || r.Status == StatusInProgress || r.Status == StatusReopened)
}

// Get returns a school's return in a round.
func (rs *Returns) Get(ctx context.Context, id ReturnID) (Return, error) {
	return rs.byID(ctx, id.String())
}

// byID reads a return by its stored ID, as links and the chase log keep it.
func (rs *Returns) byID(ctx context.Context, id string) (Return, error) {
	r, err := store.FindByID[Return](ctx, rs.returns, id, ErrReturnNotFound)
	if err != nil && !errors.Is(err, ErrReturnNotFound) {
		return r, fmt.Errorf("returns: reading %s: %w", id, err)
	}
	return r, err
}

// saveEntry stores a governor's (by's) entry into a section of the return r, if r is
// still at the version they loaded (else ErrConflict, with the newer return). What is
// well formed is kept; the section is completed only when the entry completes it
// (Entry.Completes). Answers of questions not in the section are left alone.
// Assurance.SaveSection reads the entry from what was typed: nothing else decides
// completion.
//
// The save is one store write in the steady state: its audit entry rides on the return's
// trail in the same update (copied to the audit log after), the round's change stamp
// moves only when the status does (updateAt), and the saved return is made here from r,
// not read again. Its fields that change without a version (reminders, links) are as r
// had them.
func (rs *Returns) saveEntry(ctx context.Context, by audit.Actor, r Return, version int, section Section, e Entry) (Return, error) {
	if !r.Editable() {
		return r, ErrNotEditable
	}
	if r.Version != version {
		return r, ErrConflict
	}
	answers, completed := r.withSection(section, e)
	status := r.Status
	if status == StatusNotStarted {
		status = StatusInProgress
	}
	now := time.Now().UTC()
	trail, entry := r.Trail.With(audit.Entry{At: now, Actor: by.Name, IP: by.IP, Action: audit.ActionReturnSaved, Target: r.ID, Detail: section.ID})
	saved, err := rs.updateAt(ctx, r.Key(), version,
		bson.D{{Key: "$set", Value: bson.D{{Key: "answers", Value: answers}, {Key: "completed", Value: completed},
			{Key: "status", Value: status}, {Key: "updated", Value: now}, {Key: "trail", Value: trail}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}, status != r.Status)
	if err != nil {
		return r, fmt.Errorf("returns: saving %s: %w", r.ID, err)
	}
	if !saved {
		// Someone saved between our read and our write: hand back what they saved.
		latest, err := rs.Get(ctx, r.Key())
		if err != nil {
			return r, err
		}
		return latest, ErrConflict
	}
	rs.audit.Copy(entry)
	r.Answers, r.Completed, r.Status, r.Updated, r.Trail, r.Version = answers, completed, status, now, trail, version+1
	return r, nil
}

// withSection is the return's answers and completed sections once an entry for a section
// is saved: the section's well-formed answers replace its old ones, and it is completed
// only if the entry completes it.
func (r Return) withSection(section Section, e Entry) ([]StoredAnswer, []string) {
	inSection := map[string]bool{}
	for _, q := range section.Questions {
		inSection[q.ID] = true
	}
	kept := r.Answers[:0:0]
	for _, a := range r.Answers {
		if !inSection[a.Question] {
			kept = append(kept, a)
		}
	}
	valid := e.Valid()
	for _, q := range section.Questions {
		if a, ok := valid[q.ID]; ok && !a.Empty() {
			kept = append(kept, StoredAnswer{Question: q.ID, Answer: a})
		}
	}
	slices.SortFunc(kept, func(a, b StoredAnswer) int { return strings.Compare(a.Question, b.Question) })
	completed := slices.DeleteFunc(slices.Clone(r.Completed), func(s string) bool { return s == section.ID })
	if e.Completes(section) {
		completed = append(completed, section.ID)
		slices.Sort(completed)
	}
	return kept, completed
}

// referenceAlphabet has no letters or digits that look alike (0/O, 1/I/L, 2/Z, 5/S, 8/B).
const referenceAlphabet = "ACDEFGHJKMNPQRTUVWXY34679"

// NewReference makes an 8-character submission reference.
func NewReference() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = referenceAlphabet[int(b[i])%len(referenceAlphabet)]
	}
	return string(b)
}

// ValidReference says whether s has the form of a reference.
func ValidReference(s string) bool {
	if len(s) != 8 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune(referenceAlphabet, c) {
			return false
		}
	}
	return true
}

// ReturnVersion is a submitted return, kept for good: every submission is a version.
type ReturnVersion struct {
	ID        string         `bson:"_id"` // return ID and version number
	Return    string         `bson:"return"`
	Number    int            `bson:"number"`
	Reference string         `bson:"reference"`
	Submitted time.Time      `bson:"submitted"`
	Late      bool           `bson:"late"`
	Answers   []StoredAnswer `bson:"answers"`
	// Preparer and Confirmer are the two people of a two-person sign-off.
	Preparer  *Person `bson:"preparer,omitempty"`
	Confirmer *Person `bson:"confirmer,omitempty"`
}

// Submission is a governor's submit: the declaration as typed and the form's one-off key.
type Submission struct {
	// Version is the version of the return the governor checked.
	Version int
	// Key identifies the submit form (a hidden field): the same key again, from a double
	// click or a resent request, is the same submission.
	Key string
	// Declaration is the declaration section's fields as posted.
	Declaration url.Values
	At          time.Time
}

// submittedWith says whether the return was submitted by the submit form with key.
func (r Return) submittedWith(key string) bool {
	return r.Status == StatusSubmitted && r.SubmitKey == key && key != ""
}

// sign is the return's answers and completed sections once the declaration entry e is
// signed: every section the school is asked (sections) must then be complete, or
// ErrIncomplete.
func (r Return) sign(sections []Section, e Entry) ([]StoredAnswer, []string, error) {
	declaration, ok := DeclarationSection(sections)
	if !ok {
		return nil, nil, ErrIncomplete
	}
	answers, completed := r.withSection(declaration, e)
	if _, missing := (Return{Completed: completed}).FirstIncomplete(sections); missing {
		return nil, nil, ErrIncomplete
	}
	return answers, completed, nil
}

// submit signs and submits a return in one write, if its round is open, the declaration
// is well formed, the return is still at the version the governor checked and every
// section the school is asked is complete. The same key again returns the first
// submission and makes no other, however the requests race. It gives back the
// declaration as read, and whether this call made the submission (false for a repeat).
// With confirming (a confirmation link's hash, which is then the key) it is a governor's
// confirmation of a return prepared for them (signoff.go); without, a school's own
// submission, which a two-person round refuses.
func (rs *Rounds) submit(ctx context.Context, id ReturnID, s Submission, confirming string) (Return, Entry, bool, error) {
	r, err := rs.returns.Get(ctx, id)
	if err != nil {
		return r, Entry{}, false, err
	}
	if r.submittedWith(s.Key) {
		return r, Entry{}, false, nil
	}
	switch {
	case confirming != "" && !r.awaitingWith(confirming):
		return r, Entry{}, false, ErrConfirmLinkInvalid
	case confirming == "" && !r.Editable():
		return r, Entry{}, false, ErrNotEditable
	}
	round, err := rs.Get(ctx, r.Round) // not the cached copy: another instance may have closed it
	if err != nil {
		return r, Entry{}, false, err
	}
	if round.State != RoundOpen {
		return r, Entry{}, false, ErrRoundNotOpen
	}
	if confirming == "" && round.TwoPerson {
		return r, Entry{}, false, ErrNeedsConfirmation
	}
	sections := round.Sections(r)
	declaration, _ := DeclarationSection(sections)
	if confirming != "" {
		declaration = ConfirmerDeclaration(declaration)
	}
	e := ReadSection(declaration, s.Declaration, false, s.At)
	if confirming != "" {
		r.checkConfirmer(e)
	}
	if len(e.Errors) > 0 {
		return r, e, false, &InvalidEntry{Section: declaration, Entry: e}
	}
	if r.Version != s.Version {
		return r, e, false, ErrConflict
	}
	answers, completed, err := r.sign(sections, e)
	if err != nil {
		return r, e, false, err
	}
	at := s.At.UTC()
	ref, late, n := NewReference(), round.Late(r, at), r.Submissions+1
	signed := Return{Answers: answers}
	cannotAssure := signed.AnswerMap()[QuestionAssuranceGiven].Value == "no"
	set := bson.D{{Key: "answers", Value: answers}, {Key: "completed", Value: completed},
		{Key: "status", Value: StatusSubmitted}, {Key: "submitted", Value: at},
		{Key: "late", Value: late}, {Key: "reference", Value: ref}, {Key: "submit_key", Value: s.Key},
		{Key: "submissions", Value: n}, {Key: "updated", Value: at},
		{Key: "cannot_assure", Value: cannotAssure}}
	if n == 1 {
		set = append(set, bson.E{Key: "first_submitted", Value: at})
	}
	submitted := r
	if confirming != "" {
		submitted.Confirmer = confirmer(declaration, signed.AnswerMap(), at)
		set = append(set, bson.E{Key: "confirmer", Value: submitted.Confirmer})
	}
	submittedNow, err := rs.returns.update(ctx, id, s.Version, bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil {
		return r, e, false, fmt.Errorf("returns: submitting %s: %w", id, err)
	}
	if !submittedNow {
		latest, err := rs.returns.Get(ctx, id)
		if err != nil {
			return r, e, false, err
		}
		if latest.submittedWith(s.Key) {
			return latest, e, false, nil // our own double click won the race
		}
		return latest, e, false, ErrConflict
	}
	// The return as stored, made here rather than read again: the update applied to r
	// as read, at its version.
	submitted.Answers, submitted.Completed, submitted.Status, submitted.Submitted = answers, completed, StatusSubmitted, at
	submitted.Late, submitted.Reference, submitted.SubmitKey, submitted.Submissions, submitted.Updated = late, ref, s.Key, n, at
	submitted.CannotAssure, submitted.Version = cannotAssure, r.Version+1
	if n == 1 {
		submitted.FirstSubmitted = at
	}
	return submitted, e, true, rs.returns.keepVersion(ctx, submitted)
}

// keepVersion stores the submitted return as a version, and its answers row for the
// workbook (answer_rows.go). The return is the record of truth: were the service to stop
// between the writes, Versions rebuilds the missing version from the return, whose
// answers cannot change while it is submitted, and the workbook the missing row.
func (rs *Returns) keepVersion(ctx context.Context, r Return) error {
	v := ReturnVersion{ID: r.ID + ":v" + strconv.Itoa(r.Submissions), Return: r.ID, Number: r.Submissions,
		Reference: r.Reference, Submitted: r.Submitted, Late: r.Late, Answers: r.Answers, Preparer: r.Preparer, Confirmer: r.Confirmer}
	err := rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.versions.InsertOne(ctx, v)
		if mongo.IsDuplicateKeyError(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("returns: keeping version %s: %w", v.ID, err)
	}
	if r.Status == StatusSubmitted {
		_ = rs.keepAnswerRow(ctx, r) // a row not written is written by the next workbook
	}
	return nil
}

// Versions lists a return's submitted versions, oldest first.
func (rs *Returns) Versions(ctx context.Context, r Return) ([]ReturnVersion, error) {
	out, err := store.FindAll[ReturnVersion](ctx, rs.versions, bson.D{{Key: "return", Value: r.ID}}, options.Find().SetSort(bson.D{{Key: "number", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("returns: versions of %s: %w", r.ID, err)
	}
	if r.Status == StatusSubmitted && (len(out) == 0 || out[len(out)-1].Number < r.Submissions) {
		if err := rs.keepVersion(ctx, r); err != nil {
			return nil, err
		}
		return rs.Versions(ctx, r)
	}
	return out, nil
}

// reopen lets the governor amend a submitted return; the reason is kept on the return.
// The signatory's confirmation is cleared, so whoever submits again confirms afresh.
// A return that is not submitted gives ErrRoundState; one of a round that is not open,
// ErrRoundNotOpen. Assurance.Reopen is the service that calls it.
func (rs *Rounds) reopen(ctx context.Context, id ReturnID, reason string) (Return, error) {
	if strings.TrimSpace(reason) == "" {
		return Return{}, errors.New("give a reason for reopening the return")
	}
	for range 5 {
		r, err := rs.returns.Get(ctx, id)
		if err != nil {
			return r, err
		}
		if r.Status != StatusSubmitted {
			return r, ErrRoundState
		}
		round, err := rs.Get(ctx, r.Round) // not the cached copy: another instance may have closed it
		if err != nil {
			return r, err
		}
		if round.State != RoundOpen {
			// The link of a closed round only says so: a reopened return could not be amended.
			return r, ErrRoundNotOpen
		}
		answers, completed := r.unsigned(round.Sections(r))
		done, err := rs.returns.update(ctx, id, r.Version, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: StatusReopened},
			{Key: "reopen_reason", Value: reason}, {Key: "submit_key", Value: ""}, {Key: "answers", Value: answers},
			{Key: "confirm_hash", Value: ""}, {Key: "send_key", Value: ""}, {Key: "sent_back", Value: ""}, {Key: "confirmer", Value: nil},
			{Key: "completed", Value: completed}, {Key: "updated", Value: time.Now().UTC()}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
		if err != nil {
			return r, fmt.Errorf("returns: reopening %s: %w", id, err)
		}
		if done {
			return rs.returns.Get(ctx, id)
		}
		// Changed between our read and our write (a link issued, say): read it again.
	}
	return Return{}, fmt.Errorf("returns: reopening %s: %w", id, ErrConflict)
}

// unsigned is the return's answers and completed sections without the signatory's
// confirmation: the declaration section is no longer complete.
func (r Return) unsigned(sections []Section) ([]StoredAnswer, []string) {
	declaration, _ := DeclarationSection(sections)
	confirmation := map[string]bool{}
	for _, q := range declaration.Questions {
		if q.Kind == KindDeclaration {
			confirmation[q.ID] = true
		}
	}
	answers := slices.DeleteFunc(slices.Clone(r.Answers), func(a StoredAnswer) bool { return confirmation[a.Question] })
	completed := slices.DeleteFunc(slices.Clone(r.Completed), func(s string) bool { return s == declaration.ID })
	return answers, completed
}

// SetExempt marks a school exempt from the round (with a reason), or not, and records who
// did it.
func (rs *Returns) SetExempt(ctx context.Context, by audit.Actor, id ReturnID, exempt bool, reason string) error {
	if exempt && strings.TrimSpace(reason) == "" {
		return ErrExemptReason
	}
	if !exempt {
		reason = ""
	}
	var res *mongo.UpdateResult
	err := rs.write(ctx, id.Round, []int{id.URN}, func(ctx context.Context) error {
		var err error
		res, err = rs.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "exempt", Value: exempt}, {Key: "exempt_reason", Value: reason}}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("returns: exemption for %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return ErrReturnNotFound
	}
	detail := "included again"
	if exempt {
		detail = "exempt: " + reason
	}
	record(ctx, rs.audit, by, audit.ActionExempted, id.String(), detail)
	return nil
}

// AddLate adds a school of the register to an open round after it opened, and records
// who did it.
func (rs *Rounds) AddLate(ctx context.Context, by audit.Actor, id ReturnID) error {
	round, err := rs.Get(ctx, id.Round)
	if err != nil {
		return err
	}
	if round.State != RoundOpen {
		return ErrRoundNotOpen
	}
	s, err := rs.register.Get(ctx, id.URN)
	if err != nil {
		return err
	}
	ret := []Return{newReturn(id.Round, s.Record, time.Now().UTC())}
	ret[0].AddedLate = true
	if err := rs.book.defaultContactEmails(ctx, ret); err != nil {
		return err
	}
	if err := rs.firstLinks(ctx, ret); err != nil {
		return err
	}
	err = rs.returns.write(ctx, id.Round, []int{id.URN}, func(ctx context.Context) error {
		_, err := rs.returns.returns.InsertOne(ctx, ret[0])
		return err
	})
	if mongo.IsDuplicateKeyError(err) {
		return ErrAlreadyInRound
	}
	if err != nil {
		return fmt.Errorf("returns: adding %s: %w", id, err)
	}
	err = rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.rounds.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.Round}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "expected", Value: 1}}}})
		return err
	})
	if err != nil {
		return err
	}
	record(ctx, rs.audit, by, audit.ActionAddedLate, ret[0].ID, "")
	return nil
}

// Change is one question whose answer differs between two versions.
type Change struct {
	Question string
	Before   Answer
	After    Answer
}

// Diff lists the questions whose answers differ from a to b, in question order.
func Diff(a, b []StoredAnswer) []Change {
	am, bm := map[string]Answer{}, map[string]Answer{}
	var ids []string
	for _, x := range a {
		am[x.Question] = x.Answer
		ids = append(ids, x.Question)
	}
	for _, x := range b {
		bm[x.Question] = x.Answer
		if _, ok := am[x.Question]; !ok {
			ids = append(ids, x.Question)
		}
	}
	slices.Sort(ids)
	var out []Change
	for _, id := range ids {
		x, y := am[id], bm[id]
		if x.Value != y.Value || x.Comment != y.Comment || !slices.Equal(x.Values, y.Values) {
			out = append(out, Change{Question: id, Before: x, After: y})
		}
	}
	return out
}
