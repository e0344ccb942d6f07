package forms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
)

// A partnership that ran its rounds before the service (forms emailed back, kept in a
// spreadsheet) brings them in with LoadPast, so the dashboard compares this year with the
// years before; one that moves to the service part way through a round brings the round
// so far and keeps it open. The demo's rounds come in the same way (internal/demo/rounds).

// PastRound is a round run outside the service, as the partnership kept it.
type PastRound struct {
	Year     string // the academic year, like 2022-23
	Opens    string // yyyy-mm-dd
	Deadline string // yyyy-mm-dd
	// Created is when the round was set up, on or before the day it opened.
	Created time.Time
	// StillOpen keeps the round open for the schools yet to return; otherwise it is closed.
	StillOpen bool
	// Definition is the form the schools answered.
	Definition Definition
	// Returns are the schools expected to return, each once, with what it returned if it did.
	Returns []PastReturn
}

// PastReturn is one school's return in a past round.
type PastReturn struct {
	URN          int
	ContactEmail string    // where its link went, if the partnership kept it
	LinkIssued   time.Time // when its link or form was given out; zero if it was not
	// Submitted is when the school returned; zero if it did not.
	Submitted time.Time
	// Answers are what it returned: every section the school is asked, complete. A school
	// that did not return brings none.
	Answers []StoredAnswer
}

// LoadPast brings in a past round with its returns: each school expected is an open school
// of the register, and each return submitted is complete for the form as the school is
// asked it, as Submit would require. It is refused if the year already has a round. Each
// submitted return is kept as its first version, as a submission in the service is. It
// records who brought the round in.
func (rs *Rounds) LoadPast(ctx context.Context, by audit.Actor, in PastRound) (Round, error) {
	round, err := in.round()
	if err != nil {
		return Round{}, err
	}
	if _, err := rs.Get(ctx, round.ID); !errors.Is(err, ErrRoundNotFound) {
		if err == nil {
			err = ErrRoundExists
		}
		return Round{}, err
	}
	schools, _, err := rs.register.List(ctx, SchoolFilter{Status: StatusOpen})
	if err != nil {
		return Round{}, err
	}
	returns, versions, err := in.returns(round, schools)
	if err != nil {
		return Round{}, err
	}
	round.Expected = len(returns)
	// The returns go in before the round, so no one sees the round without them.
	if err := rs.insertReturns(ctx, returns); err != nil {
		return Round{}, fmt.Errorf("rounds: loading %s: %w", round.ID, err)
	}
	if err := rs.register.insertMany(ctx, rs.returns.versions, versions, func(int) {}); err != nil {
		return Round{}, fmt.Errorf("rounds: loading %s: %w", round.ID, err)
	}
	if err := rs.keepAnswerRows(ctx, returns); err != nil {
		return Round{}, err
	}
	if err := rs.returns.countChange(ctx, round.ID); err != nil {
		return Round{}, err
	}
	err = rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.rounds.InsertOne(ctx, round)
		return err
	})
	if store.IsDuplicateKey(err) {
		return Round{}, ErrRoundExists
	}
	if err != nil {
		return Round{}, fmt.Errorf("rounds: loading %s: %w", round.ID, err)
	}
	record(ctx, rs.audit, by, audit.ActionRoundLoaded, round.ID,
		fmt.Sprintf("%s, %d schools expected, %d returned", round.State, len(returns), len(versions)))
	return rs.Get(ctx, round.ID)
}

// round checks the round's dates and form and makes the round, without its returns.
func (in PastRound) round() (Round, error) {
	invalid := func(format string, a ...any) (Round, error) {
		return Round{}, problem.Wrap(problem.Invalid, fmt.Errorf(format, a...))
	}
	if err := academic.CheckYear(in.Year); err != nil {
		return Round{}, err
	}
	opens, err := time.ParseInLocation(time.DateOnly, in.Opens, academic.London)
	if err != nil {
		return invalid("opening date %q must be yyyy-mm-dd", in.Opens)
	}
	deadline, err := time.ParseInLocation(time.DateOnly, in.Deadline, academic.London)
	if err != nil {
		return invalid("deadline %q must be yyyy-mm-dd", in.Deadline)
	}
	if !deadline.After(opens) {
		return invalid("the deadline must be after the opening date")
	}
	if in.Created.IsZero() || in.Created.After(opens.AddDate(0, 0, 1)) {
		return invalid("the round must have been set up by the day it opened")
	}
	def := in.Definition
	if err := def.check(); err != nil {
		return invalid("form definition: %w", err)
	}
	state := RoundClosed
	if in.StillOpen {
		state = RoundOpen
	}
	return Round{ID: in.Year, Opens: in.Opens, Deadline: in.Deadline, State: state, Definition: def,
		Created: in.Created.UTC(), Opened: opens.UTC(), ReminderDays: slices.Clone(DefaultReminderDays)}, nil
}

