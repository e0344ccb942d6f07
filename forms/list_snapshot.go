package forms

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Round lists from cold. Reading a round's list from its returns decodes every return of
// every round on the embedded store (about 1.6 ms each: 5 s for a county's three rounds,
// a minute for England), so a list, once read, is kept in the store as a snapshot: a few
// documents (round_lists), each carrying up to snapshotRows returns without answers as one
// BSON value, which the store decodes as one field. A snapshot is tagged with the round's
// change count at which it was made.
//
// The round's stamp (round_stamps) counts changes and, when the write names the returns
// it changed (returnsChanged), logs their URNs: one log entry per change, so the entries
// after a snapshot's count are exactly the returns to read again. A list is then brought up
// to date by reading those few returns by _id. A change that names no returns (countChange,
// opening or purging a round) leaves the log shorter than the count, and the next reader
// reads the whole round again. A reader that has brought a list snapshotEvery changes
// further writes a new snapshot and empties the log.
//
// The returns are the truth: a snapshot is only ever a copy of them at a count. A process
// that dies between writing a return and moving the stamp leaves a list that does not know
// of that write, so a list read whole from the returns more than verifyAfter ago (or
// twenty times as long as that read took, for a large round) is compared with the returns
// again in the background, and any return that differs is logged as changed.

const (
	snapshotRows  = 1000
	snapshotEvery = 32
	verifyAfter   = 5 * time.Minute
)

// roundStamp is a round's change count and the log of returns changed since Base.
type roundStamp struct {
	ID      string   `bson:"_id"`
	Changes int64    `bson:"changes"`
	Base    int64    `bson:"base"`
	Log     []string `bson:"log"`
}

// allReturns is the log entry of a change that may touch any return of the round.
const allReturns = "*"

// since gives the URNs changed after the count from, and whether the log knows them all.
func (s roundStamp) since(from int64) ([]int, bool) {
	if from > s.Changes || from < s.Base || s.Changes-s.Base != int64(len(s.Log)) {
		return nil, false
	}
	var urns []int
	for _, e := range s.Log[from-s.Base:] {
		for _, f := range strings.Split(e, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				return nil, false // allReturns, or not ours
			}
			urns = append(urns, n)
		}
	}
	return urns, true
}

// returnsChanged moves the round's change count, as countChange does, and logs the URNs
// of the returns the write changed, so that lists are brought up to date by reading only
// those. It is one write. With no URNs it stands for a change to any return of the round.
func (rs *Returns) returnsChanged(ctx context.Context, year string, urns ...int) error {
	entry := allReturns
	if len(urns) > 0 {
		s := make([]string, len(urns))
		for i, u := range urns {
			s[i] = strconv.Itoa(u)
		}
		entry = strings.Join(s, ",")
	}
	err := rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.changes.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "changes", Value: 1}}}, {Key: "$push", Value: bson.D{{Key: "log", Value: entry}}}},
			options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("returns: counting a change to %s: %w", year, err)
	}
	return nil
}

// stamp reads the round's change count and log.
func (rs *Returns) stamp(ctx context.Context, year string) (roundStamp, error) {
	var s roundStamp
	err := rs.changes.FindOne(ctx, bson.D{{Key: "_id", Value: year}}).Decode(&s)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return s, fmt.Errorf("returns: reading the change count of %s: %w", year, err)
	}
	return s, nil
}

// leanProjection leaves out what round lists never carry: the answers and the school's
// register record.
var leanProjection = bson.D{{Key: "answers", Value: 0}, {Key: "school.record", Value: 0}, {Key: "trail", Value: 0}}

// snapshotHead names a round's current snapshot: its count, its parts, and when its
// list was last read whole from the returns (or checked against them).
type snapshotHead struct {
	ID      string    `bson:"_id"`
	Changes int64     `bson:"changes"`
	Parts   int       `bson:"parts"`
	Checked time.Time `bson:"checked"`
	Took    int64     `bson:"took_ms"` // how long reading the round whole took
}

// snapshotPart is up to snapshotRows returns of a snapshot, as one BSON value.
type snapshotPart struct {
	ID      string `bson:"_id"`
	Changes int64  `bson:"changes"`
	Rows    []byte `bson:"rows"`
}

type snapshotRowsDoc struct {
	R []Return `bson:"r"`
}

