package missions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/store"
)

// The programme's thin stores, one per aggregate: each reads and writes its own
// documents and knows no rule. The services (Catalogue, Teams, Activities, Ledger,
// Evidence, SignIns...) decide; the stores keep.

// update is how years, teams and activities change: read the document, refuse it if the
// person's form was based on another version (want; 0 for changes that do not depend on
// what anyone saw), apply change, and write it back with the next version only if nobody
// changed it in the meantime (else ErrConflict). version points at the document's
// version field.
func update[T any](ctx context.Context, st *store.Store, c *mongo.Collection, id string, want int,
	read func(context.Context, string) (T, error), version func(*T) *int, change func(*T) error) (T, error) {
	doc, err := read(ctx, id)
	if err != nil {
		return doc, err
	}
	was := *version(&doc)
	if want != 0 && was != want {
		return doc, ErrConflict
	}
	if err := change(&doc); err != nil {
		return doc, err
	}
	*version(&doc) = was + 1
	replaced, err := st.ReplaceIfVersion(ctx, c, id, was, doc)
	if err != nil {
		return doc, fmt.Errorf("missions: updating %s %s: %w", c.Name(), id, err)
	}
	if !replaced {
		return doc, ErrConflict
	}
	return doc, nil
}

// get reads a document by ID: notFound if there is none, or the store's failure reading
// the named kind of document.
func get[T any](ctx context.Context, c *mongo.Collection, id string, notFound error, what string) (T, error) {
	doc, err := store.FindByID[T](ctx, c, id, notFound)
	if err != nil && !errors.Is(err, notFound) {
		return doc, fmt.Errorf("missions: reading %s %s: %w", what, id, err)
	}
	return doc, err
}

// insert adds a document, reporting a duplicate key as dup.
func insert(ctx context.Context, st *store.Store, c *mongo.Collection, doc any, dup error) error {
	err := st.Write(ctx, func(ctx context.Context) error {
		_, err := c.InsertOne(ctx, doc)
		return err
	})
	if dup != nil && store.IsDuplicateKey(err) {
		return dup
	}
	return err
}

// yearStore keeps programme years (joso_years).
type yearStore struct {
	st *store.Store
	c  *mongo.Collection
}

func (s yearStore) get(ctx context.Context, id string) (Year, error) {
	return get[Year](ctx, s.c, id, ErrYearNotFound, "year")
}

// list gives every year, newest first, without its history.
func (s yearStore) list(ctx context.Context) ([]Year, error) {
	ys, err := store.FindAll[Year](ctx, s.c, bson.D{}, options.Find().SetProjection(bson.D{{Key: "history", Value: 0}}))
	if err != nil {
		return nil, fmt.Errorf("missions: listing years: %w", err)
	}
	slices.SortFunc(ys, func(a, b Year) int { return strings.Compare(b.ID, a.ID) })
	return ys, nil
}

func (s yearStore) insert(ctx context.Context, y Year) error {
	err := insert(ctx, s.st, s.c, y, ErrYearExists)
	if err != nil && !errors.Is(err, ErrYearExists) {
		return fmt.Errorf("missions: creating year %s: %w", y.ID, err)
	}
	return err
}

// update applies change to the year as last read and writes it back if nobody changed it
// since (else ErrConflict).
func (s yearStore) update(ctx context.Context, id string, change func(*Year) error) (Year, error) {
	return update(ctx, s.st, s.c, id, 0, s.get, func(y *Year) *int { return &y.Version }, change)
}

// ofTeam reads the year a team key names.
func (s yearStore) ofTeam(ctx context.Context, team string) (Year, error) {
	year, _, ok := SplitTeamID(team)
	if !ok {
		return Year{}, ErrNotFound
	}
	return s.get(ctx, year)
}

// teamStore keeps each school's team in a year (joso_teams).
type teamStore struct {
	st *store.Store
	c  *mongo.Collection
}

func (s teamStore) get(ctx context.Context, id string) (Team, error) {
	return get[Team](ctx, s.c, id, ErrNotFound, "team")
}

