package missions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
)

// The XP ledger is append-only. Each entry's _id is its idempotency key:
//
//	xp:<activity>:<cycle>:<component>   awarded by the activity's cycle-th approval
//	rev:<key>                           the reversal of entry <key>
//
// An approval first records itself on the activity (one conditional write: of two
// approvals at once, one wins), then posts its entries. Posting is "settling" the
// activity: every entry its approvals call for is inserted, and a duplicate key means it
// is already there. So a repeat, a race or a crash between the two steps never awards
// twice, and settling again (verify --repair) completes an interrupted approval.

// Entry is one line of the XP ledger.
type Entry struct {
	Key         string    `bson:"_id"`
	Year        string    `bson:"year"`
	URN         int       `bson:"urn"`
	Team        string    `bson:"team"`
	Activity    string    `bson:"activity"`
	Mission     string    `bson:"mission"`
	Area        string    `bson:"area"`
	Strands     []string  `bson:"strands"`
	Rule        string    `bson:"rule"` // the activity type whose rule awarded it
	RuleVersion int       `bson:"rule_version"`
	Component   string    `bson:"component"`
	Amount      int       `bson:"amount"` // signed: reversals are negative
	JOSOs       []string  `bson:"josos"`
	Actor       string    `bson:"actor"`
	At          time.Time `bson:"at"`
	Reverses    string    `bson:"reverses,omitempty"`
	Reason      string    `bson:"reason,omitempty"`
}

// Errors of the ledger.
var (
	ErrAlreadyReversed = problem.New(problem.WrongState, "that entry has already been reversed")
	ErrNotApproved     = problem.New(problem.WrongState, "the activity is not approved")
	ErrNotSubmitted    = problem.New(problem.WrongState, "only a submitted activity can be approved")
)

func entryKey(activity string, cycle int, component string) string {
	return "xp:" + activity + ":" + strconv.Itoa(cycle) + ":" + component
}

// award works out an approval's components under the current rule, keeping a school
// within the rule's cap given what the activity type has already earned it.
func award(r Rule, audiences []string, earned int) []Award {
	out := []Award{{Component: ComponentBase, Amount: r.Base, RuleVersion: r.Version}}
	for _, a := range Audiences {
		if slices.Contains(audiences, a) && r.Bonus(a) > 0 {
			out = append(out, Award{Component: a, Amount: r.Bonus(a), RuleVersion: r.Version})
		}
	}
	if r.Cap > 0 {
		room := max(r.Cap-earned, 0)
		for i := range out {
			out[i].Amount = min(out[i].Amount, room)
			room -= out[i].Amount
		}
	}
	return out
}

// Ledger approves activities and keeps the XP they earn: the append-only ledger and
// each school's cached totals.
type Ledger struct {
	years      yearStore
	teams      teamStore
	activities activityStore
	ledger     ledgerStore
	log        Auditor
}

// Approve approves a submitted activity and posts its XP. Approving an activity that is
// already approved posts nothing new and is not an error. It returns how many ledger
// entries this call posted.
func (l *Ledger) Approve(ctx context.Context, by audit.Actor, id string) (Activity, int, error) {
	a, n, err := l.approve(ctx, id, by.Name)
	if err == nil {
		record(ctx, l.log, by, audit.ActionJOSOApproved, id, fmt.Sprintf("%d ledger entries posted", n))
	}
	return a, n, err
}

func (l *Ledger) approve(ctx context.Context, id, by string) (Activity, int, error) {
	a, y, err := l.activityInOpenYear(ctx, id)
	if err != nil {
		return a, 0, err
	}
	release, err := l.ledger.lockSchool(ctx, a.Team, "approve:"+id+":"+bson.NewObjectID().Hex())
	if err != nil {
		return a, 0, fmt.Errorf("missions: approving %s: %w", id, err)
	}
	defer release()
	_, typ, ok := y.ActivityType(a.Type)
	if !ok {
		return a, 0, ErrUnknownRule
	}
	earned := 0
	if typ.Current().Cap > 0 {
		if earned, err = l.ledger.earned(ctx, a.Team, a.Type); err != nil {
			return a, 0, err
		}
	}
	t, err := l.teams.get(ctx, a.Team)
	if err != nil {
		return a, 0, err
	}
	a, err = l.activities.change(ctx, id, "", 0, func(a *Activity) error { return a.approve(y, t, earned, by, time.Now().UTC()) })
	if errors.Is(err, errAlreadyDone) || errors.Is(err, ErrConflict) {
		// Someone approved it first (or is changing it): post what is recorded.
		if a, err = l.activities.get(ctx, id); err != nil {
			return a, 0, err
		}
		if a.Status != ActivityApproved {
			return a, 0, ErrConflict
		}
	} else if err != nil {
		return a, 0, err
	}
	n, err := l.postAwards(ctx, a)
	return a, n, err
}

