package forms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
)

// ErrImportRunning means another import of the register is under way.
var ErrImportRunning = problem.New(problem.WrongState, "another import of the schools register is under way; try again when it has finished")

// ErrSchoolNotFound means no school has that URN.
var ErrSchoolNotFound = problem.New(problem.NotFound, "no school in the register has that URN")

// Register is the schools register in the store: one document per school, keyed by URN,
// in a generation: a collection written whole by one import and named by the pointer
// document. An import writes its generation beside the current one and switches the
// pointer in one write at the end, so readers see the register as it was before an import
// or after it, never part way through, and an import that fails or is killed changes
// nothing (the next import drops what it left). No transaction is needed.
type Register struct {
	st      *store.Store
	pointer *mongo.Collection
	history *mongo.Collection
	imports *mongo.Collection
	lease   time.Duration // how long a killed importer can block the next one
	log     Auditor       // imports and refused files are recorded here
	cache   registerCache // the register in memory (register_snapshot.go)
}

// NewRegister opens the register in st.
func NewRegister(st *store.Store) *Register {
	return &Register{st: st, pointer: st.Collection("register"), history: st.Collection("school_history"),
		imports: st.Collection("imports"), lease: time.Minute, log: audit.New(st)}
}

// The pointer's _id, the collection that held the register before generations (read
// until the first import switches away from it), and the prefix of generations.
const (
	pointerID         = "current"
	legacySchools     = "schools"
	generationPrefix  = "schools_"
	registerImportKey = "register-import"
)

// registerPointer is the one document that says which generation is the register, with
// what readers of the whole register need (so a page need not scan it) and the report of
// the import that made it.
type registerPointer struct {
	ID         string          `bson:"_id"`
	Collection string          `bson:"collection"`
	Import     string          `bson:"import"`
	Summary    RegisterSummary `bson:"summary"`
	Report     ImportReport    `bson:"report"`
	// Chunks is how many documents the register's snapshot takes (register_snapshot.go);
	// 0 for a register written before snapshots.
	Chunks int `bson:"chunks,omitempty"`
}

// RegisterSummary is the register in figures, kept with the pointer.
type RegisterSummary struct {
	Schools   int64    `bson:"schools"`
	Open      int64    `bson:"open"`
	Districts []string `bson:"districts"`
}

var errNoPointer = errors.New("register: no generation yet")

// current returns the pointer and the generation it names; before any generation, the
// legacy collection with an empty pointer.
func (g *Register) current(ctx context.Context) (registerPointer, *mongo.Collection, error) {
	p, err := store.FindByID[registerPointer](ctx, g.pointer, pointerID, errNoPointer)
	if errors.Is(err, errNoPointer) {
		return registerPointer{Collection: legacySchools}, g.st.Collection(legacySchools), nil
	}
	if err != nil {
		return p, nil, fmt.Errorf("register: reading which generation is current: %w", err)
	}
	return p, g.st.Collection(p.Collection), nil
}

// EnsureIndexes creates the indexes that MongoDB uses to filter the register. (The embedded
// store accepts them and scans regardless; the register is a few hundred documents there.)
func (g *Register) EnsureIndexes(ctx context.Context) error {
	_, schools, err := g.current(ctx)
	if err != nil {
		return err
	}
	if err := g.ensureSchoolIndexes(ctx, schools); err != nil {
		return err
	}
	return g.st.EnsureIndexes(ctx, g.history, []store.Index{
		{Name: "urn_1_at_1", Model: mongo.IndexModel{Keys: bson.D{{Key: "urn", Value: 1}, {Key: "at", Value: 1}}}},
	})
}

