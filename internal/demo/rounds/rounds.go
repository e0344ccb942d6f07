package rounds

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
)

// The demo carries two closed rounds. 2022-23 reproduces the partnership's annual report
// exactly (339 of 386); 2021-22 is the year before, when about 66% returned, with the
// report's story: primary and secondary up since, special and independent down.
//
// The report's secondary breakdown (maintained 2/2, academies 44/50, free 1/1) adds to 47,
// not its own total of 48; records cannot disagree with themselves, so the demo keeps the
// totals and has 45 of 50 academies return.

// target is how many schools of a phase and governance returned.
type target struct {
	phase      forms.Phase
	governance forms.Governance
	returned   int
}

var returned = map[string][]target{
	"2021-22": {
		{forms.PhaseNursery, forms.GovMaintained, 4},
		{forms.PhasePrimary, forms.GovMaintained, 115}, {forms.PhasePrimary, forms.GovAcademy, 71}, {forms.PhasePrimary, forms.GovFree, 2},
		{forms.PhaseSecondary, forms.GovMaintained, 2}, {forms.PhaseSecondary, forms.GovAcademy, 29}, {forms.PhaseSecondary, forms.GovFree, 1},
		{forms.PhaseSpecial, forms.GovMaintained, 5}, {forms.PhaseSpecial, forms.GovAcademy, 11},
		{forms.PhaseIndependent, forms.GovIndependent, 11},
		{forms.PhaseAlternative, forms.GovMaintained, 3}, {forms.PhaseAlternative, forms.GovAcademy, 1},
	},
	"2022-23": {
		{forms.PhaseNursery, forms.GovMaintained, 5},
		{forms.PhasePrimary, forms.GovMaintained, 158}, {forms.PhasePrimary, forms.GovAcademy, 97}, {forms.PhasePrimary, forms.GovFree, 2},
		{forms.PhaseSecondary, forms.GovMaintained, 2}, {forms.PhaseSecondary, forms.GovAcademy, 45}, {forms.PhaseSecondary, forms.GovFree, 1},
		{forms.PhaseSpecial, forms.GovMaintained, 5}, {forms.PhaseSpecial, forms.GovAcademy, 10},
		{forms.PhaseIndependent, forms.GovIndependent, 9},
		{forms.PhaseAlternative, forms.GovMaintained, 3}, {forms.PhaseAlternative, forms.GovAcademy, 2},
	},
}

// spec is one demo round.
type spec struct {
	year, opens, deadline string
	stillOpen             bool
	targets               []target
	until                 time.Time // a live round: returns so far, up to this moment
}

// Past adds the demo's closed rounds 2021-22 and 2022-23 to a store holding the demo
// county (register g), with every return the report counts: submitted over the autumn
// term, most near the deadline, a few late, and a few boards that could not give
// assurance. They are brought in as past rounds, by by.
func Past(ctx context.Context, g *forms.Register, rs *forms.Rounds, by audit.Actor) error {
	schools, def, err := county(ctx, g)
	if err != nil {
		return err
	}
	specs := []spec{
		{year: "2021-22", opens: "2021-10-04", deadline: "2021-12-10", targets: returned["2021-22"]},
		{year: "2022-23", opens: "2022-10-03", deadline: "2022-12-16", targets: returned["2022-23"]},
	}
	for _, sp := range specs {
		if _, err := load(ctx, rs, by, sp, *def, schools); err != nil {
			return fmt.Errorf("demo round %s: %w", sp.year, err)
		}
	}
	return nil
}

