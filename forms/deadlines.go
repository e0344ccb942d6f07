package forms

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
)

// Deadlines: a round has one deadline, which an admin may move, and a school may be given
// an extension to a date of its own. Everything that depends on a school's deadline
// (whether its submission is late, which reminder is due, what the reminder says) reads
// DeadlineOf, so an extension moves all of it at once.

// Errors about deadlines.
var (
	ErrDeadlineDate    = problem.New(problem.Invalid, "enter the date as a real date, like 2024-12-13")
	ErrDeadlineEarly   = problem.New(problem.Invalid, "the date must be after the round's opening date")
	ErrExtensionReason = problem.New(problem.Invalid, "enter the reason for the extension (up to 500 characters)")
	ErrExtensionEarly  = problem.New(problem.Invalid, "an extension must be after the round's deadline")
	ErrExtensionLong   = problem.New(problem.Invalid, "an extension can be at most a year after the round's deadline")
)

// DeadlineOf is the date a return is due: its school's extension, or the round's deadline.
func (r Round) DeadlineOf(ret Return) string {
	if ret.Extension != "" {
		return ret.Extension
	}
	return r.Deadline
}

// forReturn is the round as one school sees it: with that school's own deadline.
func (r Round) forReturn(ret Return) Round {
	r.Deadline = r.DeadlineOf(ret)
	return r
}

// DaysToDeadlineOf counts a school's days to its own deadline (DaysToDeadline of its
// extension's date, if it has one): what a list of schools shows beside each.
func (r Round) DaysToDeadlineOf(ret Return, now time.Time) int {
	return r.forReturn(ret).DaysToDeadline(now)
}

// Late says whether a school's submission at t is after its deadline (its own date, if it
// has an extension, and any grace period).
func (r Round) Late(ret Return, t time.Time) bool {
	d, err := time.Parse(time.DateOnly, r.DeadlineOf(ret))
	if err != nil {
		return false
	}
	return !t.Before(d.AddDate(0, 0, 1+r.GraceDays))
}

// checkDate reads a yyyy-mm-dd date that must fall after the round opens.
func (r Round) checkDate(date string) error {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ErrDeadlineDate
	}
	if opens, err := time.Parse(time.DateOnly, r.Opens); err == nil && !d.After(opens) {
		return ErrDeadlineEarly
	}
	return nil
}

// checkExtension reads a school's own deadline: an extension gives more time, so it falls
// after the round's deadline, and within a year of it (a typing slip like 9999 would
// otherwise excuse the school from ever being late or reminded).
func (r Round) checkExtension(until string) error {
	d, err := time.Parse(time.DateOnly, until)
	if err != nil {
		return ErrDeadlineDate
	}
	deadline, err := time.Parse(time.DateOnly, r.Deadline)
	if err != nil {
		return fmt.Errorf("rounds: %s has no deadline to extend: %w", r.ID, err)
	}
	switch {
	case !d.After(deadline):
		return ErrExtensionEarly
	case d.After(deadline.AddDate(1, 0, 0)):
		return ErrExtensionLong
	}
	return nil
}

// SetDeadline moves a draft or open round's deadline (after its opening date), and records
// who did it. Lateness and the reminder schedule follow the new date at once.
func (rs *Rounds) SetDeadline(ctx context.Context, by audit.Actor, year, deadline string) (Round, error) {
	r, err := rs.Get(ctx, year)
	if err != nil {
		return r, err
	}
	if r.State != RoundDraft && r.State != RoundOpen {
		return r, ErrRoundState
	}
	if err := r.checkDate(deadline); err != nil {
		return r, err
	}
	var res *mongo.UpdateResult
	err = rs.st.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = rs.rounds.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}, {Key: "state", Value: r.State}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "deadline", Value: deadline}}}})
		return err
	})
	if err != nil {
		return r, fmt.Errorf("rounds: deadline of %s: %w", year, err)
	}
	if res.MatchedCount == 0 {
		return r, ErrRoundState // closed (or archived) between our read and our write
	}
	rs.recent.Delete(year) // governors' pages show the new date at once
	record(ctx, rs.audit, by, audit.ActionDeadlineChanged, year, "from "+r.Deadline+" to "+deadline)
	r.Deadline = deadline
	return r, nil
}

// SetExtension gives one school of an open round its own deadline, with a reason, or
// (until empty) takes its extension away, and records who did it. Its lateness and its
// reminders then follow its own date.
func (rs *Rounds) SetExtension(ctx context.Context, by audit.Actor, id ReturnID, until, reason string) (Return, error) {
	round, err := rs.Get(ctx, id.Round)
	if err != nil {
		return Return{}, err
	}
	if round.State != RoundOpen {
		return Return{}, ErrRoundNotOpen
	}
	reason = strings.TrimSpace(reason)
	if until != "" {
		if err := round.checkExtension(until); err != nil {
			return Return{}, err
		}
		if reason == "" || utf8.RuneCountInString(reason) > 500 {
			return Return{}, ErrExtensionReason
		}
	} else {
		reason = ""
	}
	var res *mongo.UpdateResult
	err = rs.returns.write(ctx, id.Round, []int{id.URN}, func(ctx context.Context) error {
		var err error
		res, err = rs.returns.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "extension", Value: until}, {Key: "extension_reason", Value: reason}}}})
		return err
	})
	if err != nil {
		return Return{}, fmt.Errorf("returns: extension for %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return Return{}, ErrReturnNotFound
	}
	detail := "extension removed: due " + round.Deadline
	if until != "" {
		detail = "due " + until + ": " + reason
	}
	record(ctx, rs.audit, by, audit.ActionExtension, id.String(), detail)
	return rs.returns.Get(ctx, id)
}