func (g *Register) ensureSchoolIndexes(ctx context.Context, c *mongo.Collection) error {
	return g.st.EnsureIndexes(ctx, c, []store.Index{
		{Name: "name_1", Model: mongo.IndexModel{Keys: bson.D{{Key: "name", Value: 1}}}},
		{Name: "phase_1_status_1", Model: mongo.IndexModel{Keys: bson.D{{Key: "phase", Value: 1}, {Key: "status", Value: 1}}}},
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
	By       audit.Actor
	Progress func(done, total int) // called as schools are written; may be nil
}

// ReadFile reads a GIAS extract (ReadGIAS) that someone (by) gave as file, keeping the
// rows of the local authorities las. A file that is refused is recorded, with why.
func (g *Register) ReadFile(ctx context.Context, by audit.Actor, file string, r io.Reader, las []string) (*Extract, error) {
	ex, err := ReadGIAS(r, las)
	var fe *FileError
	if errors.As(err, &fe) {
		record(ctx, g.log, by, audit.ActionImportFailed, file, fe.Error())
	}
	return ex, err
}

// writeBatch is how many schools go into one insert: large enough that a county's
// register is a handful of writes, small enough to keep each SQLite transaction short.
const writeBatch = 500

// Import brings the register up to date with an extract: new URNs are added, changed ones
// updated, schools GIAS now lists as Closed marked closed (never deleted), and rows older
// than the register's copy skipped. Importing the same extract again changes nothing.
// Only one import runs at a time, across every instance of the service, and an import
// that fails at any point (a row the store refuses, the process killed) leaves the
// register as it was. The import, or its failure, is recorded in the audit log.
func (g *Register) Import(ctx context.Context, ex *Extract, opt ImportOptions) (ImportReport, error) {
	rep, err := g.importExtract(ctx, ex, &opt)
	if err != nil {
		record(ctx, g.log, opt.By, audit.ActionImportFailed, opt.File, err.Error())
		return rep, err
	}
	record(ctx, g.log, opt.By, audit.ActionImport, opt.File, fmt.Sprintf("added %d, updated %d, closed %d, unchanged %d, skipped %d",
		rep.Added, rep.Updated, rep.Closed, rep.Unchanged, rep.SkippedTotal()))
	return rep, nil
}

func (g *Register) importExtract(ctx context.Context, ex *Extract, opt *ImportOptions) (ImportReport, error) {
	now := time.Now().UTC()
	if opt.ID == "" {
		opt.ID = bson.NewObjectID().Hex()
	}
	rep := ImportReport{ID: opt.ID, File: opt.File, Actor: opt.By.Name, Started: now, InFile: ex.Total, Skipped: map[string]int{}}
	for k, v := range ex.Skipped {
		rep.Skipped[k] = v
	}
	if err := ex.check(); err != nil {
		return rep, err
	}
	ctx, release, err := g.st.Hold(ctx, registerImportKey, opt.ID, g.lease)
	if errors.Is(err, store.ErrLocked) {
		return rep, ErrImportRunning
	}
	if err != nil {
		return rep, err
	}
	defer release()

	ptr, schools, err := g.current(ctx)
	if err != nil {
		return rep, err
	}
	if err := g.tidy(ctx, ptr); err != nil {
		return rep, err
	}
	existing, err := g.all(ctx)
	if err != nil {
		return rep, err
	}
	changes := plan(existing, ex, opt.ID, now, &rep)
	if !rep.Changed() {
		rep.Finished = time.Now().UTC()
		return rep, g.recordReport(ctx, rep)
	}
	gen := g.st.Collection(generationPrefix + opt.ID)
	next, err := g.writeGeneration(ctx, gen, existing, opt.Progress)
	if err == nil {
		err = g.insertAll(ctx, changes)
	}
	chunks := 0
	if err == nil {
		chunks, err = g.writeSnapshot(ctx, opt.ID, next)
	}
	if err != nil {
		g.abandon(opt.ID, gen)
		return rep, fmt.Errorf("import: writing the new register: %w", err)
	}
	rep.Finished = time.Now().UTC()
	if err := g.switchTo(ctx, registerPointer{ID: pointerID, Collection: gen.Name(), Import: opt.ID, Summary: summarise(next), Report: rep, Chunks: chunks}); err != nil {
		g.abandon(opt.ID, gen)
		return rep, err
	}
	// Committed. What follows only tidies; the next import repeats it if this is cut short.
	_ = g.recordReport(ctx, rep)
	_ = g.st.Write(ctx, func(ctx context.Context) error { return schools.Drop(ctx) })
	return rep, nil
}

// check refuses an extract with a row the register cannot hold, before anything is
// written: ReadGIAS bounds what it reads, and this bounds what any caller passes.
func (ex *Extract) check() error {
	if len(ex.Rows) > MaxGIASRows {
		return &FileError{Reason: fmt.Sprintf("more than %d establishments", MaxGIASRows)}
	}
	for _, row := range ex.Rows {
		v := reflect.ValueOf(row.Record)
		for i := range v.NumField() {
			if f := v.Field(i); f.Kind() == reflect.String && len(f.String()) > MaxGIASField && utf8.RuneCountInString(f.String()) > MaxGIASField {
				return &FileError{Line: row.Line, Reason: fmt.Sprintf("URN %d: %s is longer than %d characters", row.Record.URN, v.Type().Field(i).Name, MaxGIASField)}
			}
		}
	}
	return nil
}

// plan compares the extract with the register, counting into rep, changing existing into
// the register after the import, and returns the history lines to record.
func plan(existing map[string]School, ex *Extract, id string, now time.Time, rep *ImportReport) []any {
	var changes []any
	for _, row := range ex.Rows {
		r := row.Record
		key := strconv.Itoa(r.URN)
		old, ok := existing[key]
		if !ok {
			existing[key] = School{ID: key, Record: r, Updated: now}
			changes = append(changes, SchoolChange{ID: id + ":" + key, URN: r.URN, At: now, Import: id, Change: "added"})
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
		changes = append(changes, SchoolChange{ID: id + ":" + key, URN: r.URN, At: now, Import: id, Change: change, Fields: changedFields(old.Record, r)})
		old.Record, old.Updated = r, now
		existing[key] = old
	}
	return changes
}

// writeGeneration writes every school of the register after the import into gen, in URN
// order, reporting progress, and returns them.
func (g *Register) writeGeneration(ctx context.Context, gen *mongo.Collection, schools map[string]School, progress func(done, total int)) ([]School, error) {
	list := make([]School, 0, len(schools))
	for _, s := range schools {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].URN < list[j].URN })
	docs := make([]any, len(list))
	for i, s := range list {
		docs[i] = s
	}
	done := 0
	report := func(n int) {
		done += n
		if progress != nil {
			progress(done, len(docs))
		}
	}
	report(0)
	if err := g.insertMany(ctx, gen, docs, report); err != nil {
		return nil, err
	}
	return list, g.ensureSchoolIndexes(ctx, gen)
}

// switchTo makes p the register in one write. A write whose answer was lost may still
// have happened, so the pointer is read back before the import is called failed.
func (g *Register) switchTo(ctx context.Context, p registerPointer) error {
	err := g.st.Write(ctx, func(ctx context.Context) error {
		_, err := g.pointer.ReplaceOne(ctx, bson.D{{Key: "_id", Value: pointerID}}, p, options.Replace().SetUpsert(true))
		return err
	})
	if err == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if now, _, rerr := g.current(rctx); rerr == nil && now.Import == p.Import {
		return nil
	}
	return fmt.Errorf("import: switching to the new register: %w", err)
}

// abandon drops what a failed import wrote. It runs on its own context because the
// import's may be what ended; if it cannot finish, the next import's tidy does.
func (g *Register) abandon(id string, gen *mongo.Collection) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = g.st.Write(ctx, func(ctx context.Context) error { return gen.Drop(ctx) })
	_ = g.st.Write(ctx, func(ctx context.Context) error {
		_, err := g.history.DeleteMany(ctx, bson.D{{Key: "import", Value: id}})
		return err
	})
	_ = g.st.Write(ctx, func(ctx context.Context) error {
		_, err := g.snapshots().DeleteMany(ctx, bson.D{{Key: "import", Value: id}})
		return err
	})
}