// returns checks the returns against the register and the form, and makes them, sorted
// by URN, with a first version of each one submitted.
func (in PastRound) returns(round Round, schools []School) ([]Return, []any, error) {
	invalid := func(format string, a ...any) ([]Return, []any, error) {
		return nil, nil, problem.Wrap(problem.Invalid, fmt.Errorf(format, a...))
	}
	if len(in.Returns) == 0 {
		return invalid("a round brought in needs the schools expected to return")
	}
	open := make(map[int]Record, len(schools))
	for _, s := range schools {
		if s.Phase != PhaseCollege { // colleges are outside the schools return, as in Open
			open[s.URN] = s.Record
		}
	}
	seen := make(map[int]bool, len(in.Returns))
	opened := round.Opened
	returns := make([]Return, 0, len(in.Returns))
	var versions []any
	for _, p := range in.Returns {
		s, ok := open[p.URN]
		switch {
		case !ok:
			return invalid("school %d is not an open school of the register", p.URN)
		case seen[p.URN]:
			return invalid("school %d has two returns", p.URN)
		case p.ContactEmail != "" && !isEmail(p.ContactEmail):
			return invalid("school %d: %q is not an email address", p.URN, p.ContactEmail)
		case p.Submitted.IsZero() && len(p.Answers) > 0:
			return invalid("school %d has answers but no date it returned them", p.URN)
		case !p.Submitted.IsZero() && p.Submitted.Before(opened):
			return invalid("school %d returned before the round opened", p.URN)
		}
		seen[p.URN] = true
		r := newReturn(round.ID, s, round.Created)
		r.ContactEmail = p.ContactEmail
		if !p.LinkIssued.IsZero() {
			r.LinksIssued, r.LinkIssued = 1, p.LinkIssued.UTC()
		}
		if !p.Submitted.IsZero() {
			if err := round.checkAnswers(s, p.Answers); err != nil {
				return invalid("school %d: %w", p.URN, err)
			}
			at := p.Submitted.UTC()
			r.Answers = slices.SortedFunc(slices.Values(p.Answers), func(a, b StoredAnswer) int { return strings.Compare(a.Question, b.Question) })
			for _, sec := range round.Definition.For(s) {
				r.Completed = append(r.Completed, sec.ID)
			}
			slices.Sort(r.Completed)
			// As if the governor saved each section once, then submitted.
			r.Status, r.Submitted, r.FirstSubmitted, r.Submissions = StatusSubmitted, at, at, 1
			r.Late, r.Reference, r.Version, r.Updated = round.Late(r, at), NewReference(), len(r.Completed)+1, at
			r.CannotAssure = r.AnswerMap()[QuestionAssuranceGiven].Value == "no"
		}
		returns = append(returns, r)
	}
	slices.SortFunc(returns, func(a, b Return) int { return a.URN - b.URN })
	for _, r := range returns {
		if r.Status == StatusSubmitted {
			versions = append(versions, ReturnVersion{ID: r.ID + ":v1", Return: r.ID, Number: 1, Reference: r.Reference,
				Submitted: r.Submitted, Late: r.Late, Answers: r.Answers})
		}
	}
	return returns, versions, nil
}

// checkAnswers says whether answers are a complete return of school s: each answers a
// question of the form, once, and every section the school is asked is complete.
func (r Round) checkAnswers(s Record, answers []StoredAnswer) error {
	given := make(map[string]Answer, len(answers))
	for _, a := range answers {
		if _, ok := r.Definition.Question(a.Question); !ok {
			return fmt.Errorf("the form has no question %q", a.Question)
		}
		if _, twice := given[a.Question]; twice {
			return fmt.Errorf("question %q is answered twice", a.Question)
		}
		given[a.Question] = a.Answer
	}
	for _, sec := range r.Definition.For(s) {
		if !sec.Complete(given) {
			return fmt.Errorf("section %q is not complete", sec.ID)
		}
	}
	return nil
}
