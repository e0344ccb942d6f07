package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Kinds of store, as /healthz reports them.
const (
	KindEmbedded = "embedded"
	KindMongoDB  = "mongodb"
)

// Config says which store to open.
type Config struct {
	// MongoURI is a MongoDB connection string; empty means the embedded store.
	MongoURI string
	// Database is the database name inside the store.
	Database string
	// DataDir holds the embedded store's SQLite files; ignored for MongoDB.
	DataDir string
	// MaxSize caps the embedded database file in bytes (SQLite's max_page_count); a write
	// past it fails as on a full disk. 0: no cap but the disk's.
	MaxSize int64
	// Logger receives the embedded store's warnings; nil discards them.
	Logger *slog.Logger
}

// Store is an open database and the rules for writing to it.
type Store struct {
	Client *mongo.Client
	DB     *mongo.Database
	Kind   string

	// writeMu serialises writes to the embedded store (nil for MongoDB).
	writeMu *sync.Mutex

	stopEmbedded func()

	// sqliteFile is the embedded store's database file, for the _id index (see idindex.go).
	sqliteFile string
	prepared   sync.Map // collection names whose _id index is in place

	file atomic.Pointer[os.FileInfo] // the database file as first seen (see Available)
	full atomic.Bool                 // the last write found no space (see Ping)
}

// Open starts the embedded store if needed, connects the driver and pings it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Database == "" {
		cfg.Database = "assure"
	}
	if cfg.MongoURI != "" {
		return connect(ctx, cfg.MongoURI, cfg.Database, KindMongoDB, nil)
	}
	uri, stop, err := startEmbedded(cfg.DataDir, "127.0.0.1:0", cfg.Logger, cfg.MaxSize)
	if err != nil {
		return nil, err
	}
	s, err := connect(ctx, uri, cfg.Database, KindEmbedded, stop)
	if err != nil {
		stop()
		return nil, err
	}
	s.EmbeddedIn(cfg.DataDir)
	return s, nil
}

// EmbeddedIn tells a store wrapped around an embedded server (Wrap) where its SQLite
// files are, so its collections get the _id index (see idindex.go).
func (s *Store) EmbeddedIn(dir string) {
	abs, _ := filepath.Abs(dir)
	s.sqliteFile = filepath.Join(abs, s.DB.Name()+".sqlite")
}

// StartEmbedded runs FerretDB in this process on SQLite files under dir, listening on a free
// loopback port, and returns its connection string and a function that stops it cleanly.
func StartEmbedded(dir string, logger *slog.Logger) (uri string, stop func(), err error) {
	return StartEmbeddedOn(dir, "127.0.0.1:0", logger)
}

// StartEmbeddedOn is StartEmbedded listening on addr: a test stops the server and starts
// it again where the service's driver expects it, as an external MongoDB would come back.
func StartEmbeddedOn(dir, addr string, logger *slog.Logger) (uri string, stop func(), err error) {
	return startEmbedded(dir, addr, logger, 0)
}

// sqlitePageSize is SQLite's default page size, which FerretDB keeps.
const sqlitePageSize = 4096

func startEmbedded(dir, addr string, logger *slog.Logger, maxSize int64) (uri string, stop func(), err error) {
	if dir == "" {
		return "", nil, errors.New("store: the embedded store needs a data directory (DATA_DIR)")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("store: data directory %q: %w", dir, err)
	}
	if err := CheckWritable(abs); err != nil {
		return "", nil, err
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// synchronous(full): a write FerretDB acknowledges is on disk, not only in the WAL
	// buffer, so it survives power loss as well as a killed process.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "synchronous(full)")
	q.Set("_txlock", "immediate")
	if maxSize > 0 {
		q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", maxSize/sqlitePageSize))
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?" + q.Encode(),
		Logger:    logger,
	})
	if err != nil {
		return "", nil, fmt.Errorf("store: starting the embedded store in %s: %w", abs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	return f.MongoDBURI(), stop, nil
}

// CheckWritable makes dir if missing and proves a file can be written there, so a read-only
// or full disk is reported at start in plain words instead of as a store error later.
func CheckWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("store: cannot create the data directory %s: %w", dir, err)
	}
	probe := filepath.Join(dir, ".assure-write-check")
	f, err := os.Create(probe)
	if err == nil {
		_, err = f.Write(make([]byte, 4096))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	_ = os.Remove(probe)
	if err != nil {
		return fmt.Errorf("store: the data directory %s is not writable (read-only or disk full?): %w", dir, err)
	}
	return nil
}

func connect(ctx context.Context, uri, database, kind string, stop func()) (*Store, error) {
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
	s.stopEmbedded = stop
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

// Close disconnects and, for the embedded store, stops FerretDB after its last write.
func (s *Store) Close(ctx context.Context) error {
	err := s.Client.Disconnect(ctx)
	if s.stopEmbedded != nil {
		s.stopEmbedded()
	}
	return err
}

// Collection returns a collection of the store. For the embedded store it first makes
// sure the collection exists with an index FerretDB's lookups by _id can use.
func (s *Store) Collection(name string) *mongo.Collection {
	if s.sqliteFile != "" {
		if _, done := s.prepared.Load(name); !done {
			if err := s.indexID(name); err != nil {
				// Only slower without it: lookups by _id then scan the collection.
				slog.Warn("store: indexing _id of the embedded store", "collection", name, "err", err)
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
func (s *Store) Write(ctx context.Context, op func(ctx context.Context) error) error {
	if err := s.Available(); err != nil {
		return err
	}
	if s.writeMu == nil {
		return s.written(op(ctx))
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	backoff := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := op(ctx)
		if err == nil || !IsBusy(err) || attempt == maxBusyRetries {
			return s.written(err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("store: write still busy when the request ended: %w", err)
		case <-time.After(backoff):
		}
		if backoff < 500*time.Millisecond {
			backoff *= 2
		}
	}
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