// tidy finishes what an earlier import left, under the import lock: the current import's
// report recorded, generations that never became current (a killed import's) dropped, and
// their history lines and snapshots deleted, with the snapshots of registers replaced.
func (g *Register) tidy(ctx context.Context, p registerPointer) error {
	if p.Import != "" {
		if err := g.recordReport(ctx, p.Report); err != nil {
			return err
		}
	}
	names, err := g.st.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("import: listing collections: %w", err)
	}
	dropped := false
	for _, n := range names {
		if n != p.Collection && (n == legacySchools || strings.HasPrefix(n, generationPrefix)) {
			if err := g.st.Write(ctx, func(ctx context.Context) error { return g.st.DB.Collection(n).Drop(ctx) }); err != nil {
				return fmt.Errorf("import: dropping an abandoned register %s: %w", n, err)
			}
			dropped = true
		}
	}
	// A killed import's history lines follow its generation, so only an import that left
	// one can have left lines. (Deleting them scans the whole history: seconds for England,
	// more with each import. Lines left anyway are never shown: History reads only
	// committed imports'.)
	if !dropped {
		return g.tidySnapshots(ctx, p.Import)
	}
	done, err := g.committed(ctx, p)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(done))
	for id := range done {
		ids = append(ids, id)
	}
	err = g.st.Write(ctx, func(ctx context.Context) error {
		_, err := g.history.DeleteMany(ctx, bson.D{{Key: "import", Value: bson.D{{Key: "$nin", Value: ids}}}})
		return err
	})
	if err != nil {
		return err
	}
	return g.tidySnapshots(ctx, p.Import)
}

// committed is the set of imports that changed the register: those with a report, and
// the current one (whose report a crash may not have let it record).
func (g *Register) committed(ctx context.Context, p registerPointer) (map[string]bool, error) {
	reps, err := store.FindAll[struct {
		ID string `bson:"_id"`
	}](ctx, g.imports, bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("register: listing imports: %w", err)
	}
	out := map[string]bool{}
	if p.Import != "" {
		out[p.Import] = true
	}
	for _, r := range reps {
		out[r.ID] = true
	}
	return out, nil
}