// Live adds an open round for the academic year of now, three weeks from its deadline,
// with about half the schools returned so far: the dashboard and the reminder schedule
// then have a live round to work on.
func Live(ctx context.Context, g *forms.Register, rs *forms.Rounds, by audit.Actor, now time.Time) (forms.Round, error) {
	schools, def, err := county(ctx, g)
	if err != nil {
		return forms.Round{}, err
	}
	def.Version = 2
	start := now.Year()
	if now.Month() < time.August {
		start--
	}
	year := fmt.Sprintf("%d-%02d", start, (start+1)%100)
	today := now.In(academic.London)
	sp := spec{year: year, opens: today.AddDate(0, 0, -35).Format(time.DateOnly), deadline: today.AddDate(0, 0, 20).Format(time.DateOnly),
		stillOpen: true, until: now}
	counts := count(schools)
	for _, t := range returned["2022-23"] {
		n := counts[target{phase: t.phase, governance: t.governance}]
		sp.targets = append(sp.targets, target{phase: t.phase, governance: t.governance, returned: n * 11 / 20})
	}
	r, err := load(ctx, rs, by, sp, *def, schools)
	if err != nil {
		return forms.Round{}, fmt.Errorf("demo round %s: %w", year, err)
	}
	return r, nil
}

// Full adds a closed round in which nine in ten schools of every phase and governance of
// the register g returned, with answers: a round the size of any register, for measuring
// the dashboard and the workbook.
func Full(ctx context.Context, g *forms.Register, rs *forms.Rounds, by audit.Actor, year string) error {
	schools, def, err := county(ctx, g)
	if err != nil {
		return err
	}
	start, _ := strconv.Atoi(year[:4])
	sp := spec{year: year, opens: fmt.Sprintf("%d-10-03", start), deadline: fmt.Sprintf("%d-12-16", start)}
	counts := count(schools)
	for _, p := range forms.Phases {
		for _, gov := range forms.Governances {
			if c := counts[target{phase: p, governance: gov}]; c > 0 {
				sp.targets = append(sp.targets, target{phase: p, governance: gov, returned: c * 9 / 10})
			}
		}
	}
	_, err = load(ctx, rs, by, sp, *def, schools)
	return err
}

// county is the register's open schools and the default form.
func county(ctx context.Context, g *forms.Register) ([]forms.School, *forms.Definition, error) {
	schools, _, err := g.List(ctx, forms.SchoolFilter{Status: forms.StatusOpen})
	if err != nil {
		return nil, nil, err
	}
	def, err := forms.DefaultDefinition()
	return schools, def, err
}

// count is how many schools there are of each phase and governance.
func count(schools []forms.School) map[target]int {
	counts := map[target]int{}
	for _, s := range schools {
		counts[target{phase: s.Phase, governance: s.Governance}]++
	}
	return counts
}

// load makes up the round sp and brings it in. Its random choices are seeded by the
// year, so a year's demo round is the same each time it is loaded (but for references).
func load(ctx context.Context, rs *forms.Rounds, by audit.Actor, sp spec, def forms.Definition, schools []forms.School) (forms.Round, error) {
	year := sp.year
	opens, _ := time.ParseInLocation(time.DateOnly, sp.opens, academic.London)
	deadline, _ := time.ParseInLocation(time.DateOnly, sp.deadline, academic.London)
	seed, _ := strconv.Atoi(year[:4])
	rng := rand.New(rand.NewPCG(uint64(seed), 925))
	in := forms.PastRound{Year: year, Opens: sp.opens, Deadline: sp.deadline, Created: opens.AddDate(0, 0, -14),
		StillOpen: sp.stillOpen, Definition: def}

	groups := map[target][]forms.Record{}
	for _, s := range schools {
		if s.Phase == forms.PhaseCollege {
			continue
		}
		k := target{phase: s.Phase, governance: s.Governance}
		groups[k] = append(groups[k], s.Record)
	}
	cannot := 0
	for _, t := range sp.targets {
		members := groups[target{phase: t.phase, governance: t.governance}]
		if len(members) < t.returned {
			return forms.Round{}, fmt.Errorf("%d %s %s schools cannot return %d", len(members), t.governance, t.phase, t.returned)
		}
		order := rng.Perm(len(members))
		for i, idx := range order {
			s := members[idx]
			r := forms.PastReturn{URN: s.URN, ContactEmail: fmt.Sprintf("governors.%d@schools.example.org", s.URN), LinkIssued: opens}
			if i < t.returned {
				at := submitted(rng, opens, deadline)
				if !sp.until.IsZero() {
					at = opens.Add(time.Duration(rng.Int64N(int64(sp.until.Sub(opens)))))
				}
				giveAssurance := !(year == "2022-23" && cannot < 4 && i%37 == 5)
				if !giveAssurance {
					cannot++
				}
				r.Submitted, r.Answers = at, answers(def, s, rng, at, giveAssurance)
			}
			in.Returns = append(in.Returns, r)
		}
	}
	return rs.LoadPast(ctx, by, in)
}

