package forms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lscp/assure/internal/academic"
)

// The demo carries two closed rounds. 2022-23 reproduces the partnership's annual report
// exactly (339 of 386); 2021-22 is the year before, when about 66% returned, with the
// report's story: primary and secondary up since, special and independent down.
//
// The report's secondary breakdown (maintained 2/2, academies 44/50, free 1/1) adds to 47,
// not its own total of 48; records cannot disagree with themselves, so the demo keeps the
// totals and has 45 of 50 academies return.

// demoTarget is how many schools of a phase and governance returned.
type demoTarget struct {
	phase      Phase
	governance Governance
	returned   int
}

var demoReturned = map[string][]demoTarget{
	"2021-22": {
		{PhaseNursery, GovMaintained, 4},
		{PhasePrimary, GovMaintained, 115}, {PhasePrimary, GovAcademy, 71}, {PhasePrimary, GovFree, 2},
		{PhaseSecondary, GovMaintained, 2}, {PhaseSecondary, GovAcademy, 29}, {PhaseSecondary, GovFree, 1},
		{PhaseSpecial, GovMaintained, 5}, {PhaseSpecial, GovAcademy, 11},
		{PhaseIndependent, GovIndependent, 11},
		{PhaseAlternative, GovMaintained, 3}, {PhaseAlternative, GovAcademy, 1},
	},
	"2022-23": {
		{PhaseNursery, GovMaintained, 5},
		{PhasePrimary, GovMaintained, 158}, {PhasePrimary, GovAcademy, 97}, {PhasePrimary, GovFree, 2},
		{PhaseSecondary, GovMaintained, 2}, {PhaseSecondary, GovAcademy, 45}, {PhaseSecondary, GovFree, 1},
		{PhaseSpecial, GovMaintained, 5}, {PhaseSpecial, GovAcademy, 10},
		{PhaseIndependent, GovIndependent, 9},
		{PhaseAlternative, GovMaintained, 3}, {PhaseAlternative, GovAcademy, 2},
	},
}

// demoRoundSpec is one demo round.
type demoRoundSpec struct {
	year, opens, deadline string
	state                 string
	targets               []demoTarget
	until                 time.Time // a live round: returns so far, up to this moment
}

// DemoRounds adds the demo's closed rounds 2021-22 and 2022-23 to a store holding the
// demo county, with every return the report counts: submitted over the autumn term,
// most near the deadline, a few late, and a few boards that could not give assurance.
func DemoRounds(ctx context.Context, rs *Rounds) error {
	schools, _, err := rs.register.List(ctx, SchoolFilter{Status: StatusOpen})
	if err != nil {
		return err
	}
	def, err := DefaultDefinition()
	if err != nil {
		return err
	}
	specs := []demoRoundSpec{
		{year: "2021-22", opens: "2021-10-04", deadline: "2021-12-10", state: RoundClosed, targets: demoReturned["2021-22"]},
		{year: "2022-23", opens: "2022-10-03", deadline: "2022-12-16", state: RoundClosed, targets: demoReturned["2022-23"]},
	}
	for _, sp := range specs {
		if err := demoRound(ctx, rs, sp, *def, schools); err != nil {
			return fmt.Errorf("demo round %s: %w", sp.year, err)
		}
	}
	return nil
}

// DemoLiveRound adds an open round for the academic year of now, three weeks from its
// deadline, with about half the schools returned so far: the dashboard and the reminder
// schedule then have a live round to work on.
func DemoLiveRound(ctx context.Context, rs *Rounds, now time.Time) (Round, error) {
	schools, _, err := rs.register.List(ctx, SchoolFilter{Status: StatusOpen})
	if err != nil {
		return Round{}, err
	}
	def, err := DefaultDefinition()
	if err != nil {
		return Round{}, err
	}
	def.Version = 2
	start := now.Year()
	if now.Month() < time.August {
		start--
	}
	year := fmt.Sprintf("%d-%02d", start, (start+1)%100)
	today := now.In(academic.London)
	sp := demoRoundSpec{year: year, opens: today.AddDate(0, 0, -35).Format(time.DateOnly), deadline: today.AddDate(0, 0, 20).Format(time.DateOnly),
		state: RoundOpen, until: now}
	counts := map[demoTarget]int{}
	for _, s := range schools {
		counts[demoTarget{phase: s.Phase, governance: s.Governance}]++
	}
	for _, t := range demoReturned["2022-23"] {
		n := counts[demoTarget{phase: t.phase, governance: t.governance}]
		sp.targets = append(sp.targets, demoTarget{phase: t.phase, governance: t.governance, returned: n * 11 / 20})
	}
	if err := demoRound(ctx, rs, sp, *def, schools); err != nil {
		return Round{}, fmt.Errorf("demo round %s: %w", year, err)
	}
	return rs.Get(ctx, year)
}

