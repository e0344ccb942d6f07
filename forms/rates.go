package forms

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/lscp/assure/internal/academic"
)

// Rate is how many of a group of schools returned.
type Rate struct {
	Returned int
	Expected int
}

// Percent is the rate as a whole percentage rounded half up, as the report gives it (0
// for an empty group).
func (r Rate) Percent() int {
	if r.Expected == 0 {
		return 0
	}
	return (200*r.Returned + r.Expected) / (2 * r.Expected)
}

// RateRow is one line of the return-rate table: a group, its rate now and in the
// previous round.
type RateRow struct {
	// Level is 0 for all schools, 1 for a phase, 2 for a governance within a phase.
	Level  int
	Phase  Phase
	Key    string // phase, governance, district or trust
	Label  string
	Now    Rate
	Before Rate
	// HadBefore says the previous round had this group at all.
	HadBefore bool
}

// Change is the change in percentage points since the previous round.
func (r RateRow) Change() int { return r.Now.Percent() - r.Before.Percent() }

// Counted says whether a return counts in the return rate: expected unless exempt, and
// returned once submitted (a return reopened for amendment was still returned).
func (r Return) Counted() (expected, returned bool) {
	return !r.Exempt, !r.Exempt && r.Submissions > 0
}

// Figures are a round's return rates, grouped as the partnership reports them, beside
// the previous round's.
type Figures struct {
	Round    string
	Previous string // empty when there is no earlier round
	// Summary is the report's table: all schools, then each phase followed by its
	// governance breakdown.
	Summary   []RateRow
	Districts []RateRow
	Trusts    []RateRow
	// AllThrough counts all-through schools, which the report includes in primary.
	AllThrough Rate
}

// PhaseRows returns the phase lines of the summary.
func (f Figures) PhaseRows() []RateRow {
	var out []RateRow
	for _, r := range f.Summary {
		if r.Level == 1 {
			out = append(out, r)
		}
	}
	return out
}

// rateKey identifies a group.
type rateKey struct {
	level      int
	phase      Phase
	governance Governance
}

// tally counts returns into groups.
type tally struct {
	summary    map[rateKey]*Rate
	districts  map[string]*Rate
	trusts     map[string]*Rate
	allThrough Rate
}

func newTally() *tally {
	return &tally{summary: map[rateKey]*Rate{}, districts: map[string]*Rate{}, trusts: map[string]*Rate{}}
}

func bump(m map[string]*Rate, k string, returned bool) {
	if m[k] == nil {
		m[k] = &Rate{}
	}
	m[k].Expected++
	if returned {
		m[k].Returned++
	}
}

// Add counts one return.
func (t *tally) Add(r Return) {
	expected, returned := r.Counted()
	if !expected {
		return
	}
	s := r.School
	for _, k := range []rateKey{{level: 0}, {level: 1, phase: s.Phase}, {level: 2, phase: s.Phase, governance: s.Governance}} {
		if t.summary[k] == nil {
			t.summary[k] = &Rate{}
		}
		t.summary[k].Expected++
		if returned {
			t.summary[k].Returned++
		}
	}
	district := cmp.Or(s.District, "Not recorded")
	bump(t.districts, district, returned)
	if s.Trust != "" {
		bump(t.trusts, s.Trust, returned)
	}
	if s.AllThrough {
		t.allThrough.Expected++
		if returned {
			t.allThrough.Returned++
		}
	}
}

// Tally counts returns one at a time, so that figures can be made while the returns are
// read from the store without holding them all.
type Tally struct{ now, before *tally }

// NewTally starts counting a round and its previous round.
func NewTally() *Tally { return &Tally{now: newTally(), before: newTally()} }

// Add counts a return of the round.
func (t *Tally) Add(r Return) { t.now.Add(r) }

// AddPrevious counts a return of the previous round.
func (t *Tally) AddPrevious(r Return) { t.before.Add(r) }