// approve records an approval of a submitted activity under the year's current rule for
// its type: what each audience earns, within the rule's cap given what the type has
// already earned the school, credited to the team's trained JOSOs who took part.
func (a *Activity) approve(y Year, t Team, earned int, by string, at time.Time) error {
	if a.Status == ActivityApproved {
		return errAlreadyDone
	}
	if a.Status != ActivitySubmitted {
		return ErrNotSubmitted
	}
	m, typ, ok := y.ActivityType(a.Type)
	if !ok {
		return ErrUnknownRule
	}
	area, _ := y.Area(m.Area)
	a.Status, a.Note = ActivityApproved, ""
	a.Approvals = append(a.Approvals, Approval{Cycle: len(a.Approvals) + 1, Award: award(typ.Current(), a.Audiences, earned),
		JOSOs: t.Credited(y, *a), Mission: m.ID, Area: m.Area, Strands: area.Strands, By: by, At: at})
	return nil
}

// activityInOpenYear reads an activity and its year, refusing a year that takes no XP.
func (l *Ledger) activityInOpenYear(ctx context.Context, id string) (Activity, Year, error) {
	a, err := l.activities.get(ctx, id)
	if err != nil {
		return a, Year{}, err
	}
	y, err := l.years.get(ctx, a.Year)
	if err == nil && !y.Open() {
		err = ErrYearClosed
	}
	return a, y, err
}

// errAlreadyDone stops a change that has already been made.
var errAlreadyDone = errors.New("already done")

// Unapprove withdraws an activity's approval: its entries are reversed and it goes back
// to waiting for approval.
func (l *Ledger) Unapprove(ctx context.Context, by audit.Actor, id, reason string) (Activity, int, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Activity{}, 0, ErrReasonNeeded
	}
	a, _, err := l.activityInOpenYear(ctx, id)
	if err != nil {
		return a, 0, err
	}
	a, err = l.activities.change(ctx, id, "", 0, func(a *Activity) error { return a.unapprove(by.Name, reason, time.Now().UTC()) })
	if err != nil {
		return a, 0, err
	}
	n, err := l.postAwards(ctx, a)
	if err == nil {
		record(ctx, l.log, by, audit.ActionJOSOUnapproved, id, fmt.Sprintf("%d reversals posted: %s", n, reason))
	}
	return a, n, err
}

// unapprove withdraws the approval in force, sending the activity back to waiting.
func (a *Activity) unapprove(by, reason string, at time.Time) error {
	if a.Status != ActivityApproved {
		return ErrNotApproved
	}
	last := &a.Approvals[len(a.Approvals)-1]
	last.Withdrawn, last.WithdrawnBy, last.Reason = at, by, reason
	a.Status = ActivitySubmitted
	return nil
}

// postAwards posts every entry the activity's approvals call for that is not yet in the
// ledger, and returns how many it posted.
func (l *Ledger) postAwards(ctx context.Context, a Activity) (int, error) {
	posted := 0
	for _, ap := range a.Approvals {
		for _, aw := range ap.Award {
			if aw.Amount == 0 {
				continue // capped to nothing: no line to post
			}
			e := Entry{Key: entryKey(a.ID, ap.Cycle, aw.Component), Year: a.Year, URN: a.URN, Team: a.Team, Activity: a.ID,
				Mission: ap.Mission, Area: ap.Area, Strands: ap.Strands, Rule: a.Type, RuleVersion: aw.RuleVersion,
				Component: aw.Component, Amount: aw.Amount, JOSOs: ap.JOSOs, Actor: ap.By, At: ap.At}
			ok, err := l.ledger.appendOnce(ctx, e)
			if err != nil {
				return posted, err
			}
			if ok {
				posted++
			}
			if ap.Withdrawn.IsZero() {
				continue
			}
			ok, err = l.ledger.appendOnce(ctx, reversal(e, ap.WithdrawnBy, ap.Reason, ap.Withdrawn))
			if err != nil {
				return posted, err
			}
			if ok {
				posted++
			}
		}
	}
	return posted, nil
}

func reversal(e Entry, by, reason string, at time.Time) Entry {
	r := e
	r.Key, r.Reverses, r.Amount, r.Actor, r.Reason, r.At = "rev:"+e.Key, e.Key, -e.Amount, by, reason, at
	return r
}

// Reverse posts the reversal of one entry with a reason: the admin's correction, and the
// only XP a closed year accepts. Archived years accept nothing.
func (l *Ledger) Reverse(ctx context.Context, by audit.Actor, year, key, reason string) (Entry, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Entry{}, ErrReasonNeeded
	}
	e, err := l.ledger.entry(ctx, key)
	if err != nil {
		return e, err
	}
	if e.Year != year {
		return e, ErrNotFound
	}
	if e.Reverses != "" {
		return e, fmt.Errorf("%w: a reversal cannot itself be reversed", ErrInvalid)
	}
	y, err := l.years.get(ctx, e.Year)
	if err != nil {
		return e, err
	}
	if y.State != YearLive && y.State != YearClosed {
		return e, ErrYearState
	}
	r := reversal(e, by.Name, reason, time.Now().UTC())
	ok, err := l.ledger.appendOnce(ctx, r)
	if err != nil {
		return r, err
	}
	if !ok {
		return r, ErrAlreadyReversed
	}
	record(ctx, l.log, by, audit.ActionJOSOReversal, key, fmt.Sprintf("%+d XP: %s", r.Amount, reason))
	return r, nil
}

