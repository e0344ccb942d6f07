package forms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/store"
)

// DefaultRetentionYears is how long a round's answers are kept after its deadline unless
// the partnership sets otherwise for the round: six years, a common records schedule for
// safeguarding assurance. Retention is the partnership's decision.
const DefaultRetentionYears = 6

// Retention is how many years the round's answers are kept after its deadline.
func (r Round) Retention() int {
	if r.RetentionYears > 0 {
		return r.RetentionYears
	}
	return DefaultRetentionYears
}

// PurgeOn is the day (yyyy-mm-dd) from which the round's answers may be purged.
func (r Round) PurgeOn() string {
	d, err := time.Parse(time.DateOnly, r.Deadline)
	if err != nil {
		return ""
	}
	return d.AddDate(r.Retention(), 0, 0).Format(time.DateOnly)
}

// SetRetention sets how many years (1 to 50) a round's answers are kept after its
// deadline, and records who did it and the day the answers will go.
func (rs *Rounds) SetRetention(ctx context.Context, by audit.Actor, year string, years int) error {
	if years < 1 || years > 50 {
		return errors.New("rounds: retention must be 1 to 50 years")
	}
	r, err := rs.Get(ctx, year)
	if err != nil {
		return err
	}
	err = rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.rounds.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}}, bson.D{{Key: "$set", Value: bson.D{{Key: "retention_years", Value: years}}}})
		return err
	})
	if err != nil {
		return err
	}
	r.RetentionYears = years
	record(ctx, rs.audit, by, audit.ActionRetentionSet, year, fmt.Sprintf("%d years: answers purged from %s", years, r.PurgeOn()))
	return nil
}

// PurgeReport says what a purge removed from one round.
type PurgeReport struct {
	Round                    string
	Returns, Versions, Links int64
	Emails                   int64 // outbox copies emptied (Assurance.PurgeDue)
}

// PurgeDue purges every closed or archived round whose retention has ended by today
// (yyyy-mm-dd). Purging removes what governors wrote (the answers of the return and of
// every kept version, the contact email, links, the people of a two-person sign-off) and
// keeps what the partnership's year-on-year figures need: each school's status, dates,
// lateness, phase and type, its reference, and whether assurance was given. It runs under
// a store lock, so with several instances one purges and the others skip, and a purged
// round is marked so it is never purged twice.
func (rs *Rounds) PurgeDue(ctx context.Context, today string) ([]PurgeReport, error) {
	return rs.purgeDue(ctx, today, nil)
}

// purgeDue is PurgeDue with first, when not nil, run for each due round before its
// answers go; a failure there leaves the round unpurged, to be tried again.
func (rs *Rounds) purgeDue(ctx context.Context, today string, first func(ctx context.Context, rep *PurgeReport) error) ([]PurgeReport, error) {
	release, err := rs.st.Lock(ctx, "returns-purge", "purge:"+today+":"+strconv.FormatInt(time.Now().UnixNano(), 36), 10*time.Minute)
	if errors.Is(err, store.ErrLocked) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer release()
	rounds, err := rs.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []PurgeReport
	for _, r := range rounds {
		if (r.State != RoundClosed && r.State != RoundArchived) || !r.Purged.IsZero() || r.PurgeOn() == "" || r.PurgeOn() > today {
			continue
		}
		rep := PurgeReport{Round: r.ID}
		if first != nil {
			if err := first(ctx, &rep); err != nil {
				return out, err
			}
		}
		rep, err := rs.purge(ctx, rep)
		if err != nil {
			return out, err
		}
		out = append(out, rep)
	}
	return out, nil
}

func (rs *Rounds) purge(ctx context.Context, rep PurgeReport) (PurgeReport, error) {
	year := rep.Round
	ofRound := bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(year) + ":"}}
	err := rs.st.Write(ctx, func(ctx context.Context) error {
		res, err := rs.returns.returns.UpdateMany(ctx, bson.D{{Key: "round", Value: year}}, bson.D{
			{Key: "$set", Value: bson.D{{Key: "answers", Value: bson.A{}}}},
			{Key: "$unset", Value: bson.D{{Key: "contact_email", Value: ""}, {Key: "link_hash", Value: ""}, {Key: "submit_key", Value: ""},
				// The people of a two-person sign-off, who are personal data like the signatory's answers.
				{Key: "preparer", Value: ""}, {Key: "confirmer", Value: ""}, {Key: "confirm_to", Value: ""}, {Key: "confirm_hash", Value: ""},
				{Key: "sent_back", Value: ""}}}})
		if err != nil {
			return err
		}
		rep.Returns = res.ModifiedCount
		// Kept versions stay as the record of who submitted when, with their reference,
		// but lose their answers.
		vers, err := rs.returns.versions.UpdateMany(ctx, bson.D{{Key: "_id", Value: ofRound}}, bson.D{{Key: "$set", Value: bson.D{{Key: "answers", Value: bson.A{}}}},
			{Key: "$unset", Value: bson.D{{Key: "preparer", Value: ""}, {Key: "confirmer", Value: ""}}}})
		if err != nil {
			return err
		}
		rep.Versions = vers.ModifiedCount
		del, err := rs.links.docs.DeleteMany(ctx, bson.D{{Key: "return", Value: ofRound}})
		if err != nil {
			return err
		}
		rep.Links = del.DeletedCount
		if err := rs.returns.answerRows(year).Drop(ctx); err != nil {
			return err
		}
		_, err = rs.rounds.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}}, bson.D{{Key: "$set", Value: bson.D{{Key: "purged", Value: time.Now().UTC()}}}})
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("rounds: purging %s: %w", year, err)
	}
	_ = rs.returns.countChange(ctx, year)
	return rep, nil
}
