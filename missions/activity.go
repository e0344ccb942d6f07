package missions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
)

// Activity statuses. A returned activity went back to the link teacher to change.
const (
	ActivityDraft     = "draft"
	ActivitySubmitted = "submitted"
	ActivityApproved  = "approved"
	ActivityReturned  = "returned"
)

// ActivityStatusLabel is a status in words.
func ActivityStatusLabel(s string) string {
	switch s {
	case ActivityDraft:
		return "Draft"
	case ActivitySubmitted:
		return "Waiting for approval"
	case ActivityApproved:
		return "Approved"
	case ActivityReturned:
		return "Returned for changes"
	}
	return s
}

// Activity is something a school's JOSOs did for a mission, as the link teacher logged it.
type Activity struct {
	ID          string         `bson:"_id"`
	Team        string         `bson:"team"`
	Year        string         `bson:"year"`
	URN         int            `bson:"urn"`
	Type        string         `bson:"type"` // the activity type (and so its mission and rule)
	Date        string         `bson:"date"` // yyyy-mm-dd
	JOSOs       []string       `bson:"josos"`
	WholeTeam   bool           `bson:"whole_team"`
	Audiences   []string       `bson:"audiences"`
	Reach       int            `bson:"reach"` // an estimate of how many people it reached
	Description string         `bson:"description"`
	Evidence    []EvidenceFile `bson:"evidence"`
	Status      string         `bson:"status"`
	Note        string         `bson:"note,omitempty"` // the partnership's note when it returned it
	Approvals   []Approval     `bson:"approvals"`
	Version     int            `bson:"version"`
	Created     time.Time      `bson:"created"`
	Updated     time.Time      `bson:"updated"`
	By          string         `bson:"by"`
}

// Approval is one time an activity was approved: what it earned then, and whether that
// approval was later withdrawn. Its ledger entries are keyed by its cycle number.
type Approval struct {
	Cycle       int       `bson:"cycle"`
	Award       []Award   `bson:"award"`
	JOSOs       []string  `bson:"josos"` // who is credited: the participants at approval
	Mission     string    `bson:"mission"`
	Area        string    `bson:"area"`
	Strands     []string  `bson:"strands"`
	By          string    `bson:"by"`
	At          time.Time `bson:"at"`
	Withdrawn   time.Time `bson:"withdrawn,omitempty"`
	WithdrawnBy string    `bson:"withdrawn_by,omitempty"`
	Reason      string    `bson:"reason,omitempty"`
}

// Award is one component of an approval's XP under one rule version.
type Award struct {
	Component   string `bson:"component"`
	Amount      int    `bson:"amount"`
	RuleVersion int    `bson:"rule_version"`
}

// Total is the XP of an approval.
func (a Approval) Total() int {
	n := 0
	for _, c := range a.Award {
		n += c.Amount
	}
	return n
}

// Editable says whether the link teacher may still change the activity.
func (a Activity) Editable() bool { return a.Status == ActivityDraft || a.Status == ActivityReturned }

// EditableIn says whether the link teacher may change the activity now: it is theirs to
// change and its year takes XP.
func (a Activity) EditableIn(y Year) bool { return a.Editable() && y.Open() }

// CanLog says whether the team may log activities in the year: the year takes XP and at
// least one JOSO is trained.
func (t Team) CanLog(y Year) error {
	if !t.Released(y) {
		return ErrNotReleased
	}
	if !y.Open() {
		return ErrYearClosed
	}
	return nil
}

// Current is the approval in force, if the activity is approved.
func (a Activity) Current() (Approval, bool) {
	if a.Status != ActivityApproved || len(a.Approvals) == 0 {
		return Approval{}, false
	}
	return a.Approvals[len(a.Approvals)-1], true
}

// ActivityInput is what a link teacher fills in.
type ActivityInput struct {
	Type        string
	Date        string
	JOSOs       []string
	WholeTeam   bool
	Audiences   []string
	Reach       int
	Description string
}

// FieldError ties a problem to the form field it concerns. Err, when set, is the kind of
// problem, so a caller can tell it apart with errors.Is.
type FieldError struct {
	Field, Message string
	Err            error
}

// ValidationErrors are every problem with an input at once.
type ValidationErrors []FieldError

func (v ValidationErrors) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, "; ")
}

// Kind is Invalid: every problem is one the person can correct.
func (v ValidationErrors) Kind() problem.Kind { return problem.Invalid }

// Unwrap gives the kinds of the problems, for errors.Is.
func (v ValidationErrors) Unwrap() []error {
	var kinds []error
	for _, e := range v {
		if e.Err != nil {
			kinds = append(kinds, e.Err)
		}
	}
	return kinds
}

