package forms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/store"
)

// The dashboard, the chase list and the reminder schedule read every return of a round
// without its answers. The embedded store cannot filter by round without decoding every
// return of every round (about 1.5 ms each), so Returns keeps the lists it has read
// (returns without answers, "round lists"), each with the round's change count when it was
// read: a counter document per round (collection round_stamps) that every write to one of
// its returns increments, but a section save that leaves the return's status unchanged
// (updateAt). A list is reused while the count is unchanged (any instance's
// write moves it) and for at most listMaxAge, which bounds how stale a list could be if
// a process died between a write and its count.

const listMaxAge = 5 * time.Minute

// roundList is a round's returns without answers, as read at a change count.
type roundList struct {
	changes int64
	read    time.Time
	list    []Return
}

type listCache struct {
	mu      sync.Mutex
	byRound map[string]roundList
}

// changeCounter counts the writes to a round's returns.
type changeCounter struct {
	ID      string `bson:"_id"`
	Changes int64  `bson:"changes"`
}

// write runs a write to returns of the round and counts a change to it. The write is what
// matters: were the count to fail, lists would only be stale for listMaxAge, so its error
// does not turn a stored write into a reported failure.
func (rs *Returns) write(ctx context.Context, round string, fn func(ctx context.Context) error) error {
	if err := rs.st.Write(ctx, fn); err != nil {
		return err
	}
	_ = rs.countChange(ctx, round)
	return nil
}

// update applies update to the return id if it is still at version (optimistic
// concurrency), counts a change to its round like write, and says whether it did.
func (rs *Returns) update(ctx context.Context, id ReturnID, version int, update bson.D) (bool, error) {
	return rs.updateAt(ctx, id, version, update, true)
}

// updateAt is update, counting a change to the round only if stamp is set. A governor's
// section save that leaves the return's status as it was does not move the stamp: round
// lists carry no answers, completed sections, updated time or version anyone may rely on,
// so the save is one store write (issue 15). Every other write to a return moves it.
func (rs *Returns) updateAt(ctx context.Context, id ReturnID, version int, update bson.D, stamp bool) (bool, error) {
	done, err := rs.st.UpdateIfVersion(ctx, rs.returns, id.String(), version, update)
	if err != nil || !done {
		return done, err
	}
	if stamp {
		_ = rs.countChange(ctx, id.Round)
	}
	return true, nil
}

// countChange records that a return of the round changed.
func (rs *Returns) countChange(ctx context.Context, year string) error {
	err := rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.changes.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "changes", Value: 1}}}},
			options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("returns: counting a change to %s: %w", year, err)
	}
	return nil
}

// changeCount is how many times the round's returns have been written.
func (rs *Returns) changeCount(ctx context.Context, year string) (int64, error) {
	var d changeCounter
	err := rs.changes.FindOne(ctx, bson.D{{Key: "_id", Value: year}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, fmt.Errorf("returns: reading the change count of %s: %w", year, err)
	}
	return d.Changes, nil
}

// roundLists gives each named round's returns without answers, in URN order, reading
// from the store only the rounds that changed since last read, in one pass.
func (rs *Returns) roundLists(ctx context.Context, years ...string) (map[string][]Return, error) {
	out := map[string][]Return{}
	counts := map[string]int64{}
	var stale []string
	now := time.Now()
	for _, y := range years {
		n, err := rs.changeCount(ctx, y)
		if err != nil {
			return nil, err
		}
		counts[y] = n
		rs.lists.mu.Lock()
		e, ok := rs.lists.byRound[y]
		rs.lists.mu.Unlock()
		if ok && e.changes == n && now.Sub(e.read) < listMaxAge {
			out[y] = e.list
		} else {
			stale = append(stale, y)
			out[y] = []Return{}
		}
	}
	if len(stale) == 0 {
		return out, nil
	}
	// No sort in the query: the embedded store sorts by holding every matching document,
	// answers and all, in memory (1.7 GB for 24,000 returns). The lean list is sorted here.
	opts := options.Find().SetProjection(bson.D{{Key: "answers", Value: 0}, {Key: "school.record", Value: 0}})
	cur, err := rs.returns.Find(ctx, bson.D{{Key: "round", Value: bson.D{{Key: "$in", Value: stale}}}}, opts)
	if err != nil {
		return nil, fmt.Errorf("returns: reading %v: %w", stale, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var r Return
		if err := cur.Decode(&r); err != nil {
			return nil, fmt.Errorf("returns: reading %v: %w", stale, err)
		}
		out[r.Round] = append(out[r.Round], r)
	}
	if err := cur.Err(); err != nil {
		return nil, err
	}
	for _, y := range stale {
		slices.SortFunc(out[y], func(a, b Return) int { return a.URN - b.URN })
	}
	rs.lists.mu.Lock()
	for _, y := range stale {
		rs.lists.byRound[y] = roundList{changes: counts[y], read: now, list: out[y]}
	}
	rs.lists.mu.Unlock()
	return out, nil
}

// OfRound lists a round's returns without their answers, in URN order. The list is
// shared: callers must not change it.
func (rs *Returns) OfRound(ctx context.Context, year string) ([]Return, error) {
	m, err := rs.roundLists(ctx, year)
	return m[year], err
}

// Outstanding lists the schools of a round still to return, filtered, in URN order.
func (rs *Returns) Outstanding(ctx context.Context, year string, keep func(Return) bool) ([]Return, error) {
	all, err := rs.OfRound(ctx, year)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(all), func(r Return) bool { return !r.Chaseable() || (keep != nil && !keep(r)) }), nil
}

// Each calls fn with each of a round's returns in URN order. Without answers it
// walks the round's list (see roundLists). With answers, MongoDB streams them through a
// cursor sorted by its {round, urn} index; the embedded store would sort by holding every
// matching document in memory (2 GB for 24,000 returns), so there each return is read
// alone by _id, in the order of the list, and memory stays flat.
func (rs *Returns) Each(ctx context.Context, year string, answers bool, fn func(Return) error) error {
	if !answers || rs.st.Kind == store.KindEmbedded {
		list, err := rs.OfRound(ctx, year)
		if err != nil {
			return err
		}
		for _, r := range list {
			if answers {
				if r, err = rs.Get(ctx, r.Key()); err != nil {
					return err
				}
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	cur, err := rs.returns.Find(ctx, bson.D{{Key: "round", Value: year}}, options.Find().SetSort(bson.D{{Key: "urn", Value: 1}}))
	if err != nil {
		return fmt.Errorf("returns: reading %s: %w", year, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var r Return
		if err := cur.Decode(&r); err != nil {
			return fmt.Errorf("returns: reading %s: %w", year, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return cur.Err()
}

// EnsureIndexes creates the indexes rounds and chasing use on MongoDB (the embedded store
// keeps them too, but looks up only by _id).
func (rs *Returns) EnsureIndexes(ctx context.Context) error {
	err := rs.st.EnsureIndexes(ctx, rs.returns, []store.Index{
		{Name: "round_urn", Model: mongo.IndexModel{Keys: bson.D{{Key: "round", Value: 1}, {Key: "urn", Value: 1}}}},
	})
	if err != nil {
		return err
	}
	return rs.st.EnsureIndexes(ctx, rs.st.Collection("chase_log"), []store.Index{
		{Name: "return_at", Model: mongo.IndexModel{Keys: bson.D{{Key: "return", Value: 1}, {Key: "at", Value: -1}}}},
	})
}