// ofYear lists a year's teams by school name.
func (s teamStore) ofYear(ctx context.Context, year string) ([]Team, error) {
	ts, err := store.FindAll[Team](ctx, s.c, bson.D{{Key: "year", Value: year}})
	if err != nil {
		return nil, fmt.Errorf("missions: listing teams of %s: %w", year, err)
	}
	slices.SortFunc(ts, func(a, b Team) int { return strings.Compare(a.School, b.School) })
	return ts, nil
}

// ofTeacher lists the teams whose link teacher has this (normalised) email, newest year first.
func (s teamStore) ofTeacher(ctx context.Context, email string) ([]Team, error) {
	ts, err := store.FindAll[Team](ctx, s.c, bson.D{{Key: "teacher", Value: email}})
	if err != nil {
		return nil, fmt.Errorf("missions: teams of a teacher: %w", err)
	}
	slices.SortFunc(ts, func(a, b Team) int { return strings.Compare(b.Year, a.Year) })
	return ts, nil
}

// insert adds a team; errExists if the school is already enrolled in the year.
func (s teamStore) insert(ctx context.Context, t Team) error {
	err := insert(ctx, s.st, s.c, t, errExists)
	if err != nil && !errors.Is(err, errExists) {
		return fmt.Errorf("missions: enrolling %s: %w", t.ID, err)
	}
	return err
}

// errExists is an insert of a document that is already there.
var errExists = errors.New("already there")

// update changes a team if it is still at version (0: whatever version it is at now, for
// changes that do not depend on what the person saw), else ErrConflict.
func (s teamStore) update(ctx context.Context, id string, version int, change func(*Team) error) (Team, error) {
	return update(ctx, s.st, s.c, id, version, s.get, func(t *Team) *int { return &t.Version }, change)
}

// activityStore keeps logged activities (joso_activities).
type activityStore struct {
	st *store.Store
	c  *mongo.Collection
}

func (s activityStore) get(ctx context.Context, id string) (Activity, error) {
	return get[Activity](ctx, s.c, id, ErrNotFound, "activity")
}

// find lists activities, newest first.
func (s activityStore) find(ctx context.Context, filter bson.D) ([]Activity, error) {
	as, err := store.FindAll[Activity](ctx, s.c, filter)
	if err != nil {
		return nil, fmt.Errorf("missions: listing activities: %w", err)
	}
	slices.SortFunc(as, func(a, b Activity) int {
		if c := strings.Compare(b.Date, a.Date); c != 0 {
			return c
		}
		return b.Created.Compare(a.Created)
	})
	return as, nil
}

func (s activityStore) insert(ctx context.Context, a Activity) error {
	if err := insert(ctx, s.st, s.c, a, nil); err != nil {
		return fmt.Errorf("missions: logging an activity: %w", err)
	}
	return nil
}

// change applies change to an activity if it is still at version (0: any) and, when team
// is not "", belongs to that team (another school's activity is not found, whatever
// version a form names).
func (s activityStore) change(ctx context.Context, id, team string, version int, change func(*Activity) error) (Activity, error) {
	read := func(ctx context.Context, id string) (Activity, error) {
		a, err := s.get(ctx, id)
		if err == nil && team != "" && a.Team != team {
			return Activity{}, ErrNotFound
		}
		return a, err
	}
	return update(ctx, s.st, s.c, id, version, read, func(a *Activity) *int { return &a.Version }, func(a *Activity) error {
		if err := change(a); err != nil {
			return err
		}
		a.Updated = time.Now().UTC()
		return nil
	})
}

// ledgerStore keeps the append-only XP ledger (xp_ledger) and its cached totals (xp_totals).
type ledgerStore struct {
	st      *store.Store
	entries *mongo.Collection
	totals  *mongo.Collection
}

func (s ledgerStore) entry(ctx context.Context, key string) (Entry, error) {
	return store.FindByID[Entry](ctx, s.entries, key, ErrNotFound)
}