// packRows encodes returns for a snapshot part: BSON, deflated (a tenth of the size,
// which is what the embedded store's reading of a document costs: 600 KB of BSON for a
// thousand returns took it 25 ms, 60 KB deflated about a tenth of that).
func packRows(rows []Return) ([]byte, error) {
	raw, err := bson.Marshal(snapshotRowsDoc{R: rows})
	if err != nil {
		return nil, err
	}
	return deflate(raw)
}

// unpackRows decodes packRows.
func unpackRows(packed []byte) ([]Return, error) {
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(packed)))
	if err != nil {
		return nil, err
	}
	var rows snapshotRowsDoc
	err = bson.Unmarshal(raw, &rows)
	return rows.R, err
}

func partID(year string, changes int64, i int) string {
	return year + "@" + strconv.FormatInt(changes, 10) + "#" + strconv.Itoa(i)
}

// loadSnapshot reads the round's snapshot, or says there is none (or it was replaced
// while being read).
func (rs *Returns) loadSnapshot(ctx context.Context, year string) (snapshotHead, []Return, bool, error) {
	var h snapshotHead
	err := rs.snapshotDocs().FindOne(ctx, bson.D{{Key: "_id", Value: year}}).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return h, nil, false, nil
	}
	if err != nil {
		return h, nil, false, fmt.Errorf("returns: reading the list of %s: %w", year, err)
	}
	var list []Return
	for i := range h.Parts {
		var p snapshotPart
		err := rs.snapshotDocs().FindOne(ctx, bson.D{{Key: "_id", Value: partID(year, h.Changes, i)}}).Decode(&p)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return h, nil, false, nil
		}
		if err != nil {
			return h, nil, false, fmt.Errorf("returns: reading the list of %s: %w", year, err)
		}
		rows, err := unpackRows(p.Rows)
		if err != nil { // a copy that cannot be read is read again from the returns
			slog.Warn("returns: a round list's snapshot cannot be read", "round", year, "err", err)
			return h, nil, false, nil
		}
		list = append(list, rows...)
	}
	return h, list, true, nil
}

// saveSnapshot writes the list as the round's snapshot at its count, then, if the count
// has not moved meanwhile, empties the round's log (every reader can start from this
// snapshot). The previous snapshot's parts are removed after the head names the new ones.
func (rs *Returns) saveSnapshot(ctx context.Context, year string, e roundList) error {
	var old snapshotHead
	err := rs.snapshotDocs().FindOne(ctx, bson.D{{Key: "_id", Value: year}}).Decode(&old)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return err
	}
	hadOld := err == nil
	if hadOld && old.Changes >= e.changes {
		return nil // another instance got there first
	}
	var parts []any
	for i := 0; i == 0 || i*snapshotRows < len(e.list); i++ {
		rows, err := packRows(e.list[i*snapshotRows : min(len(e.list), (i+1)*snapshotRows)])
		if err != nil {
			return err
		}
		parts = append(parts, snapshotPart{ID: partID(year, e.changes, i), Changes: e.changes, Rows: rows})
	}
	head := snapshotHead{ID: year, Changes: e.changes, Parts: len(parts), Checked: e.checked, Took: e.took.Milliseconds()}
	return rs.st.Write(ctx, func(ctx context.Context) error {
		if _, err := rs.snapshotDocs().InsertMany(ctx, parts); err != nil && !isDuplicate(err) {
			return err
		}
		if _, err := rs.snapshotDocs().ReplaceOne(ctx, bson.D{{Key: "_id", Value: year}}, head, options.Replace().SetUpsert(true)); err != nil {
			return err
		}
		if hadOld && old.Changes != e.changes {
			for i := range old.Parts {
				if _, err := rs.snapshotDocs().DeleteOne(ctx, bson.D{{Key: "_id", Value: partID(year, old.Changes, i)}}); err != nil {
					return err
				}
			}
		}
		_, err := rs.changes.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}, {Key: "changes", Value: e.changes}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "base", Value: e.changes}, {Key: "log", Value: bson.A{}}}}})
		return err
	})
}

// snapshotDocs is the collection of round lists' snapshots.
func (rs *Returns) snapshotDocs() *mongo.Collection { return rs.st.Collection("round_lists") }

func isDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }

// reread brings list up to date for the returns urns, reading each by _id.
func (rs *Returns) reread(ctx context.Context, year string, list []Return, urns []int) ([]Return, error) {
	slices.Sort(urns)
	urns = slices.Compact(urns)
	fresh := map[int]*Return{}
	for _, u := range urns {
		var r Return
		err := rs.returns.FindOne(ctx, bson.D{{Key: "_id", Value: ReturnID{Round: year, URN: u}.String()}},
			options.FindOne().SetProjection(leanProjection)).Decode(&r)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			fresh[u] = nil
		case err != nil:
			return nil, fmt.Errorf("returns: reading %s:%d: %w", year, u, err)
		default:
			fresh[u] = &r
		}
	}
	out := make([]Return, 0, len(list)+len(urns))
	for _, r := range list {
		f, changed := fresh[r.URN]
		if !changed {
			out = append(out, r)
			continue
		}
		delete(fresh, r.URN)
		if f != nil {
			out = append(out, *f)
		}
	}
	added := false
	for _, f := range fresh {
		if f != nil {
			out, added = append(out, *f), true
		}
	}
	if added {
		slices.SortFunc(out, func(a, b Return) int { return a.URN - b.URN })
	}
	return out, nil
}

// readWhole reads the named rounds' returns without answers from the returns
// themselves, in one pass, each list in URN order.
func (rs *Returns) readWhole(ctx context.Context, years []string) (map[string][]Return, error) {
	out := map[string][]Return{}
	for _, y := range years {
		out[y] = []Return{}
	}
	// No sort in the query: the embedded store sorts by holding every matching document,
	// answers and all, in memory (1.7 GB for 24,000 returns). The lean list is sorted here.
	cur, err := rs.returns.Find(ctx, bson.D{{Key: "round", Value: bson.D{{Key: "$in", Value: years}}}}, options.Find().SetProjection(leanProjection))
	if err != nil {
		return nil, fmt.Errorf("returns: reading %v: %w", years, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var r Return
		if err := cur.Decode(&r); err != nil {
			return nil, fmt.Errorf("returns: reading %v: %w", years, err)
		}
		out[r.Round] = append(out[r.Round], r)
	}
	if err := cur.Err(); err != nil {
		return nil, err
	}
	for _, y := range years {
		slices.SortFunc(out[y], func(a, b Return) int { return a.URN - b.URN })
	}
	return out, nil
}

// listed is the part of a return a round list stands for: what changes move the stamp.
// A section save that leaves the status alone does not move it, so the answers, the
// completed sections, the version and the updated time are not compared; nor is a
// one-time code, which is written without moving it.
func listed(r Return) Return {
	r.Answers, r.Completed, r.Version, r.Updated, r.Code = nil, nil, 0, time.Time{}, codeState{}
	r.School.Record = Record{}
	return r
}

// verifyList reads the round whole and logs as changed every return its current list
// shows otherwise, so every instance reads those again; then it records the check. It
// repairs what a process that died between a return's write and its stamp left unseen.
func (rs *Returns) verifyList(ctx context.Context, year string) error {
	cur, err := rs.roundLists(ctx, year)
	if err != nil {
		return err
	}
	start := time.Now()
	whole, err := rs.readWhole(ctx, []string{year})
	if err != nil {
		return err
	}
	took := time.Since(start)
	shown := map[int]Return{}
	for _, r := range cur[year] {
		shown[r.URN] = listed(r)
	}
	var differ []int
	for _, r := range whole[year] {
		old, ok := shown[r.URN]
		delete(shown, r.URN)
		if !ok || !equalListed(old, listed(r)) {
			differ = append(differ, r.URN)
		}
	}
	for u := range shown {
		differ = append(differ, u)
	}
	if len(differ) > 0 {
		if err := rs.returnsChanged(ctx, year, differ...); err != nil {
			return err
		}
	}
	now := time.Now()
	rs.lists.mu.Lock()
	if e, ok := rs.lists.byRound[year]; ok {
		e.checked, e.took = now, took
		rs.lists.byRound[year] = e
	}
	rs.lists.mu.Unlock()
	return rs.st.Write(ctx, func(ctx context.Context) error {
		_, err := rs.snapshotDocs().UpdateOne(ctx, bson.D{{Key: "_id", Value: year}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "checked", Value: now}, {Key: "took_ms", Value: took.Milliseconds()}}}})
		return err
	})
}

func equalListed(a, b Return) bool {
	x, err1 := bson.Marshal(a)
	y, err2 := bson.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// dueCheck says whether a list read whole at checked, which took took, is due to be
// compared with its returns again.
func dueCheck(checked time.Time, took time.Duration, now time.Time) bool {
	return now.Sub(checked) > max(verifyAfter, 20*took)
}
