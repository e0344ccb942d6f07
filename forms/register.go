package forms

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/store"
)

// ErrImportRunning means another import of the register is under way.
var ErrImportRunning = errors.New("another import of the schools register is under way; try again when it has finished")

// ErrSchoolNotFound means no school has that URN.
var ErrSchoolNotFound = errors.New("no school in the register has that URN")

// Register is the schools register in the store: one document per school, keyed by URN.
type Register struct {
	st      *store.Store
	schools *mongo.Collection
	history *mongo.Collection
	imports *mongo.Collection
}

// NewRegister opens the register in st.
func NewRegister(st *store.Store) *Register {
	return &Register{st: st, schools: st.Collection("schools"), history: st.Collection("school_history"), imports: st.Collection("imports")}
}

// EnsureIndexes creates the indexes that MongoDB uses to filter the register. (The embedded
// store accepts them and scans regardless; the register is a few hundred documents there.)
func (g *Register) EnsureIndexes(ctx context.Context) error {
	err := g.st.EnsureIndexes(ctx, g.schools, []store.Index{
		{Name: "name_1", Model: mongo.IndexModel{Keys: bson.D{{Key: "name", Value: 1}}}},
		{Name: "phase_1_status_1", Model: mongo.IndexModel{Keys: bson.D{{Key: "phase", Value: 1}, {Key: "status", Value: 1}}}},
	})
	if err != nil {
		return err
	}
	return g.st.EnsureIndexes(ctx, g.history, []store.Index{
		{Name: "urn_1_at_1", Model: mongo.IndexModel{Keys: bson.D{{Key: "urn", Value: 1}, {Key: "at", Value: 1}}}},
	})
}

// ImportReport says what an import did, school by school counted.
type ImportReport struct {
	ID        string         `bson:"_id" json:"id"`
	File      string         `bson:"file" json:"file"`
	Actor     string         `bson:"actor" json:"actor"`
	Started   time.Time      `bson:"started" json:"started"`
	Finished  time.Time      `bson:"finished" json:"finished"`
	InFile    int            `bson:"in_file" json:"in_file"`
	Added     int            `bson:"added" json:"added"`
	Updated   int            `bson:"updated" json:"updated"`
	Closed    int            `bson:"closed" json:"closed"`
	Unchanged int            `bson:"unchanged" json:"unchanged"`
	Skipped   map[string]int `bson:"skipped" json:"skipped"`
}

// SkippedTotal counts every skipped row.
func (r ImportReport) SkippedTotal() int {
	n := 0
	for _, v := range r.Skipped {
		n += v
	}
	return n
}

