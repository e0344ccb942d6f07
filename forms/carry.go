package forms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
)

// Carrying forward (a round's CarryForward setting): a school's return may start from the
// answers it last submitted, in the latest earlier round it returned in. Only answers to
// questions this year's form still asks the school (the same ID) are carried, and only
// those still valid there (a choice that is no longer offered is not); the declaration is
// never carried, since its signatory is this year's. Each carried answer is marked until
// the section it is in is saved: saving the section with the answer confirms it, and a
// section with an answer not yet confirmed is not complete.

// Errors of carrying forward.
var (
	ErrNoCarryForward = problem.New(problem.WrongState, "this round does not start returns from last year's answers")
	ErrAlreadyStarted = problem.New(problem.WrongState, "this return has been started: last year's answers can only be its start")
	ErrNothingToCarry = problem.New(problem.NotFound, "there are no answers your school submitted in an earlier round to start from")
)

// CarriedIn lists the questions of a section whose answers were carried from last year
// and are not yet confirmed.
func (r Return) CarriedIn(sec Section) map[string]bool {
	out := map[string]bool{}
	for _, a := range r.Answers {
		if a.Carried && slices.ContainsFunc(sec.Questions, func(q Question) bool { return q.ID == a.Question }) {
			out[a.Question] = true
		}
	}
	return out
}

// carried are the answers of an earlier submission (previous) that this year's sections
// take: same question ID, not the declaration's, and a value the question still accepts;
// each marked as carried.
func carried(previous []StoredAnswer, sections []Section) []StoredAnswer {
	asked := map[string]Question{}
	for _, sec := range QuestionSections(sections) {
		for _, q := range sec.Questions {
			asked[q.ID] = q
		}
	}
	var out []StoredAnswer
	for _, a := range previous {
		q, ok := asked[a.Question]
		if !ok || a.Empty() || !q.accepts(a.Answer) {
			continue
		}
		a.Carried = true
		out = append(out, a)
	}
	return out
}

// accepts says whether an answer given to an earlier round's question of the same ID is
// one this question still takes: its choices must still be offered.
func (q Question) accepts(a Answer) bool {
	if q.Kind == KindManyOf {
		return !slices.ContainsFunc(a.Values, func(v string) bool {
			return !slices.ContainsFunc(q.Choices, func(c Choice) bool { return c.Value == v })
		})
	}
	if values := q.values(); values != nil {
		return slices.Contains(values, a.Value)
	}
	return true
}

// LastSubmitted finds the return a school's return would carry answers from: the same
// school's in the latest earlier round, if it was submitted there, with its answers as
// last submitted. ErrNothingToCarry when there is none.
func (a *Assurance) LastSubmitted(ctx context.Context, id ReturnID) (ReturnVersion, error) {
	rounds, err := a.rounds.List(ctx) // newest first
	if err != nil {
		return ReturnVersion{}, err
	}
	for _, round := range rounds {
		if round.ID >= id.Round {
			continue
		}
		prev, err := a.rounds.returns.Get(ctx, ReturnID{Round: round.ID, URN: id.URN})
		if errors.Is(err, ErrReturnNotFound) || (err == nil && prev.Submissions == 0) {
			continue
		}
		if err != nil {
			return ReturnVersion{}, err
		}
		versions, err := a.rounds.returns.Versions(ctx, prev)
		if err != nil {
			return ReturnVersion{}, err
		}
		if len(versions) == 0 || len(versions[len(versions)-1].Answers) == 0 { // purged
			return ReturnVersion{}, ErrNothingToCarry
		}
		return versions[len(versions)-1], nil
	}
	return ReturnVersion{}, ErrNothingToCarry
}

// CarryForward starts a return that has not been started from the answers its school last
// submitted (LastSubmitted), each marked as carried until its section is saved, if the
// return is still at the version the person loaded; it audits how many were carried and
// from which round.
func (a *Assurance) CarryForward(ctx context.Context, by audit.Actor, id ReturnID, version int) (Return, error) {
	r, err := a.rounds.returns.Get(ctx, id)
	if err != nil {
		return r, err
	}
	round, err := a.rounds.Get(ctx, r.Round)
	if err != nil {
		return r, err
	}
	switch {
	case !round.CarryForward:
		return r, ErrNoCarryForward
	case !round.OpenForChanges(r):
		return r, ErrNotEditable
	case r.Status != StatusNotStarted || len(r.Answers) > 0:
		return r, ErrAlreadyStarted
	case r.Version != version:
		return r, ErrConflict
	}
	last, err := a.LastSubmitted(ctx, id)
	if err != nil {
		return r, err
	}
	answers := carried(last.Answers, round.Sections(r))
	if len(answers) == 0 {
		return r, ErrNothingToCarry
	}
	done, err := a.rounds.returns.update(ctx, id, version, bson.D{{Key: "$set", Value: bson.D{{Key: "answers", Value: answers},
		{Key: "status", Value: StatusInProgress}, {Key: "updated", Value: time.Now().UTC()}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil {
		return r, fmt.Errorf("returns: carrying answers forward to %s: %w", id, err)
	}
	if !done {
		latest, err := a.rounds.returns.Get(ctx, id)
		if err != nil {
			return r, err
		}
		return latest, ErrConflict
	}
	a.audit(ctx, by, audit.ActionCarriedForward, r.ID, strconv.Itoa(len(answers))+" answers from "+last.Return)
	return a.rounds.returns.Get(ctx, id)
}