// find lists entries matching a filter on year, team or activity, oldest first.
func (s ledgerStore) find(ctx context.Context, by EntryFilter) ([]Entry, error) {
	f := bson.D{}
	if by.Year != "" {
		f = append(f, bson.E{Key: "year", Value: by.Year})
	}
	if by.Team != "" {
		f = append(f, bson.E{Key: "team", Value: by.Team})
	}
	if by.Activity != "" {
		f = append(f, bson.E{Key: "activity", Value: by.Activity})
	}
	es, err := store.FindAll[Entry](ctx, s.entries, f)
	if err != nil {
		return nil, fmt.Errorf("missions: reading the ledger: %w", err)
	}
	slices.SortFunc(es, func(a, b Entry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return es, nil
}

// earned is what an activity type has earned a school so far, from the ledger.
func (s ledgerStore) earned(ctx context.Context, team, rule string) (int, error) {
	es, err := store.FindAll[Entry](ctx, s.entries, bson.D{{Key: "team", Value: team}, {Key: "rule", Value: rule}})
	if err != nil {
		return 0, fmt.Errorf("missions: reading the ledger: %w", err)
	}
	n := 0
	for _, e := range es {
		n += e.Amount
	}
	return n, nil
}

// appendOnce appends an entry unless its key is already in the ledger, and then moves the
// cached totals. It reports whether it appended.
func (s ledgerStore) appendOnce(ctx context.Context, e Entry) (bool, error) {
	err := insert(ctx, s.st, s.entries, e, errExists)
	if errors.Is(err, errExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("missions: posting %s: %w", e.Key, err)
	}
	inc := bson.D{{Key: "xp", Value: e.Amount}}
	for _, j := range e.JOSOs {
		inc = append(inc, bson.E{Key: "josos." + j, Value: e.Amount})
	}
	// The cache may lag the ledger if the process dies here; verify finds and rebuild
	// mends that. The ledger, written first, is the truth.
	err = s.st.Write(ctx, func(ctx context.Context) error {
		_, err := s.totals.UpdateOne(ctx, bson.D{{Key: "_id", Value: e.Team}},
			bson.D{{Key: "$inc", Value: inc}, {Key: "$set", Value: bson.D{{Key: "year", Value: e.Year}}}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return true, fmt.Errorf("missions: caching the total for %s: %w", e.Team, err)
	}
	return true, nil
}

// teamTotals reads a team's cached totals (zero if it has none yet).
func (s ledgerStore) teamTotals(ctx context.Context, team string) (Totals, error) {
	t, err := store.FindByID[Totals](ctx, s.totals, team, ErrNotFound)
	if errors.Is(err, ErrNotFound) {
		return Totals{Team: team, JOSOs: map[string]int{}}, nil
	}
	if t.JOSOs == nil {
		t.JOSOs = map[string]int{}
	}
	return t, err
}

// yearTotals reads every team's cached totals for a year, by team.
func (s ledgerStore) yearTotals(ctx context.Context, year string) (map[string]Totals, error) {
	ts, err := store.FindAll[Totals](ctx, s.totals, bson.D{{Key: "year", Value: year}})
	if err != nil {
		return nil, fmt.Errorf("missions: reading totals: %w", err)
	}
	out := map[string]Totals{}
	for _, t := range ts {
		out[t.Team] = t
	}
	return out, nil
}

func (s ledgerStore) writeTotals(ctx context.Context, team, year string, t Totals) error {
	t.Team, t.Year = team, year
	if t.JOSOs == nil {
		t.JOSOs = map[string]int{}
	}
	return s.st.Write(ctx, func(ctx context.Context) error {
		_, err := s.totals.ReplaceOne(ctx, bson.D{{Key: "_id", Value: team}}, t, options.Replace().SetUpsert(true))
		return err
	})
}

// lockSchool serialises approvals within one school, so a cap is applied to what the
// school has really earned. It waits for a holder rather than failing.
func (s ledgerStore) lockSchool(ctx context.Context, team, holder string) (func(), error) {
	for wait := 20 * time.Millisecond; ; wait = min(wait*2, 500*time.Millisecond) {
		release, err := s.st.Lock(ctx, "xp:"+team, holder, 30*time.Second)
		if !errors.Is(err, store.ErrLocked) {
			return release, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// fileStore keeps evidence files in GridFS: one bucket per school and year, so reading a
// file scans only that school's chunks on the embedded store, and a year's evidence can
// go at once.
type fileStore struct {
	st *store.Store
}

func (s fileStore) bucket(team string) *mongo.GridFSBucket {
	year, urn, _ := SplitTeamID(team)
	return s.st.DB.GridFSBucket(options.GridFSBucket().SetName("evidence_" + strings.ReplaceAll(year, "-", "_") + "_" + strconv.Itoa(urn)))
}

func (s fileStore) put(ctx context.Context, team, activity string, ev EvidenceFile, data []byte) error {
	fid, _ := bson.ObjectIDFromHex(ev.ID)
	b := s.bucket(team)
	err := s.st.Write(ctx, func(ctx context.Context) error {
		// A retried attempt first clears what a failed one left.
		_ = b.Delete(ctx, fid)
		return b.UploadFromStreamWithID(ctx, fid, ev.Name, bytes.NewReader(data), options.GridFSUpload().SetMetadata(bson.D{
			{Key: "activity", Value: activity}, {Key: "type", Value: ev.Type}, {Key: "shows_faces", Value: ev.ShowsFaces}}))
	})
	if err != nil {
		return fmt.Errorf("missions: storing evidence: %w", err)
	}
	return nil
}

// get reads a file; ErrEvidenceMissing if it is no longer held.
func (s fileStore) get(ctx context.Context, team, id string) ([]byte, error) {
	fid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, ErrNotFound
	}
	var buf bytes.Buffer
	if _, err := s.bucket(team).DownloadToStream(ctx, fid, &buf); err != nil {
		if errors.Is(err, mongo.ErrFileNotFound) {
			return nil, ErrEvidenceMissing
		}
		return nil, fmt.Errorf("missions: reading evidence: %w", err)
	}
	return buf.Bytes(), nil
}

// delete removes a file; one already gone is not an error.
func (s fileStore) delete(ctx context.Context, team, id string) error {
	fid, _ := bson.ObjectIDFromHex(id)
	err := s.st.Write(ctx, func(ctx context.Context) error {
		err := s.bucket(team).Delete(ctx, fid)
		if errors.Is(err, mongo.ErrFileNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("missions: deleting evidence: %w", err)
	}
	return nil
}

// signinStore keeps the hashes of emailed sign-in links (joso_signins).
type signinStore struct {
	st *store.Store
	c  *mongo.Collection
}

func (s signinStore) insert(ctx context.Context, d signinDoc) error {
	if err := insert(ctx, s.st, s.c, d, nil); err != nil {
		return fmt.Errorf("missions: sign-in link for %s: %w", d.Team, err)
	}
	return nil
}

// spend marks a link used and returns it; ErrLinkInvalid if it is unknown, used or
// expired at now. Of two uses at once, only one matches "not used".
func (s signinStore) spend(ctx context.Context, hash string, now time.Time) (signinDoc, error) {
	d, err := store.FindByID[signinDoc](ctx, s.c, hash, ErrLinkInvalid)
	if err != nil {
		return d, err
	}
	if d.Used || now.After(d.Expires) {
		return d, ErrLinkInvalid
	}
	var matched int64
	err = s.st.Write(ctx, func(ctx context.Context) error {
		res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: hash}, {Key: "used", Value: false}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}})
		if err == nil {
			matched = res.MatchedCount
		}
		return err
	})
	if err != nil {
		return d, fmt.Errorf("missions: using a sign-in link: %w", err)
	}
	if matched == 0 {
		return d, ErrLinkInvalid
	}
	return d, nil
}

// purge removes links that have expired or been used.
func (s signinStore) purge(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.st.Write(ctx, func(ctx context.Context) error {
		res, err := s.c.DeleteMany(ctx, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "used", Value: true}}, bson.D{{Key: "expires", Value: bson.D{{Key: "$lt", Value: now}}}}}}})
		if err == nil {
			n = res.DeletedCount
		}
		return err
	})
	return n, err
}