func (g *Register) recordReport(ctx context.Context, rep ImportReport) error {
	err := g.st.Write(ctx, func(ctx context.Context) error {
		_, err := g.imports.ReplaceOne(ctx, bson.D{{Key: "_id", Value: rep.ID}}, rep, options.Replace().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("import: recording the import: %w", err)
	}
	return nil
}

// summarise counts the register for the pointer.
func summarise(list []School) RegisterSummary {
	sum := RegisterSummary{Schools: int64(len(list)), Districts: []string{}}
	seen := map[string]bool{}
	for _, s := range list {
		if s.Status == StatusOpen {
			sum.Open++
		}
		if s.District != "" && !seen[s.District] {
			seen[s.District] = true
			sum.Districts = append(sum.Districts, s.District)
		}
	}
	sort.Strings(sum.Districts)
	return sum
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

// all gives every school of the register by id, as byName reads it (from memory or the
// snapshot): the import compares the whole register against the file.
func (g *Register) all(ctx context.Context) (map[string]School, error) {
	_, list, err := g.byName(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]School, len(list))
	for _, s := range list {
		m[s.ID] = s
	}
	return m, nil
}

// Get returns one school by URN.
func (g *Register) Get(ctx context.Context, urn int) (School, error) {
	_, schools, err := g.current(ctx)
	if err != nil {
		return School{}, err
	}
	s, err := store.FindByID[School](ctx, schools, strconv.Itoa(urn), ErrSchoolNotFound)
	if err != nil && !errors.Is(err, ErrSchoolNotFound) {
		return s, fmt.Errorf("register: reading URN %d: %w", urn, err)
	}
	return s, err
}

// History returns what imports did to a school, oldest first: only imports that changed
// the register, not lines a failed import wrote before it stopped.
func (g *Register) History(ctx context.Context, urn int) ([]SchoolChange, error) {
	p, _, err := g.current(ctx)
	if err != nil {
		return nil, err
	}
	out, err := store.FindAll[SchoolChange](ctx, g.history, bson.D{{Key: "urn", Value: urn}}, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("register: reading history of URN %d: %w", urn, err)
	}
	done, err := g.committed(ctx, p)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(out, func(c SchoolChange) bool { return !done[c.Import] }), nil
}

// Summary gives the register in figures, from the pointer: no page scans the register to
// count it. A register from before generations is counted once, the slow way.
func (g *Register) Summary(ctx context.Context) (RegisterSummary, error) {
	p, schools, err := g.current(ctx)
	if err != nil || p.Import != "" {
		return p.Summary, err
	}
	list, err := store.FindAll[School](ctx, schools, bson.D{}, options.Find().SetProjection(bson.D{{Key: "status", Value: 1}, {Key: "district", Value: 1}}))
	if err != nil {
		return RegisterSummary{}, fmt.Errorf("register: counting schools: %w", err)
	}
	return summarise(list), nil
}

// Count says how many schools the register holds.
func (g *Register) Count(ctx context.Context) (int64, error) {
	sum, err := g.Summary(ctx)
	return sum.Schools, err
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

// MaxListWindow is how far into a filtered listing a page can reach: MongoDB skips to a
// page through the name index, which costs more the further it goes. Past it, people
// narrow the search.
const MaxListWindow = 10_000

// List returns the schools that match, by name, and how many match in all.
// Offset+Limit beyond MaxListWindow is brought back within it.
func (g *Register) List(ctx context.Context, f SchoolFilter) ([]School, int64, error) {
	if f.Limit > 0 && f.Offset+f.Limit > MaxListWindow {
		f.Limit = min(f.Limit, MaxListWindow)
		f.Offset = MaxListWindow - f.Limit
	}
	if g.st.Kind != store.KindMongoDB {
		// The embedded store decodes every school for any filter, so the register is
		// held in memory (register_snapshot.go) and filtered and paged there.
		return g.listInMemory(ctx, f)
	}
	_, schools, err := g.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	return g.listIndexed(ctx, schools, f)
}

// listIndexed pages on the server, which MongoDB does with the name index.
func (g *Register) listIndexed(ctx context.Context, schools *mongo.Collection, f SchoolFilter) ([]School, int64, error) {
	q := f.query()
	total, err := schools.CountDocuments(ctx, q)
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
	list, err := store.FindAll[School](ctx, schools, q, opts)
	if err != nil {
		return nil, 0, fmt.Errorf("register: listing schools: %w", err)
	}
	return list, total, nil
}

func sortByName(list []School) {
	slices.SortFunc(list, func(a, b School) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// Districts lists the districts the register holds, for the filter.
func (g *Register) Districts(ctx context.Context) ([]string, error) {
	sum, err := g.Summary(ctx)
	return sum.Districts, err
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