// Figures gives the counted rates. Phases and governances come in the report's order, and
// every phase or governance either round has is listed; districts and trusts by name.
func (t *Tally) Figures(round, previous string) Figures {
	f := Figures{Round: round, Previous: previous, AllThrough: t.now.allThrough}
	row := func(level int, phase Phase, key, label string, now, before *Rate) RateRow {
		r := RateRow{Level: level, Phase: phase, Key: key, Label: label}
		if now != nil {
			r.Now = *now
		}
		if before != nil {
			r.Before, r.HadBefore = *before, true
		}
		return r
	}
	f.Summary = append(f.Summary, row(0, "", "all", "All provisions and phases", t.now.summary[rateKey{}], t.before.summary[rateKey{}]))
	for _, p := range Phases {
		k := rateKey{level: 1, phase: p}
		if t.now.summary[k] == nil && t.before.summary[k] == nil {
			continue
		}
		f.Summary = append(f.Summary, row(1, p, string(p), p.Label(), t.now.summary[k], t.before.summary[k]))
		var breakdown []RateRow
		for _, g := range Governances {
			gk := rateKey{level: 2, phase: p, governance: g}
			if t.now.summary[gk] == nil && t.before.summary[gk] == nil {
				continue
			}
			breakdown = append(breakdown, row(2, p, string(g), g.Label(), t.now.summary[gk], t.before.summary[gk]))
		}
		// A phase with one kind of governance (nursery, independent) would only repeat itself.
		if len(breakdown) > 1 {
			f.Summary = append(f.Summary, breakdown...)
		}
	}
	named := func(now, before map[string]*Rate) []RateRow {
		var keys []string
		for k := range now {
			keys = append(keys, k)
		}
		for k := range before {
			if now[k] == nil {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		out := make([]RateRow, 0, len(keys))
		for _, k := range keys {
			out = append(out, row(1, "", k, k, now[k], before[k]))
		}
		return out
	}
	f.Districts = named(t.now.districts, t.before.districts)
	f.Trusts = named(t.now.trusts, t.before.trusts)
	return f
}

// DayCount is how many schools had returned by the end of a day, counted in days from
// the deadline (negative before it).
type DayCount struct {
	Day      int // days after the deadline; -3 is three days before
	Date     string
	Returned int // returned by the end of the day, all told
	Percent  int // of the expected schools
}

// Curve counts returns received per day, from the round's opening to its deadline and
// grace period (or the last return, if later), stopping at until when it is set and
// earlier (today, for a round still running or closed before its deadline). firsts are when each school first returned; expected is the round's size.
func Curve(round Round, expected int, firsts []time.Time, until time.Time) []DayCount {
	opens, err1 := time.ParseInLocation(time.DateOnly, round.Opens, academic.London)
	deadline, err2 := time.ParseInLocation(time.DateOnly, round.Deadline, academic.London)
	if err1 != nil || err2 != nil {
		return nil
	}
	perDay := map[string]int{}
	end := deadline.AddDate(0, 0, round.GraceDays)
	total := 0 // returns made before the round opened (an admin's trial run) count from day one
	for _, at := range firsts {
		d := at.In(academic.London)
		key := d.Format(time.DateOnly)
		if key < round.Opens {
			total++
			continue
		}
		perDay[key]++
		if d.After(end) {
			end = d
		}
	}
	if !until.IsZero() && until.In(academic.London).Before(end) {
		end = until.In(academic.London)
	}
	var out []DayCount
	for d := opens; !d.After(end); d = d.AddDate(0, 0, 1) {
		key := d.Format(time.DateOnly)
		total += perDay[key]
		out = append(out, DayCount{Day: daysBetween(deadline, d), Date: key, Returned: total,
			Percent: Rate{Returned: total, Expected: expected}.Percent()})
	}
	return out
}

// RoundReport is what the dashboard shows of a round: its figures beside the previous
// round's, both rounds' curves of returns, and the schools still to return.
type RoundReport struct {
	Round         Round
	Previous      *Round
	Figures       Figures
	Curve         []DayCount
	PreviousCurve []DayCount
	Outstanding   []Return // expected, not returned, in URN order (without answers)
}

// Report reads a round and the one before it and counts them. Returns are read one at a
// time without their answers; only the schools still to return are kept.
func (rs *Rounds) Report(ctx context.Context, year string, now time.Time) (RoundReport, error) {
	var rep RoundReport
	round, err := rs.Get(ctx, year)
	if err != nil {
		return rep, err
	}
	rep.Round = round
	rounds, err := rs.List(ctx)
	if err != nil {
		return rep, err
	}
	for _, r := range rounds { // newest first
		if r.ID < year && r.State != RoundDraft {
			rep.Previous = &r
			break
		}
	}
	years := []string{year}
	if rep.Previous != nil {
		years = append(years, rep.Previous.ID)
	}
	lists, err := rs.returns.roundLists(ctx, years...)
	if err != nil {
		return rep, err
	}
	t := NewTally()
	expected, firsts := countReturns(lists[year], func(r Return) {
		t.Add(r)
		if r.Chaseable() {
			rep.Outstanding = append(rep.Outstanding, r)
		}
	})
	// Open or closed early, the curve stops today: no returns are drawn for days to come.
	rep.Curve = Curve(round, expected, firsts, now)
	previous := ""
	if rep.Previous != nil {
		previous = rep.Previous.ID
		pexpected, pfirsts := countReturns(lists[previous], t.AddPrevious)
		rep.PreviousCurve = Curve(*rep.Previous, pexpected, pfirsts, time.Time{})
	}
	rep.Figures = t.Figures(year, previous)
	return rep, nil
}

// countReturns passes each return to add and gives the number expected and when each
// returned school first returned.
func countReturns(returns []Return, add func(Return)) (expected int, firsts []time.Time) {
	for _, r := range returns {
		add(r)
		exp, ret := r.Counted()
		if exp {
			expected++
		}
		if ret {
			firsts = append(firsts, cmp.Or(r.FirstSubmitted, r.Submitted))
		}
	}
	return expected, firsts
}

// daysBetween counts calendar days from a to b (negative when b is before a), whatever
// the clocks did in between.
func daysBetween(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

// DaysToDeadline counts whole London days from now to the round's deadline (0 on the
// day, negative after it).
func (r Round) DaysToDeadline(now time.Time) int {
	d, err := time.ParseInLocation(time.DateOnly, r.Deadline, academic.London)
	if err != nil {
		return 0
	}
	return daysBetween(now.In(academic.London), d)
}

// ReturnsFormat is how a round's returns are exported: the return-rate workbook (with
// every answer) or its school rows as CSV (without).
type ReturnsFormat string

// Export formats.
const (
	ReturnsWorkbook ReturnsFormat = "xlsx"
	ReturnsCSV      ReturnsFormat = "csv"
)