// DemoFullRound adds a closed round in which nine in ten schools of every phase and
// governance of the register returned, with answers: a round the size of any register,
// for measuring the dashboard and the workbook.
func DemoFullRound(ctx context.Context, rs *Rounds, year string) error {
	schools, _, err := rs.register.List(ctx, SchoolFilter{Status: StatusOpen})
	if err != nil {
		return err
	}
	def, err := DefaultDefinition()
	if err != nil {
		return err
	}
	start, _ := strconv.Atoi(year[:4])
	sp := demoRoundSpec{year: year, opens: fmt.Sprintf("%d-10-03", start), deadline: fmt.Sprintf("%d-12-16", start), state: RoundClosed}
	counts := map[demoTarget]int{}
	for _, s := range schools {
		counts[demoTarget{phase: s.Phase, governance: s.Governance}]++
	}
	for _, p := range Phases {
		for _, g := range Governances {
			if c := counts[demoTarget{phase: p, governance: g}]; c > 0 {
				sp.targets = append(sp.targets, demoTarget{phase: p, governance: g, returned: c * 9 / 10})
			}
		}
	}
	return demoRound(ctx, rs, sp, *def, schools)
}

func demoRound(ctx context.Context, rs *Rounds, sp demoRoundSpec, def Definition, schools []School) error {
	year := sp.year
	opens, _ := time.ParseInLocation(time.DateOnly, sp.opens, academic.London)
	deadline, _ := time.ParseInLocation(time.DateOnly, sp.deadline, academic.London)
	seed, _ := strconv.Atoi(year[:4])
	rng := rand.New(rand.NewPCG(uint64(seed), 925))
	round := Round{ID: year, Opens: sp.opens, Deadline: sp.deadline, State: sp.state, Definition: def,
		Created: opens.AddDate(0, 0, -14).UTC(), Opened: opens.UTC(), ReminderDays: slices.Clone(DefaultReminderDays)}

	groups := map[demoTarget][]Record{}
	var returns []Return
	for _, s := range schools {
		if s.Phase == PhaseCollege {
			continue
		}
		k := demoTarget{phase: s.Phase, governance: s.Governance}
		groups[k] = append(groups[k], s.Record)
	}
	cannot := 0
	for _, t := range sp.targets {
		members := groups[demoTarget{phase: t.phase, governance: t.governance}]
		if len(members) < t.returned {
			return fmt.Errorf("%d %s %s schools cannot return %d", len(members), t.governance, t.phase, t.returned)
		}
		order := rng.Perm(len(members))
		for i, idx := range order {
			s := members[idx]
			r := newReturn(year, s, round.Created)
			r.ContactEmail = fmt.Sprintf("governors.%d@schools.example.org", s.URN)
			r.LinksIssued = 1
			r.LinkIssued = opens.UTC()
			if i < t.returned {
				at := demoSubmitted(rng, opens, deadline)
				if !sp.until.IsZero() {
					at = opens.Add(time.Duration(rng.Int64N(int64(sp.until.Sub(opens)))))
				}
				giveAssurance := !(year == "2022-23" && cannot < 4 && i%37 == 5)
				if !giveAssurance {
					cannot++
				}
				r.Answers = demoAnswers(def, s, rng, at, giveAssurance)
				for _, sec := range def.For(s) {
					r.Completed = append(r.Completed, sec.ID)
				}
				slices.Sort(r.Completed)
				r.Status, r.Submitted, r.FirstSubmitted, r.Submissions = StatusSubmitted, at.UTC(), at.UTC(), 1
				r.Late, r.Reference, r.Version, r.Updated = round.Late(r, at), NewReference(), len(r.Completed)+1, at.UTC()
				r.CannotAssure = !giveAssurance
			}
			returns = append(returns, r)
		}
	}
	round.Expected = len(returns)
	slices.SortFunc(returns, func(a, b Return) int { return a.URN - b.URN })
	var versions []any
	for _, r := range returns {
		if r.Status == StatusSubmitted {
			versions = append(versions, ReturnVersion{ID: r.ID + ":v1", Return: r.ID, Number: 1, Reference: r.Reference,
				Submitted: r.Submitted, Late: r.Late, Answers: r.Answers})
		}
	}
	if err := rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.rounds.InsertOne(ctx, round)
		return err
	}); err != nil {
		return err
	}
	if err := rs.insertReturns(ctx, returns); err != nil {
		return err
	}
	return rs.register.insertMany(ctx, rs.returns.versions, versions, func(int) {})
}