// SkipReasons lists the skip reasons in a stable order.
func (r ImportReport) SkipReasons() []string {
	keys := make([]string, 0, len(r.Skipped))
	for k := range r.Skipped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Changed says whether the import changed the register at all.
func (r ImportReport) Changed() bool { return r.Added+r.Updated+r.Closed > 0 }

// ImportOptions says who imports what, and where to report progress.
type ImportOptions struct {
	ID       string // the import's identifier; generated when empty
	File     string
	Actor    string
	Progress func(done, total int) // called as schools are written; may be nil
}

// writeBatch is how many new schools go into one insert: large enough that a county's
// register is a handful of writes, small enough to keep each SQLite transaction short.
const writeBatch = 500

// Import brings the register up to date with an extract: new URNs are added, changed ones
// updated, schools GIAS now lists as Closed marked closed (never deleted), and rows older
// than the register's copy skipped. Importing the same extract again changes nothing.
// Only one import runs at a time, across every instance of the service.
func (g *Register) Import(ctx context.Context, ex *Extract, opt ImportOptions) (ImportReport, error) {
	now := time.Now().UTC()
	if opt.ID == "" {
		opt.ID = bson.NewObjectID().Hex()
	}
	rep := ImportReport{ID: opt.ID, File: opt.File, Actor: opt.Actor, Started: now, InFile: ex.Total, Skipped: map[string]int{}}
	for k, v := range ex.Skipped {
		rep.Skipped[k] = v
	}
	release, err := g.st.Lock(ctx, "register-import", opt.ID, 30*time.Minute)
	if errors.Is(err, store.ErrLocked) {
		return rep, ErrImportRunning
	}
	if err != nil {
		return rep, err
	}
	defer release()

	existing, err := g.all(ctx)
	if err != nil {
		return rep, err
	}
	var inserts, changes []any
	var replaces []School
	for _, row := range ex.Rows {
		r := row.Record
		id := strconv.Itoa(r.URN)
		old, ok := existing[id]
		if !ok {
			inserts = append(inserts, School{ID: id, Record: r, Updated: now})
			changes = append(changes, SchoolChange{ID: opt.ID + ":" + id, URN: r.URN, At: now, Import: opt.ID, Change: "added"})
			rep.Added++
			continue
		}
		if r.LastChanged != "" && old.LastChanged != "" && r.LastChanged < old.LastChanged {
			rep.Skipped[SkipStale]++
			continue
		}
		if r == old.Record {
			rep.Unchanged++
			continue
		}
		change := "updated"
		switch {
		case r.Status == StatusClosed && old.Status != StatusClosed:
			change = "closed"
			rep.Closed++
		case r.Status != StatusClosed && old.Status == StatusClosed:
			change = "reopened"
			rep.Updated++
		default:
			rep.Updated++
		}
		changes = append(changes, SchoolChange{ID: opt.ID + ":" + id, URN: r.URN, At: now, Import: opt.ID, Change: change, Fields: changedFields(old.Record, r)})
		old.Record, old.Updated = r, now
		replaces = append(replaces, old)
	}

	// History first: a crash between the two leaves a recorded change that a re-import
	// completes, never a changed school without its history line.
	if err := g.insertAll(ctx, changes); err != nil {
		return rep, fmt.Errorf("import: recording history: %w", err)
	}

	total, done := len(inserts)+len(replaces), 0
	progress := func(n int) {
		done += n
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	progress(0)
	if err := g.insertMany(ctx, g.schools, inserts, progress); err != nil {
		return rep, fmt.Errorf("import: adding schools: %w", err)
	}
	for _, s := range replaces {
		err := g.st.Write(ctx, func(ctx context.Context) error {
			_, err := g.schools.ReplaceOne(ctx, bson.D{{Key: "_id", Value: s.ID}}, s)
			return err
		})
		if err != nil {
			return rep, fmt.Errorf("import: updating URN %s: %w", s.ID, err)
		}
		progress(1)
	}
	rep.Finished = time.Now().UTC()
	err = g.st.Write(ctx, func(ctx context.Context) error {
		_, err := g.imports.ReplaceOne(ctx, bson.D{{Key: "_id", Value: rep.ID}}, rep, options.Replace().SetUpsert(true))
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("import: recording the import: %w", err)
	}
	return rep, nil
}

func (g *Register) insertAll(ctx context.Context, docs []any) error {
	return g.insertMany(ctx, g.history, docs, func(int) {})
}

// insertMany writes docs in batches, calling done after each.
func (g *Register) insertMany(ctx context.Context, c *mongo.Collection, docs []any, done func(n int)) error {
	for start := 0; start < len(docs); start += writeBatch {
		batch := docs[start:min(start+writeBatch, len(docs))]
		err := g.st.Write(ctx, func(ctx context.Context) error {
			// Unordered, and a duplicate is not an error: a batch retried after SQLite
			// was busy, or an import resumed after a crash, only adds what is missing.
			_, err := c.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
			if err != nil && !allDuplicates(err) {
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
		done(len(batch))
	}
	return nil
}

func allDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}

// changedFields names the bson fields that differ, for the school's history.
func changedFields(a, b Record) []string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	var out []string
	for i := range t.NumField() {
		if va.Field(i).Interface() != vb.Field(i).Interface() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("bson"), ",")
			out = append(out, name)
		}
	}
	return out
}

// all loads every school by id. The import compares the whole register against the file, so
// one scan beats a lookup per row (24,000 schools decode in well under a second).
func (g *Register) all(ctx context.Context) (map[string]School, error) {
	list, err := store.FindAll[School](ctx, g.schools, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("register: reading schools: %w", err)
	}
	m := make(map[string]School, len(list))
	for _, s := range list {
		m[s.ID] = s
	}
	return m, nil
}

// Get returns one school by URN.
func (g *Register) Get(ctx context.Context, urn int) (School, error) {
	s, err := store.FindByID[School](ctx, g.schools, strconv.Itoa(urn), ErrSchoolNotFound)
	if err != nil && !errors.Is(err, ErrSchoolNotFound) {
		return s, fmt.Errorf("register: reading URN %d: %w", urn, err)
	}
	return s, err
}

// History returns what imports did to a school, oldest first.
func (g *Register) History(ctx context.Context, urn int) ([]SchoolChange, error) {
	out, err := store.FindAll[SchoolChange](ctx, g.history, bson.D{{Key: "urn", Value: urn}}, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("register: reading history of URN %d: %w", urn, err)
	}
	return out, nil
}

// Count says how many schools the register holds.
func (g *Register) Count(ctx context.Context) (int64, error) {
	n, err := g.schools.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("register: counting schools: %w", err)
	}
	return n, nil
}

// SchoolFilter narrows a listing of the register. Empty fields do not filter.
type SchoolFilter struct {
	Search     string // part of the name, or a URN
	Phase      Phase
	Governance Governance
	District   string
	Status     Status
	LACode     string
	Offset     int
	Limit      int // 0: all
}

func (f SchoolFilter) query() bson.D {
	q := bson.D{}
	if f.Phase != "" {
		q = append(q, bson.E{Key: "phase", Value: string(f.Phase)})
	}
	if f.Governance != "" {
		q = append(q, bson.E{Key: "governance", Value: string(f.Governance)})
	}
	if f.District != "" {
		q = append(q, bson.E{Key: "district", Value: f.District})
	}
	if f.Status != "" {
		q = append(q, bson.E{Key: "status", Value: string(f.Status)})
	}
	if f.LACode != "" {
		q = append(q, bson.E{Key: "la_code", Value: f.LACode})
	}
	if f.Search != "" {
		if urn, err := strconv.Atoi(f.Search); err == nil {
			q = append(q, bson.E{Key: "urn", Value: urn})
		} else {
			q = append(q, bson.E{Key: "name", Value: bson.Regex{Pattern: regexp.QuoteMeta(f.Search), Options: "i"}})
		}
	}
	return q
}

// List returns the schools that match, by name, and how many match in all.
func (g *Register) List(ctx context.Context, f SchoolFilter) ([]School, int64, error) {
	q := f.query()
	total, err := g.schools.CountDocuments(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("register: counting schools: %w", err)
	}
	opts := options.Find().SetSort(bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}})
	if f.Offset > 0 {
		opts.SetSkip(int64(f.Offset))
	}
	if f.Limit > 0 {
		opts.SetLimit(int64(f.Limit))
	}
	list, err := store.FindAll[School](ctx, g.schools, q, opts)
	if err != nil {
		return nil, 0, fmt.Errorf("register: listing schools: %w", err)
	}
	return list, total, nil
}

// Districts lists the districts the register holds, for the filter.
func (g *Register) Districts(ctx context.Context) ([]string, error) {
	res := g.schools.Distinct(ctx, "district", bson.D{})
	var out []string
	if err := res.Decode(&out); err != nil {
		return nil, fmt.Errorf("register: listing districts: %w", err)
	}
	filtered := out[:0]
	for _, d := range out {
		if d != "" {
			filtered = append(filtered, d)
		}
	}
	sort.Strings(filtered)
	return filtered, nil
}

// LastImport returns the most recent import's report, if any.
func (g *Register) LastImport(ctx context.Context) (*ImportReport, error) {
	var rep ImportReport
	err := g.imports.FindOne(ctx, bson.D{}, options.FindOne().SetSort(bson.D{{Key: "finished", Value: -1}})).Decode(&rep)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("register: reading the last import: %w", err)
	}
	return &rep, nil
}