// Check lists what is wrong with an activity's input for this year and team.
// SaveActivity checks it again; a form with problems of its own calls it to show every
// problem at once.
func (in ActivityInput) Check(y Year, t Team, submitting bool) ValidationErrors {
	var errs ValidationErrors
	if _, _, ok := y.ActivityType(in.Type); !ok {
		errs = append(errs, FieldError{Field: "type", Message: "Choose the mission activity"})
	}
	if e, bad := in.checkDate(y); bad {
		errs = append(errs, e)
	}
	if e, bad := in.checkWho(y, t, submitting); bad {
		errs = append(errs, e)
	}
	for _, a := range in.Audiences {
		if !slices.Contains(Audiences, a) {
			errs = append(errs, FieldError{Field: "audiences", Message: "Choose audiences from the list"})
			break
		}
	}
	if in.Reach < 0 || in.Reach > 100000 {
		errs = append(errs, FieldError{Field: "reach", Message: "Estimated number reached must be between 0 and 100,000"})
	}
	n := utf8.RuneCountInString(strings.TrimSpace(in.Description))
	if (submitting && n == 0) || n > 2000 {
		errs = append(errs, FieldError{Field: "description", Message: "Describe the activity in up to 2,000 characters"})
	}
	return errs
}

// checkDate wants a real date, not in the future, inside the programme year: XP counts
// toward the year the activity happened in.
func (in ActivityInput) checkDate(y Year) (FieldError, bool) {
	if err := checkDate(in.Date); err != nil {
		return FieldError{Field: "date", Message: "Enter the date of the activity as a real date"}, true
	}
	first, last := y.Dates()
	if in.Date < first || in.Date > last {
		return FieldError{Field: "date", Err: ErrDateOutsideYear, Message: fmt.Sprintf("The date of the activity must be in the %s programme year, between %s and %s",
			y.ID, longDay(first), longDay(last))}, true
	}
	if d, _ := time.Parse(time.DateOnly, in.Date); d.After(time.Now().AddDate(0, 0, 1)) {
		return FieldError{Field: "date", Message: "The date of the activity must be today or in the past"}, true
	}
	return FieldError{}, false
}

// checkWho wants either the whole team or named JOSOs of this team, never both, and
// names only JOSOs who are trained: XP goes to trained JOSOs who took part.
func (in ActivityInput) checkWho(y Year, t Team, submitting bool) (FieldError, bool) {
	const field = "josos"
	if in.WholeTeam && len(in.JOSOs) > 0 {
		return FieldError{Field: field, Err: ErrWholeTeamAndNamed, Message: "Choose either the whole team or the JOSOs who took part, not both"}, true
	}
	var untrained []string
	for _, id := range in.JOSOs {
		j, ok := t.JOSO(id)
		if !ok || j.Withdrawn {
			return FieldError{Field: field, Message: "Choose JOSOs from this team"}, true
		}
		if !j.Trained(y) {
			untrained = append(untrained, j.Name)
		}
	}
	if len(untrained) > 0 {
		have := "have"
		if len(untrained) == 1 {
			have = "has"
		}
		return FieldError{Field: field, Err: ErrUntrained, Message: fmt.Sprintf("%s %s not attended both taught sessions yet: name only trained JOSOs",
			strings.Join(untrained, " and "), have)}, true
	}
	if submitting && !in.WholeTeam && len(in.JOSOs) == 0 {
		return FieldError{Field: field, Message: "Choose the JOSOs who took part, or the whole team"}, true
	}
	return FieldError{}, false
}

// longDay writes a yyyy-mm-dd date as 1 September 2022.
func longDay(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("2 January 2006")
}

// Credited are the JOSOs an activity's XP goes to: those who took part (the whole team is
// every JOSO who has not withdrawn) and are trained, by the year's attendance now.
func (t Team) Credited(y Year, a Activity) []string {
	took := a.JOSOs
	if a.WholeTeam {
		took = nil
		for _, j := range t.Active() {
			took = append(took, j.ID)
		}
	}
	credited := []string{}
	for _, id := range took {
		if j, ok := t.JOSO(id); ok && j.Trained(y) {
			credited = append(credited, id)
		}
	}
	return credited
}

// Activities is what link teachers log for their schools' missions: drafts, submissions
// for approval, and their return for changes.
type Activities struct {
	years      yearStore
	teams      teamStore
	activities activityStore
	ledger     *Ledger // approves a submission at once when the year says so
	log        Auditor
}