// demoSubmitted picks a submission time: a trickle after opening, a rush in the last
// fortnight, and about one in twenty in the week after the deadline.
func demoSubmitted(rng *rand.Rand, opens, deadline time.Time) time.Time {
	span := int(deadline.Sub(opens).Hours() / 24)
	var day int
	switch x := rng.Float64(); {
	case x < 0.05:
		day = span + 1 + rng.IntN(7)
	case x < 0.55:
		day = span - rng.IntN(14)
	default:
		day = rng.IntN(span - 13)
	}
	return opens.AddDate(0, 0, day).Add(time.Duration(8*60+rng.IntN(10*60)) * time.Minute)
}

// demoAnswers fills in a return as a governor would: mostly yes, some partly with a
// comment, dates in the past year.
func demoAnswers(def Definition, s Record, rng *rand.Rand, at time.Time, giveAssurance bool) []StoredAnswer {
	var out []StoredAnswer
	add := func(id string, a Answer) { out = append(out, StoredAnswer{Question: id, Answer: a}) }
	past := func() string { return at.AddDate(0, 0, -1-rng.IntN(300)).Format(time.DateOnly) }
	for _, sec := range def.For(s) {
		for _, q := range sec.Questions {
			switch {
			case q.ID == "assurance.given":
				add(q.ID, Answer{Value: map[bool]string{true: "yes", false: "no"}[giveAssurance]})
				continue
			case q.ID == "assurance.action_plan":
				if !giveAssurance {
					add(q.ID, Answer{Value: "Single central record checks for two new staff were incomplete at the board's review; the business manager is completing them with the LADO's advice and the board will review the record at its next meeting."})
				}
				continue
			case q.ID == "assurance.target_date":
				if !giveAssurance {
					add(q.ID, Answer{Value: at.AddDate(0, 2, 0).Format(time.DateOnly)})
				}
				continue
			case q.ID == "declaration.name":
				add(q.ID, Answer{Value: "Demo Governor " + strconv.Itoa(s.URN)})
				continue
			case q.ID == "declaration.email":
				add(q.ID, Answer{Value: fmt.Sprintf("governors.%d@schools.example.org", s.URN)})
				continue
			}
			switch q.Kind {
			case KindYesNo:
				add(q.ID, Answer{Value: "yes"})
			case KindYesPartlyNo:
				if rng.IntN(12) == 0 {
					add(q.ID, Answer{Value: "partly", Comment: "Mostly in place; the remaining actions are on the board's safeguarding plan for this term."})
				} else {
					add(q.ID, Answer{Value: "yes"})
				}
			case KindDate:
				add(q.ID, Answer{Value: past()})
			case KindNumber:
				add(q.ID, Answer{Value: strconv.Itoa(1 + rng.IntN(3))})
			case KindOneOf:
				add(q.ID, Answer{Value: q.Choices[rng.IntN(len(q.Choices))].Value})
			case KindManyOf:
				add(q.ID, Answer{Values: []string{q.Choices[rng.IntN(len(q.Choices))].Value}})
			case KindDeclaration:
				add(q.ID, Answer{Value: "confirmed"})
			case KindShortText, KindLongText:
				add(q.ID, Answer{Value: "Reviewed by the board."})
			}
		}
	}
	slices.SortFunc(out, func(a, b StoredAnswer) int { return strings.Compare(a.Question, b.Question) })
	return out
}
