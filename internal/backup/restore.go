package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
)

// ErrNotEmpty refuses a restore over data: a restore never merges.
var ErrNotEmpty = problem.New(problem.WrongState, "backup: the store is not empty")

// Check reads a whole backup file and checks its structure, counts and trailer without
// writing anything.
func Check(r io.Reader) (Summary, error) {
	return scan(r, nil)
}

// Restore loads the backup that open reads into st, which must hold no documents. It
// checks the whole file first (so a damaged file writes nothing), then inserts every
// document with its _id and recreates each collection's indexes.
func Restore(ctx context.Context, st *store.Store, open func() (io.ReadCloser, error)) (Summary, error) {
	names, err := st.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return Summary{}, err
	}
	for _, name := range names {
		n, err := st.DB.Collection(name).CountDocuments(ctx, bson.D{})
		if err != nil {
			return Summary{}, err
		}
		if n > 0 {
			return Summary{}, fmt.Errorf("%w: %s holds %d documents; restore into a new data directory or database", ErrNotEmpty, name, n)
		}
	}
	read := func(w *writer) (Summary, error) {
		f, err := open()
		if err != nil {
			return Summary{}, err
		}
		defer f.Close()
		return scan(f, w)
	}
	if _, err := read(nil); err != nil {
		return Summary{}, err
	}
	w := &writer{ctx: ctx, st: st}
	sum, err := read(w)
	if err == nil {
		err = w.flush()
	}
	return sum, err
}

// scan reads a backup from r, checking it as it goes; with w, it writes what it reads.
func scan(r io.Reader, w *writer) (Summary, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return Summary{}, fmt.Errorf("backup: not an Assure backup (not gzip): %w", err)
	}
	br := bufio.NewReaderSize(gz, 1<<20)
	fail := func(what string, err error) (Summary, error) {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Summary{}, fmt.Errorf("backup: the file ends early (at %s): it is incomplete", what)
		}
		return Summary{}, fmt.Errorf("backup: damaged at %s: %w", what, err)
	}
	raw, err := readDoc(br)
	if err != nil {
		return fail("the header", err)
	}
	var h header
	if err := bson.Unmarshal(raw, &h); err != nil || h.Format != Format {
		return Summary{}, errors.New("backup: not an Assure backup file")
	}
	if h.Version != Version {
		return Summary{}, fmt.Errorf("backup: format version %d; this Assure reads version %d", h.Version, Version)
	}
	sum := Summary{Consistent: h.Consistent, Created: h.Created}
	for {
		raw, err := readDoc(br)
		if err != nil {
			return fail(fmt.Sprintf("collection %d", sum.Collections+1), err)
		}
		if end, ok := raw.Lookup("end").BooleanOK(); ok && end {
			var t trailer
			if err := bson.Unmarshal(raw, &t); err != nil {
				return fail("the trailer", err)
			}
			if t.Collections != sum.Collections || t.Documents != sum.Documents {
				return Summary{}, fmt.Errorf("backup: the trailer counts %d collections and %d documents, the file holds %d and %d",
					t.Collections, t.Documents, sum.Collections, sum.Documents)
			}
			if _, err := br.ReadByte(); err != io.EOF {
				return Summary{}, errors.New("backup: data after the trailer")
			}
			return sum, nil
		}
		var m marker
		if err := bson.Unmarshal(raw, &m); err != nil || m.Collection == "" || m.Count < 0 {
			return Summary{}, fmt.Errorf("backup: damaged at collection %d: expected a collection marker", sum.Collections+1)
		}
		if w != nil {
			if err := w.collection(m); err != nil {
				return Summary{}, err
			}
		}
		for i := range m.Count {
			doc, err := readDoc(br)
			if err != nil {
				return fail(fmt.Sprintf("document %d of %s", i+1, m.Collection), err)
			}
			if _, err := doc.LookupErr("_id"); err != nil {
				return Summary{}, fmt.Errorf("backup: document %d of %s has no _id", i+1, m.Collection)
			}
			if w != nil {
				if err := w.insert(doc); err != nil {
					return Summary{}, err
				}
			}
		}
		sum.Collections++
		sum.Documents += m.Count
	}
}

// writer inserts documents in batches and recreates indexes, one collection at a time.
type writer struct {
	ctx     context.Context
	st      *store.Store
	coll    *mongo.Collection
	indexes []bson.Raw
	batch   []any
	size    int
}

const batchBytes = 8 << 20

func (w *writer) collection(m marker) error {
	if err := w.flush(); err != nil {
		return err
	}
	w.coll, w.indexes = w.st.Collection(m.Collection), m.Indexes
	return nil
}

func (w *writer) insert(doc bson.Raw) error {
	w.batch = append(w.batch, doc)
	w.size += len(doc)
	if w.size >= batchBytes || len(w.batch) >= 1000 {
		return w.flushDocs()
	}
	return nil
}

func (w *writer) flushDocs() error {
	if len(w.batch) == 0 {
		return nil
	}
	err := w.st.Write(w.ctx, func(ctx context.Context) error {
		_, err := w.coll.InsertMany(ctx, w.batch)
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: restoring %s: %w", w.coll.Name(), err)
	}
	w.batch, w.size = w.batch[:0], 0
	return nil
}

// flush writes what is left of a collection and then its indexes. An index the service
// already made at start (same keys, perhaps another name) is left as it is.
func (w *writer) flush() error {
	if w.coll == nil {
		return nil
	}
	if err := w.flushDocs(); err != nil {
		return err
	}
	for _, spec := range w.indexes {
		name, _ := spec.Lookup("name").StringValueOK()
		key, ok := spec.Lookup("key").DocumentOK()
		if name == "_id_" || !ok {
			continue
		}
		opts := options.Index().SetName(name)
		if v, ok := spec.Lookup("unique").BooleanOK(); ok {
			opts.SetUnique(v)
		}
		if v, ok := spec.Lookup("sparse").BooleanOK(); ok {
			opts.SetSparse(v)
		}
		if v, ok := spec.Lookup("expireAfterSeconds").AsInt64OK(); ok {
			opts.SetExpireAfterSeconds(int32(v))
		}
		if v, ok := spec.Lookup("partialFilterExpression").DocumentOK(); ok {
			opts.SetPartialFilterExpression(v)
		}
		_, err := w.coll.Indexes().CreateOne(w.ctx, mongo.IndexModel{Keys: key, Options: opts})
		var ce mongo.CommandError
		if err != nil && !(errors.As(err, &ce) && (ce.Code == 85 || ce.Code == 86)) { // the same index under another name or options
			return fmt.Errorf("backup: index %s of %s: %w", name, w.coll.Name(), err)
		}
	}
	w.coll, w.indexes = nil, nil
	return nil
}