// Save creates (id "") or changes a school's activity as a draft, or submits it. A
// submitted activity goes for approval, or is approved at once if the year says so.
func (as *Activities) Save(ctx context.Context, by audit.Actor, team, id string, version int, in ActivityInput, submit bool) (Activity, error) {
	y, err := as.years.ofTeam(ctx, team)
	if err != nil {
		return Activity{}, err
	}
	if !y.Open() {
		return Activity{}, ErrYearClosed
	}
	t, err := as.teams.get(ctx, team)
	if err != nil {
		return Activity{}, err
	}
	if err := t.CanLog(y); err != nil {
		return Activity{}, err
	}
	a, err := in.activity(y, t, submit, by)
	if err != nil {
		return a, err
	}
	if id == "" {
		a.ID, a.Created, a.Version, a.Evidence, a.Approvals = bson.NewObjectID().Hex(), a.Updated, 1, []EvidenceFile{}, []Approval{}
		err = as.activities.insert(ctx, a)
	} else {
		a, err = as.activities.change(ctx, id, team, version, func(old *Activity) error { return old.replaceWith(a) })
	}
	if err != nil {
		return a, err
	}
	if submit && y.AutoApprove {
		a, _, err = as.ledger.approve(ctx, a.ID, automaticApproval)
	}
	if err == nil {
		record(ctx, as.log, by, audit.ActionJOSOActivity, a.ID, a.Status)
	}
	return a, err
}

// automaticApproval is who approves an activity when the year approves at once.
const automaticApproval = "automatic approval"

// activity checks the input for this year and team and makes the activity it describes, a
// draft or submitted, with no ID yet.
func (in ActivityInput) activity(y Year, t Team, submit bool, by audit.Actor) (Activity, error) {
	in.Description = strings.TrimSpace(in.Description)
	if errs := in.Check(y, t, submit); len(errs) > 0 {
		return Activity{}, errs
	}
	slices.Sort(in.Audiences)
	in.Audiences = slices.Compact(in.Audiences)
	status := ActivityDraft
	if submit {
		status = ActivitySubmitted
	}
	a := Activity{Team: t.ID, Year: t.Year, URN: t.URN, Type: in.Type, Date: in.Date, JOSOs: in.JOSOs, WholeTeam: in.WholeTeam,
		Audiences: in.Audiences, Reach: in.Reach, Description: in.Description, Status: status, Updated: time.Now().UTC(), By: by.Name}
	if a.JOSOs == nil {
		a.JOSOs = []string{}
	}
	return a, nil
}

// replaceWith puts the link teacher's new version of an activity in its place, keeping
// what they do not edit: its ID, creation, evidence, approvals and the partnership's note.
func (a *Activity) replaceWith(n Activity) error {
	if !a.Editable() {
		return ErrNotEditable
	}
	n.ID, n.Created, n.Evidence, n.Approvals, n.Note, n.Version = a.ID, a.Created, a.Evidence, a.Approvals, a.Note, a.Version
	*a = n
	return nil
}

// Activity reads a logged activity.
func (as *Activities) Activity(ctx context.Context, id string) (Activity, error) {
	return as.activities.get(ctx, id)
}

// OfTeam lists a team's activities, newest first.
func (as *Activities) OfTeam(ctx context.Context, team string) ([]Activity, error) {
	return as.activities.find(ctx, bson.D{{Key: "team", Value: team}})
}

// OfYear lists every activity of a year, newest first.
func (as *Activities) OfYear(ctx context.Context, year string) ([]Activity, error) {
	return as.activities.find(ctx, bson.D{{Key: "year", Value: year}})
}

// Return sends a submitted activity back to the link teacher with a note.
func (as *Activities) Return(ctx context.Context, by audit.Actor, id, note string) (Activity, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return Activity{}, ErrReasonNeeded
	}
	a, err := as.activities.change(ctx, id, "", 0, func(a *Activity) error {
		if a.Status != ActivitySubmitted {
			return ErrNotEditable
		}
		a.Status, a.Note = ActivityReturned, note
		return nil
	})
	if err == nil {
		record(ctx, as.log, by, audit.ActionJOSOReturned, id, note)
	}
	return a, err
}

// Pending lists a year's activities waiting for approval, oldest first.
func (as *Activities) Pending(ctx context.Context, year string) ([]Activity, error) {
	list, err := as.activities.find(ctx, bson.D{{Key: "year", Value: year}, {Key: "status", Value: ActivitySubmitted}})
	slices.Reverse(list)
	return list, err
}