// submitted picks a submission time: a trickle after opening, a rush in the last
// fortnight, and about one in twenty in the week after the deadline.
func submitted(rng *rand.Rand, opens, deadline time.Time) time.Time {
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

// answers fills in a return as a governor would: mostly yes, some partly with a comment,
// dates in the past year.
func answers(def forms.Definition, s forms.Record, rng *rand.Rand, at time.Time, giveAssurance bool) []forms.StoredAnswer {
	var out []forms.StoredAnswer
	add := func(id string, a forms.Answer) { out = append(out, forms.StoredAnswer{Question: id, Answer: a}) }
	past := func() string { return at.AddDate(0, 0, -1-rng.IntN(300)).Format(time.DateOnly) }
	for _, sec := range def.For(s) {
		for _, q := range sec.Questions {
			switch {
			case q.ID == forms.QuestionAssuranceGiven:
				add(q.ID, forms.Answer{Value: map[bool]string{true: "yes", false: "no"}[giveAssurance]})
				continue
			case q.ID == forms.QuestionActionPlan:
				if !giveAssurance {
					add(q.ID, forms.Answer{Value: "Single central record checks for two new staff were incomplete at the board's review; the business manager is completing them with the LADO's advice and the board will review the record at its next meeting."})
				}
				continue
			case q.ID == forms.QuestionTargetDate:
				if !giveAssurance {
					add(q.ID, forms.Answer{Value: at.AddDate(0, 2, 0).Format(time.DateOnly)})
				}
				continue
			case q.ID == "declaration.name":
				add(q.ID, forms.Answer{Value: "Demo Governor " + strconv.Itoa(s.URN)})
				continue
			case q.ID == "declaration.email":
				add(q.ID, forms.Answer{Value: fmt.Sprintf("governors.%d@schools.example.org", s.URN)})
				continue
			}
			switch q.Kind {
			case forms.KindYesNo:
				add(q.ID, forms.Answer{Value: "yes"})
			case forms.KindYesPartlyNo:
				if rng.IntN(12) == 0 {
					add(q.ID, forms.Answer{Value: "partly", Comment: "Mostly in place; the remaining actions are on the board's safeguarding plan for this term."})
				} else {
					add(q.ID, forms.Answer{Value: "yes"})
				}
			case forms.KindDate:
				add(q.ID, forms.Answer{Value: past()})
			case forms.KindNumber:
				add(q.ID, forms.Answer{Value: strconv.Itoa(1 + rng.IntN(3))})
			case forms.KindOneOf:
				add(q.ID, forms.Answer{Value: q.Choices[rng.IntN(len(q.Choices))].Value})
			case forms.KindManyOf:
				add(q.ID, forms.Answer{Values: []string{q.Choices[rng.IntN(len(q.Choices))].Value}})
			case forms.KindDeclaration:
				add(q.ID, forms.Answer{Value: "confirmed"})
			case forms.KindShortText, forms.KindLongText:
				add(q.ID, forms.Answer{Value: "Reviewed by the board."})
			}
		}
	}
	return out // LoadPast keeps them in question order
}
