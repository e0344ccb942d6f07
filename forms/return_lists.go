package forms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
// return of every round (about 1.6 ms each), so Returns keeps the lists it has read
// (returns without answers, "round lists"), each with the round's change count when it was
// read: a counter document per round (collection round_stamps) that every write to one of
// its returns, other than a section save that leaves the status alone, increments. A list
// is reused while the count is unchanged (any instance's write moves it); when it has
// moved, the returns the stamp logs as changed are read again by _id, and a list this
// process has never read comes from the round's snapshot in the store (list_snapshot.go).

// roundList is a round's returns without answers, as read at a change count.
type roundList struct {
	changes int64
	list    []Return
	// saved is the count of the last snapshot this process knows of; checked is when the
	// list was last read whole from the returns or compared with them, which took took.
	saved    int64
	checked  time.Time
	took     time.Duration
	checking bool
}

type listCache struct {
	mu      sync.Mutex
	byRound map[string]roundList
	whole   int // rounds read whole from the returns, for tests
	// loading is held while lists are brought up to date, so that views arriving together
	// after a change (or a restart) wait for one reading instead of each making its own.
	loading sync.Mutex
}

// changeCounter counts the writes to a round's returns.
type changeCounter struct {
	ID      string `bson:"_id"`
	Changes int64  `bson:"changes"`
}

// write runs a write to the returns urns of the round and counts a change to them, so lists
// read those returns again (list_snapshot.go). The write is what matters: were the count to
// fail, lists would only be stale until they are next compared with the returns
// (verifyAfter), so its error does not turn a stored write into a reported failure.
func (rs *Returns) write(ctx context.Context, round string, urns []int, fn func(ctx context.Context) error) error {
	if err := rs.st.Write(ctx, fn); err != nil {
		return err
	}
	_ = rs.returnsChanged(ctx, round, urns...)
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
		_ = rs.returnsChanged(ctx, id.Round, id.URN)
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

// roundLists gives each named round's returns without answers, in URN order: from this
// process's lists, brought up to date by the returns logged as changed since; else from
// the round's snapshot, brought up to date the same way; else read whole from the returns,
// the rounds that need it in one pass.
func (rs *Returns) roundLists(ctx context.Context, years ...string) (map[string][]Return, error) {
	if out, err := rs.heldLists(ctx, years); out != nil || err != nil {
		return out, err
	}
	rs.lists.loading.Lock()
	defer rs.lists.loading.Unlock()
	out := map[string][]Return{}
	stamps := map[string]roundStamp{}
	var whole []string
	for _, y := range years {
		s, err := rs.stamp(ctx, y)
		if err != nil {
			return nil, err
		}
		stamps[y] = s
		e, ok, err := rs.listAt(ctx, y, s)
		if err != nil {
			return nil, err
		}
		if !ok {
			whole = append(whole, y)
			continue
		}
		out[y] = e.list
		rs.keep(ctx, y, e)
	}
	if len(whole) == 0 {
		return out, nil
	}
	start := time.Now()
	lists, err := rs.readWhole(ctx, whole)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	rs.lists.mu.Lock()
	rs.lists.whole += len(whole)
	rs.lists.mu.Unlock()
	for _, y := range whole {
		out[y] = lists[y]
		rs.keep(ctx, y, roundList{changes: stamps[y].Changes, list: lists[y], saved: -1, checked: now, took: now.Sub(start)})
	}
	return out, nil
}

// heldLists gives the rounds' lists if this process holds each at its round's current
// count, else nil.
func (rs *Returns) heldLists(ctx context.Context, years []string) (map[string][]Return, error) {
	out := map[string][]Return{}
	for _, y := range years {
		s, err := rs.stamp(ctx, y)
		if err != nil {
			return nil, err
		}
		rs.lists.mu.Lock()
		e, ok := rs.lists.byRound[y]
		rs.lists.mu.Unlock()
		if !ok || e.changes != s.Changes {
			return nil, nil
		}
		out[y] = e.list
	}
	for _, y := range years {
		rs.checkIfDue(ctx, y)
	}
	return out, nil
}

// listAt gives the round's list at the stamp's count, if this process's list or the
// round's snapshot can be brought there; false means the round must be read whole.
func (rs *Returns) listAt(ctx context.Context, year string, s roundStamp) (roundList, bool, error) {
	rs.lists.mu.Lock()
	e, ok := rs.lists.byRound[year]
	rs.lists.mu.Unlock()
	if ok && e.changes == s.Changes {
		return e, true, nil
	}
	if ok {
		if urns, known := s.since(e.changes); known {
			list, err := rs.reread(ctx, year, e.list, urns)
			e.changes, e.list = s.Changes, list
			return e, err == nil, err
		}
	}
	h, list, found, err := rs.loadSnapshot(ctx, year)
	if err != nil || !found {
		return e, false, err
	}
	e = roundList{changes: h.Changes, list: list, saved: h.Changes, checked: h.Checked, took: time.Duration(h.Took) * time.Millisecond}
	if h.Changes == s.Changes {
		return e, true, nil
	}
	urns, known := s.since(h.Changes)
	if !known {
		return e, false, nil
	}
	e.list, err = rs.reread(ctx, year, list, urns)
	e.changes = s.Changes
	return e, err == nil, err
}

// keep holds the list in this process, writes it as the round's snapshot when the last
// one is snapshotEvery changes behind (or there is none), and starts comparing it with
// the returns in the background when that is due. Neither failing loses anything: the
// snapshot is a copy, and the comparison runs again.
func (rs *Returns) keep(ctx context.Context, year string, e roundList) {
	if e.changes-e.saved >= snapshotEvery || e.saved < 0 {
		if err := rs.saveSnapshot(ctx, year, e); err != nil {
			slog.Warn("returns: writing a snapshot of a round list", "round", year, "err", err)
		} else {
			e.saved = e.changes
		}
	}
	rs.lists.mu.Lock()
	if held, ok := rs.lists.byRound[year]; ok { // a check may have finished meanwhile
		if held.checked.After(e.checked) {
			e.checked, e.took = held.checked, held.took
		}
		e.checking = held.checking
	}
	rs.lists.byRound[year] = e
	rs.lists.mu.Unlock()
	rs.checkIfDue(ctx, year)
}

// checkIfDue starts comparing the round's list with its returns, in the background, when
// that is due and not already under way.
func (rs *Returns) checkIfDue(ctx context.Context, year string) {
	rs.lists.mu.Lock()
	e, ok := rs.lists.byRound[year]
	start := ok && !e.checking && dueCheck(e.checked, e.took, time.Now())
	if start {
		e.checking = true
		rs.lists.byRound[year] = e
	}
	rs.lists.mu.Unlock()
	if !start {
		return
	}
	go func() {
		if err := rs.verifyList(context.WithoutCancel(ctx), year); err != nil {
			slog.Warn("returns: comparing a round list with its returns", "round", year, "err", err)
		}
		rs.lists.mu.Lock()
		e := rs.lists.byRound[year]
		e.checking = false
		rs.lists.byRound[year] = e
		rs.lists.mu.Unlock()
	}()
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
