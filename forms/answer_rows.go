package forms

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/store"
)

// The return-rate workbook gives every submitted return's answers. Reading the returns
// themselves costs the embedded store about 3 ms each (sixty answers, each several
// values), 70 s for England's 24,000. So each submission also writes an answers row: the
// return's answers and sign-off packed into one encoded value, in a collection of the
// round's own, which the workbook reads in one pass (one value per row decodes in
// microseconds). The return stays the record of truth: a row is used only while it is
// the return's current submission (same reference, same count), and any return without
// one is read whole, and its row written then, so rows lost to a crash between the two
// writes, or a store from before rows, mend themselves.

// answerRow is one submitted return's answers as the workbook reads them.
type answerRow struct {
	ID          string `bson:"_id"` // the URN, as text
	Reference   string `bson:"ref"`
	Submissions int    `bson:"n"`
	Data        []byte `bson:"d"` // packedAnswers, encoded (answer_codec.go)
}

// packedAnswers is what an answers row's data holds: what the submission fixed.
type packedAnswers struct {
	Answers   []StoredAnswer
	Preparer  *Person
	Confirmer *Person
}

// answerRows is the collection of a round's answers rows: one a round, so the workbook's
// pass reads no other round's, and purging a round's answers drops it whole (retention.go).
func (rs *Returns) answerRows(year string) *mongo.Collection {
	return rs.st.Collection("answer_rows_" + strings.ReplaceAll(year, "-", "_"))
}

func newAnswerRow(r Return) (answerRow, error) {
	data, err := encodeAnswers(packedAnswers{Answers: r.Answers, Preparer: r.Preparer, Confirmer: r.Confirmer})
	if err != nil {
		return answerRow{}, fmt.Errorf("returns: packing the answers of %s: %w", r.ID, err)
	}
	return answerRow{ID: strconv.Itoa(r.URN), Reference: r.Reference, Submissions: r.Submissions, Data: data}, nil
}

// current says whether the row is the return's submission as it stands.
func (row answerRow) current(r Return) bool {
	return r.Status == StatusSubmitted && row.Reference == r.Reference && row.Submissions == r.Submissions
}

// keepAnswerRow writes a submitted return's answers row, replacing an earlier submission's.
func (rs *Returns) keepAnswerRow(ctx context.Context, r Return) error {
	row, err := newAnswerRow(r)
	if err != nil {
		return err
	}
	err = rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.answerRows(r.Round).ReplaceOne(ctx, bson.D{{Key: "_id", Value: row.ID}}, row, options.Replace().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("returns: keeping the answers row of %s: %w", r.ID, err)
	}
	return nil
}

// keepAnswerRows writes the answers rows of a round's submitted returns in batches, as a
// round brought in whole (LoadPast) does.
func (rs *Rounds) keepAnswerRows(ctx context.Context, returns []Return) error {
	byRound := map[string][]any{}
	for _, r := range returns {
		if r.Status != StatusSubmitted {
			continue
		}
		row, err := newAnswerRow(r)
		if err != nil {
			return err
		}
		byRound[r.Round] = append(byRound[r.Round], row)
	}
	for year, rows := range byRound {
		if err := rs.register.insertMany(ctx, rs.returns.answerRows(year), rows, func(int) {}); err != nil {
			return fmt.Errorf("returns: writing the answers rows of %s: %w", year, err)
		}
	}
	return nil
}

// answerRowsOf reads a round's answers rows by URN, in one pass.
func (rs *Returns) answerRowsOf(ctx context.Context, year string) (map[int]answerRow, error) {
	cur, err := rs.answerRows(year).Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("returns: reading the answers rows of %s: %w", year, err)
	}
	defer cur.Close(ctx)
	out := map[int]answerRow{}
	for cur.Next(ctx) {
		var row answerRow
		if err := cur.Decode(&row); err != nil {
			return nil, fmt.Errorf("returns: reading the answers rows of %s: %w", year, err)
		}
		if urn, err := strconv.Atoi(row.ID); err == nil {
			out[urn] = row
		}
	}
	return out, cur.Err()
}

// eachWithAnswers calls fn with each of the round's returns in URN order, those returned
// with their answers and sign-off: from the answers rows where they are current, read
// whole otherwise. A purged round's answers are gone, and so are its rows: its returns
// are read as they now stand.
func (rs *Rounds) eachWithAnswers(ctx context.Context, round Round, fn func(Return) error) error {
	if rs.st.Kind == store.KindMongoDB {
		return rs.returns.Each(ctx, round.ID, true, fn) // MongoDB reads a round's returns by index
	}
	rows := map[int]answerRow{}
	if round.Purged.IsZero() {
		var err error
		if rows, err = rs.returns.answerRowsOf(ctx, round.ID); err != nil {
			return err
		}
	}
	today := time.Now().In(academic.London).Format(time.DateOnly)
	return rs.returns.Each(ctx, round.ID, false, func(r Return) error {
		if _, returned := r.Counted(); !returned {
			return fn(r)
		}
		if row, ok := rows[r.URN]; ok && row.current(r) {
			delete(rows, r.URN)
			// A row that does not decode (damaged, or from another build) is written again.
			if p, err := decodeAnswers(row.Data); err == nil {
				r.Answers, r.Preparer, r.Confirmer = p.Answers, p.Preparer, p.Confirmer
				return fn(r)
			}
		}
		whole, err := rs.returns.Get(ctx, r.Key())
		if err != nil {
			return err
		}
		// Not once the round's answers are due to be purged: a row written as the purge
		// runs could outlive it.
		if whole.Status == StatusSubmitted && round.Purged.IsZero() && today < round.PurgeOn() {
			if err := rs.returns.keepAnswerRow(ctx, whole); err != nil {
				return err
			}
		}
		return fn(whole)
	})
}