// Entries lists ledger entries matching a filter on year, team or activity, oldest first.
func (l *Ledger) Entries(ctx context.Context, by EntryFilter) ([]Entry, error) {
	return l.ledger.find(ctx, by)
}

// EntryFilter narrows Entries.
type EntryFilter struct {
	Year, Team, Activity string
}

// Totals is a team's cached XP: the school's and each JOSO's.
type Totals struct {
	Team  string         `bson:"_id"`
	Year  string         `bson:"year"`
	XP    int            `bson:"xp"`
	JOSOs map[string]int `bson:"josos"`
}

// CachedTotals reads a team's cached totals (zero if it has none yet).
func (l *Ledger) CachedTotals(ctx context.Context, team string) (Totals, error) {
	return l.ledger.teamTotals(ctx, team)
}

// Sum totals entries as the cache would hold them, by team.
func Sum(es []Entry) map[string]Totals {
	out := map[string]Totals{}
	for _, e := range es {
		t, ok := out[e.Team]
		if !ok {
			t = Totals{Team: e.Team, Year: e.Year, JOSOs: map[string]int{}}
		}
		t.XP += e.Amount
		for _, j := range e.JOSOs {
			t.JOSOs[j] += e.Amount
		}
		out[e.Team] = t
	}
	return out
}

// Mismatch is one difference verify found.
type Mismatch struct {
	Team, What string
	Ledger     int
	Cached     int
}

// OfTotals says whether the mismatch is between figures (a school's or a JOSO's total in
// the ledger and in the cache) rather than a missing entry.
func (m Mismatch) OfTotals() bool {
	return m.What == "school total" || strings.HasPrefix(m.What, "JOSO ")
}

// Verify recomputes a year's totals from the ledger and compares them with the cache,
// and checks every activity's approvals have their entries. With repair it posts missing
// entries and rewrites the cache from the ledger. It audits what it found.
func (l *Ledger) Verify(ctx context.Context, by audit.Actor, year string, repair bool) ([]Mismatch, error) {
	out, err := l.verify(ctx, year, repair)
	if err != nil {
		return out, err
	}
	detail := fmt.Sprintf("%d mismatches", len(out))
	if len(out) > 0 && repair {
		detail += ", repaired"
	}
	record(ctx, l.log, by, audit.ActionJOSOVerified, year, detail)
	return out, nil
}

func (l *Ledger) verify(ctx context.Context, year string, repair bool) ([]Mismatch, error) {
	var out []Mismatch
	acts, err := l.activities.find(ctx, bson.D{{Key: "year", Value: year}})
	if err != nil {
		return nil, err
	}
	es, err := l.ledger.find(ctx, EntryFilter{Year: year})
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, e := range es {
		have[e.Key] = true
	}
	for _, a := range acts {
		for _, ap := range a.Approvals {
			for _, aw := range ap.Award {
				k := entryKey(a.ID, ap.Cycle, aw.Component)
				if aw.Amount != 0 && (!have[k] || (!ap.Withdrawn.IsZero() && !have["rev:"+k])) {
					out = append(out, Mismatch{Team: a.Team, What: "activity " + a.ID + " is missing ledger entry " + k})
				}
			}
		}
		if repair {
			if _, err := l.postAwards(ctx, a); err != nil {
				return out, err
			}
		}
	}
	if repair {
		if es, err = l.ledger.find(ctx, EntryFilter{Year: year}); err != nil {
			return out, err
		}
	}
	fromLedger := Sum(es)
	cached, err := l.ledger.yearTotals(ctx, year)
	if err != nil {
		return nil, err
	}
	teams := map[string]bool{}
	for k := range fromLedger {
		teams[k] = true
	}
	for k := range cached {
		teams[k] = true
	}
	keys := make([]string, 0, len(teams))
	for k := range teams {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, team := range keys {
		want, c := fromLedger[team], cached[team]
		if want.XP != c.XP {
			out = append(out, Mismatch{Team: team, What: "school total", Ledger: want.XP, Cached: c.XP})
		}
		for _, j := range unionKeys(want.JOSOs, c.JOSOs) {
			if want.JOSOs[j] != c.JOSOs[j] {
				out = append(out, Mismatch{Team: team, What: "JOSO " + j, Ledger: want.JOSOs[j], Cached: c.JOSOs[j]})
			}
		}
		if repair && (!equalTotals(want, c)) {
			if err := l.ledger.writeTotals(ctx, team, year, want); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func unionKeys(a, b map[string]int) []string {
	var ks []string
	for k := range a {
		ks = append(ks, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
}

func equalTotals(a, b Totals) bool {
	if a.XP != b.XP {
		return false
	}
	for _, k := range unionKeys(a.JOSOs, b.JOSOs) {
		if a.JOSOs[k] != b.JOSOs[k] {
			return false
		}
	}
	return true
}
