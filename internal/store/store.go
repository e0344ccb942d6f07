package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Kinds of store, as /healthz reports them.
const (
	KindEmbedded = "embedded"
	KindMongoDB  = "mongodb"
)

// Store is an open database and the rules for writing to it.
type Store struct {
	Client *mongo.Client
	DB     *mongo.Database
	Kind   string

	// writeMu serialises writes to the embedded store (nil for MongoDB).
	writeMu *sync.Mutex

	// engine is the embedded server behind the client, if this process runs one (see
	// Attach); its zero value is a MongoDB elsewhere.
	engine   Engine
	prepared sync.Map // collection names engine.Prepare has readied

	file atomic.Pointer[os.FileInfo] // engine.File as first seen (see Available)
	full atomic.Bool                 // the last write found no space (see Ping)

	groups sync.Map     // collection name → *group: see GroupInsert
	writes atomic.Int64 // see Writes
}

// Engine is what the package that runs the embedded store (internal/embedded) tells a
// Store about it, so this package keeps the rules of writing without linking the engine.
type Engine struct {
	// File is the database file; a write is acknowledged only while it is still the one
	// first seen (see Available).
	File string
	// Prepare readies a collection before its first use, once per name (FerretDB's _id
	// index). A failure only makes the collection slower, so it is logged, not returned.
	Prepare func(name string) error
	// Stop stops the engine once the client has disconnected (Close).
	Stop func()
	// Version, if set, reads the "version" field of the document of collection whose
	// _id is the string id without decoding the document (found false: there is none).
	// It lets ifVersion check a version in well under a millisecond where a FindOne
	// decodes the whole document (3 ms for a return with its answers).
	Version func(ctx context.Context, collection, id string) (version int, found bool, err error)
}

// Attach tells s about the embedded engine it talks to.
func (s *Store) Attach(e Engine) {
	s.engine = e
}

// Connect connects the driver to uri and pings it. kind is KindEmbedded for an embedded
// server this process started, whose writes Write then serialises.
func Connect(ctx context.Context, uri, database, kind string) (*Store, error) {
	if database == "" {
		database = "assure"
	}
	opts := options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second)
	if kind == KindEmbedded {
		// The embedded store is one SQLite database: more connections only queue on its lock.
		opts.SetMaxPoolSize(16)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("store: connecting to %s store: %w", kind, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := Wrap(pctx, client, database, kind)
	if err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return s, nil
}

// Ping says whether the store answers now and can keep what is written to it: its files
// are in place (Available), and if the last write found the disk full, a small write fits
// again.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.Client.Ping(ctx, readpref.Primary()); err != nil {
		return err
	}
	if err := s.Available(); err != nil {
		return err
	}
	if s.full.Load() {
		return s.probeWrite(ctx)
	}
	return nil
}

// Close inserts what is still queued (InsertLater), disconnects and, for the embedded
// store, stops FerretDB after its last write.
func (s *Store) Close(ctx context.Context) error {
	s.Flush()
	err := s.Client.Disconnect(ctx)
	if s.engine.Stop != nil {
		s.engine.Stop()
	}
	return err
}

// Collection returns a collection of the store. For the embedded store it first has the
// engine ready it (once per name: an index FerretDB's lookups by _id can use).
func (s *Store) Collection(name string) *mongo.Collection {
	if s.engine.Prepare != nil {
		if _, done := s.prepared.Load(name); !done {
			if err := s.engine.Prepare(name); err != nil {
				// Only slower without it: lookups by _id then scan the collection.
				slog.Warn("store: preparing a collection of the embedded store", "collection", name, "err", err)
			} else {
				s.prepared.Store(name, true)
			}
		}
	}
	return s.DB.Collection(name)
}

// maxBusyRetries bounds how long Write keeps trying a write SQLite calls busy: with the
// backoff below it spans several seconds, far longer than any write holds the lock.
const maxBusyRetries = 12

// Write runs one write operation. Against the embedded store it holds the store's write
// lock and retries while SQLite reports it is busy (another connection's checkpoint, say),
// so concurrent requests never see SQLITE_BUSY. The operation must be safe to repeat: a
// busy error means SQLite rolled the attempt back.
//
// A write the store cannot keep (a full disk, or the embedded store's files gone, checked
// before and after it) is ErrUnavailable, never acknowledged.
//
// A write that succeeds is counted in the counter CountWrites put in ctx, if any.
func (s *Store) Write(ctx context.Context, op func(ctx context.Context) error) error {
	err := s.write(ctx, op)
	if err == nil {
		s.counted(ctx)
	}
	return err
}

func (s *Store) write(ctx context.Context, op func(ctx context.Context) error) error {
	if err := s.Available(); err != nil {
		return err
	}
	if s.writeMu == nil {
		// Several instances may share a FerretDB-on-SQLite server (`assure store`), whose
		// SQLite calls a write busy while another instance's holds the lock: the same
		// retries, without a lock in this process. MongoDB never says busy.
		return s.written(retryBusy(ctx, op))
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.written(retryBusy(ctx, op))
}

// IsBusy reports whether err is SQLite refusing a write because the database is locked.
func IsBusy(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// IsDuplicateKey reports whether err is a unique-index violation (E11000).
func IsDuplicateKey(err error) bool {
	return mongo.IsDuplicateKeyError(err)
}

// Wrap makes a Store of a client that is already connected (tests share one server).
func Wrap(ctx context.Context, client *mongo.Client, database, kind string) (*Store, error) {
	if err := client.Ping(ctx, readpref.Primary()); err != nil {
		return nil, fmt.Errorf("store: %s store does not answer: %w", kind, err)
	}
	s := &Store{Client: client, DB: client.Database(database), Kind: kind}
	if kind == KindEmbedded {
		s.writeMu = &sync.Mutex{}
	}
	return s, nil
}
