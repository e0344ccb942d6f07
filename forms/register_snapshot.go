package forms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/store"
)

// The register page filters, counts and pages the whole register. On the embedded store
// any filter but {_id} decodes every school document (about 3 s for England's 24,000),
// so each instance keeps the register in memory, in name order, checked on every read
// against the pointer: the pointer names the import that made the register, and only an
// import writes the register (schools are never edited by hand), so a new import ID is
// every change, whichever instance made it. The first read after a start or an import
// comes from the snapshot: the import writes the register it made as a few documents
// read by _id, each holding thousands of schools as one encoded value (the store decodes
// one big value far faster than the many small ones of separate school documents, and
// register_codec.go decodes the value itself quickly).

// snapshotChunk is how many schools one snapshot document holds: about 0.8 MB encoded,
// well inside a document's 16 MB.
const snapshotChunk = 2000

// snapshotDoc is one part of a register's snapshot.
type snapshotDoc struct {
	ID     string `bson:"_id"`    // the import's ID and the part's number
	Import string `bson:"import"` // the import that wrote it, for tidying
	Layout string `bson:"layout"` // recordLayout when it was written (register_codec.go)
	Data   []byte `bson:"data"`   // encodeSchools
}

// registerCache is the register as last read by this instance, in name order, and the
// import that made it.
type registerCache struct {
	mu       sync.Mutex
	importID string
	byName   []School
}

func (g *Register) snapshots() *mongo.Collection { return g.st.Collection("register_snapshots") }

func snapshotID(importID string, part int) string { return importID + ":" + strconv.Itoa(part) }

// writeSnapshot writes the register list made by import id (sorted by name by the
// reader, so any order will do) and says into how many documents.
func (g *Register) writeSnapshot(ctx context.Context, id string, list []School) (int, error) {
	var docs []any
	for start := 0; start < len(list); start += snapshotChunk {
		data, err := encodeSchools(list[start:min(start+snapshotChunk, len(list))])
		if err != nil {
			return 0, err
		}
		docs = append(docs, snapshotDoc{ID: snapshotID(id, len(docs)), Import: id, Layout: recordLayout, Data: data})
	}
	// One document a write: each is large, and a retried write only adds what is missing.
	for _, d := range docs {
		if err := g.insertMany(ctx, g.snapshots(), []any{d}, func(int) {}); err != nil {
			return 0, fmt.Errorf("register: writing the snapshot: %w", err)
		}
	}
	return len(docs), nil
}

// readSnapshot reads the snapshot the pointer names.
func (g *Register) readSnapshot(ctx context.Context, p registerPointer) ([]School, error) {
	list := make([]School, 0, p.Summary.Schools)
	for part := range p.Chunks {
		d, err := store.FindByID[snapshotDoc](ctx, g.snapshots(), snapshotID(p.Import, part), errNoPointer)
		if err != nil {
			return nil, fmt.Errorf("register: reading the snapshot of import %s: %w", p.Import, err)
		}
		if d.Layout != recordLayout {
			return nil, errSnapshotLayout
		}
		if list, err = decodeSchools(d.Data, list); err != nil {
			return nil, fmt.Errorf("%w (import %s)", err, p.Import)
		}
	}
	return list, nil
}

// tidySnapshots deletes the snapshots of every import but the current one.
func (g *Register) tidySnapshots(ctx context.Context, current string) error {
	return g.st.Write(ctx, func(ctx context.Context) error {
		_, err := g.snapshots().DeleteMany(ctx, bson.D{{Key: "import", Value: bson.D{{Key: "$ne", Value: current}}}})
		return err
	})
}

// byName gives the whole register in name order, shared (callers must not change it),
// with the pointer it was read under. A register from before generations is read from
// the store every time; one from before snapshots is scanned once per instance.
func (g *Register) byName(ctx context.Context) (registerPointer, []School, error) {
	p, schools, err := g.current(ctx)
	if err != nil {
		return p, nil, err
	}
	if p.Import == "" {
		list, err := g.scan(ctx, schools)
		return p, list, err
	}
	g.cache.mu.Lock()
	defer g.cache.mu.Unlock()
	if g.cache.importID == p.Import {
		return p, g.cache.byName, nil
	}
	var list []School
	if p.Chunks > 0 {
		list, err = g.readSnapshot(ctx, p)
	}
	if p.Chunks == 0 || errors.Is(err, errSnapshotLayout) {
		list, err = g.scan(ctx, schools)
	}
	if err != nil {
		return p, nil, err
	}
	sortByName(list)
	g.cache.importID, g.cache.byName = p.Import, list
	return p, list, nil
}

// scan reads every school of a generation, in name order.
func (g *Register) scan(ctx context.Context, schools *mongo.Collection) ([]School, error) {
	list, err := store.FindAll[School](ctx, schools, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("register: reading schools: %w", err)
	}
	sortByName(list)
	return list, nil
}

// listInMemory is List over the register held in memory.
func (g *Register) listInMemory(ctx context.Context, f SchoolFilter) ([]School, int64, error) {
	_, all, err := g.byName(ctx)
	if err != nil {
		return nil, 0, err
	}
	match := f.matches()
	var page []School
	var total int64
	for i := range all {
		if !match(&all[i]) {
			continue
		}
		if total >= int64(f.Offset) && (f.Limit == 0 || len(page) < f.Limit) {
			page = append(page, all[i])
		}
		total++
	}
	return page, total, nil
}

// matches is the filter as a test of one school, meaning what query means to the store:
// a numeric search is a URN, any other a part of the name in any case.
func (f SchoolFilter) matches() func(*School) bool {
	urn, byURN := 0, false
	var name *regexp.Regexp
	if f.Search != "" {
		if n, err := strconv.Atoi(f.Search); err == nil {
			urn, byURN = n, true
		} else {
			name = regexp.MustCompile("(?i)" + regexp.QuoteMeta(f.Search))
		}
	}
	return func(s *School) bool {
		switch {
		case f.Phase != "" && s.Phase != f.Phase,
			f.Governance != "" && s.Governance != f.Governance,
			f.District != "" && s.District != f.District,
			f.Status != "" && s.Status != f.Status,
			f.LACode != "" && s.LACode != f.LACode,
			byURN && s.URN != urn,
			name != nil && !name.MatchString(s.Name):
			return false
		}
		return true
	}
}
