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
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
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

// schoolLock serialises approvals within one school, so a cap is applied to what the
// school has really earned. It waits for a holder rather than failing.
func (p *Programme) schoolLock(ctx context.Context, team, holder string) (func(), error) {
	for wait := 20 * time.Millisecond; ; wait = min(wait*2, 500*time.Millisecond) {
		release, err := p.st.Lock(ctx, "xp:"+team, holder, 30*time.Second)
		if !errors.Is(err, store.ErrLocked) {
			return release, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// Approve approves a submitted activity and posts its XP. Approving an activity that is
// already approved posts nothing new and is not an error. It returns how many ledger
// entries this call posted.
func (p *Programme) Approve(ctx context.Context, id, by string) (Activity, int, error) {
	a, y, err := p.activityInOpenYear(ctx, id)
	if err != nil {
		return a, 0, err
	}
	release, err := p.schoolLock(ctx, a.Team, "approve:"+id+":"+bson.NewObjectID().Hex())
	if err != nil {
		return a, 0, fmt.Errorf("missions: approving %s: %w", id, err)
	}
	defer release()
	m, typ, ok := y.Activity(a.Type)
	if !ok {
		return a, 0, ErrUnknownRule
	}
	earned := 0
	if typ.Current().Cap > 0 {
		if earned, err = p.earned(ctx, a.Team, a.Type); err != nil {
			return a, 0, err
		}
	}
	t, err := p.Team(ctx, a.Team)
	if err != nil {
		return a, 0, err
	}
	area, _ := y.Area(m.Area)
	a, err = p.changeActivity(ctx, id, "", 0, func(a *Activity) error {
		if a.Status == ActivityApproved {
			return errAlreadyDone
		}
		if a.Status != ActivitySubmitted {
			return ErrNotSubmitted
		}
		a.Status, a.Note = ActivityApproved, ""
		a.Approvals = append(a.Approvals, Approval{Cycle: len(a.Approvals) + 1, Award: award(typ.Current(), a.Audiences, earned),
			JOSOs: t.Credited(y, *a), Mission: m.ID, Area: m.Area, Strands: area.Strands, By: by, At: time.Now().UTC()})
		return nil
	})
	if errors.Is(err, errAlreadyDone) || errors.Is(err, ErrConflict) {
		// Someone approved it first (or is changing it): settle what is recorded.
		if a, err = p.Activity(ctx, id); err != nil {
			return a, 0, err
		}
		if a.Status != ActivityApproved {
			return a, 0, ErrConflict
		}
	} else if err != nil {
		return a, 0, err
	}
	n, err := p.settle(ctx, a, by)
	return a, n, err
}

// activityInOpenYear reads an activity and its year, refusing a year that takes no XP.
func (p *Programme) activityInOpenYear(ctx context.Context, id string) (Activity, Year, error) {
	a, err := p.Activity(ctx, id)
	if err != nil {
		return a, Year{}, err
	}
	y, err := p.Year(ctx, a.Year)
	if err == nil && !y.Open() {
		err = ErrYearClosed
	}
	return a, y, err
}

// errAlreadyDone stops a change that has already been made.
var errAlreadyDone = errors.New("already done")

// Unapprove withdraws an activity's approval: its entries are reversed and it goes back
// to waiting for approval.
func (p *Programme) Unapprove(ctx context.Context, id, reason, by string) (Activity, int, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Activity{}, 0, ErrReasonNeeded
	}
	a, _, err := p.activityInOpenYear(ctx, id)
	if err != nil {
		return a, 0, err
	}
	a, err = p.changeActivity(ctx, id, "", 0, func(a *Activity) error {
		if a.Status != ActivityApproved {
			return ErrNotApproved
		}
		last := &a.Approvals[len(a.Approvals)-1]
		last.Withdrawn, last.WithdrawnBy, last.Reason = time.Now().UTC(), by, reason
		a.Status = ActivitySubmitted
		return nil
	})
	if err != nil {
		return a, 0, err
	}
	n, err := p.settle(ctx, a, by)
	return a, n, err
}

// settle posts every entry the activity's approvals call for that is not yet in the
// ledger, and returns how many it posted.
func (p *Programme) settle(ctx context.Context, a Activity, by string) (int, error) {
	posted := 0
	for _, ap := range a.Approvals {
		for _, aw := range ap.Award {
			if aw.Amount == 0 {
				continue // capped to nothing: no line to post
			}
			e := Entry{Key: entryKey(a.ID, ap.Cycle, aw.Component), Year: a.Year, URN: a.URN, Team: a.Team, Activity: a.ID,
				Mission: ap.Mission, Area: ap.Area, Strands: ap.Strands, Rule: a.Type, RuleVersion: aw.RuleVersion,
				Component: aw.Component, Amount: aw.Amount, JOSOs: ap.JOSOs, Actor: ap.By, At: ap.At}
			ok, err := p.post(ctx, e)
			if err != nil {
				return posted, err
			}
			if ok {
				posted++
			}
			if ap.Withdrawn.IsZero() {
				continue
			}
			ok, err = p.post(ctx, reversal(e, ap.WithdrawnBy, ap.Reason, ap.Withdrawn))
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

// post appends an entry unless its key is already in the ledger, and then moves the
// cached totals. It reports whether it appended.
func (p *Programme) post(ctx context.Context, e Entry) (bool, error) {
	err := p.st.Write(ctx, func(ctx context.Context) error {
		_, err := p.ledger.InsertOne(ctx, e)
		return err
	})
	if store.IsDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("missions: posting %s: %w", e.Key, err)
	}
	inc := bson.D{{Key: "xp", Value: e.Amount}}
	for _, j := range e.JOSOs {
		inc = append(inc, bson.E{Key: "josos." + j, Value: e.Amount})
	}
	// The cache may lag the ledger if the process dies here; verify finds and rebuild
	// mends that. The ledger, written first, is the truth.
	err = p.st.Write(ctx, func(ctx context.Context) error {
		_, err := p.totals.UpdateOne(ctx, bson.D{{Key: "_id", Value: e.Team}},
			bson.D{{Key: "$inc", Value: inc}, {Key: "$set", Value: bson.D{{Key: "year", Value: e.Year}}}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return true, fmt.Errorf("missions: caching the total for %s: %w", e.Team, err)
	}
	return true, nil
}

// earned is what an activity type has earned a school so far, from the ledger.
func (p *Programme) earned(ctx context.Context, team, rule string) (int, error) {
	es, err := store.FindAll[Entry](ctx, p.ledger, bson.D{{Key: "team", Value: team}, {Key: "rule", Value: rule}})
	if err != nil {
		return 0, fmt.Errorf("missions: reading the ledger: %w", err)
	}
	n := 0
	for _, e := range es {
		n += e.Amount
	}
	return n, nil
}

// ReverseEntry posts the reversal of one entry with a reason: the admin's correction,
// and the only XP a closed year accepts. Archived years accept nothing.
func (p *Programme) ReverseEntry(ctx context.Context, year, key, reason, by string) (Entry, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Entry{}, ErrReasonNeeded
	}
	e, err := store.FindByID[Entry](ctx, p.ledger, key, ErrNotFound)
	if err != nil {
		return e, err
	}
	if e.Year != year {
		return e, ErrNotFound
	}
	if e.Reverses != "" {
		return e, fmt.Errorf("%w: a reversal cannot itself be reversed", ErrInvalid)
	}
	y, err := p.Year(ctx, e.Year)
	if err != nil {
		return e, err
	}
	if y.State != YearLive && y.State != YearClosed {
		return e, ErrYearState
	}
	r := reversal(e, by, reason, time.Now().UTC())
	ok, err := p.post(ctx, r)
	if err != nil {
		return r, err
	}
	if !ok {
		return r, ErrAlreadyReversed
	}
	return r, nil
}

// Entries lists ledger entries matching a filter on year, team or activity, oldest first.
func (p *Programme) Entries(ctx context.Context, by EntryFilter) ([]Entry, error) {
	f := bson.D{}
	if by.Year != "" {
		f = append(f, bson.E{Key: "year", Value: by.Year})
	}
	if by.Team != "" {
		f = append(f, bson.E{Key: "team", Value: by.Team})
	}
	if by.Activity != "" {
		f = append(f, bson.E{Key: "activity", Value: by.Activity})
	}
	es, err := store.FindAll[Entry](ctx, p.ledger, f)
	if err != nil {
		return nil, fmt.Errorf("missions: reading the ledger: %w", err)
	}
	slices.SortFunc(es, func(a, b Entry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return es, nil
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
func (p *Programme) CachedTotals(ctx context.Context, team string) (Totals, error) {
	t, err := store.FindByID[Totals](ctx, p.totals, team, ErrNotFound)
	if errors.Is(err, ErrNotFound) {
		return Totals{Team: team, JOSOs: map[string]int{}}, nil
	}
	if t.JOSOs == nil {
		t.JOSOs = map[string]int{}
	}
	return t, err
}

// YearTotals reads every team's cached totals for a year, by team.
func (p *Programme) YearTotals(ctx context.Context, year string) (map[string]Totals, error) {
	ts, err := store.FindAll[Totals](ctx, p.totals, bson.D{{Key: "year", Value: year}})
	if err != nil {
		return nil, fmt.Errorf("missions: reading totals: %w", err)
	}
	out := map[string]Totals{}
	for _, t := range ts {
		out[t.Team] = t
	}
	return out, nil
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

// Verify recomputes a year's totals from the ledger and compares them with the cache,
// and checks every activity's approvals have their entries. With repair it posts missing
// entries and rewrites the cache from the ledger.
func (p *Programme) Verify(ctx context.Context, year string, repair bool) ([]Mismatch, error) {
	var out []Mismatch
	acts, err := p.YearActivities(ctx, year)
	if err != nil {
		return nil, err
	}
	es, err := p.Entries(ctx, EntryFilter{Year: year})
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
			if _, err := p.settle(ctx, a, "verify --repair"); err != nil {
				return out, err
			}
		}
	}
	if repair {
		if es, err = p.Entries(ctx, EntryFilter{Year: year}); err != nil {
			return out, err
		}
	}
	fromLedger := Sum(es)
	cached, err := p.YearTotals(ctx, year)
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
		l, c := fromLedger[team], cached[team]
		if l.XP != c.XP {
			out = append(out, Mismatch{Team: team, What: "school total", Ledger: l.XP, Cached: c.XP})
		}
		for _, j := range unionKeys(l.JOSOs, c.JOSOs) {
			if l.JOSOs[j] != c.JOSOs[j] {
				out = append(out, Mismatch{Team: team, What: "JOSO " + j, Ledger: l.JOSOs[j], Cached: c.JOSOs[j]})
			}
		}
		if repair && (!equalTotals(l, c)) {
			if err := p.writeTotals(ctx, team, year, l); err != nil {
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

func (p *Programme) writeTotals(ctx context.Context, team, year string, t Totals) error {
	t.Team, t.Year = team, year
	if t.JOSOs == nil {
		t.JOSOs = map[string]int{}
	}
	return p.st.Write(ctx, func(ctx context.Context) error {
		_, err := p.totals.ReplaceOne(ctx, bson.D{{Key: "_id", Value: team}}, t, options.Replace().SetUpsert(true))
		return err
	})
}
