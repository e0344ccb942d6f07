package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"

	"github.com/lscp/assure/internal/store"
)

// Config says where the embedded store keeps its files.
type Config struct {
	// Dir holds the SQLite files (DATA_DIR).
	Dir string
	// Database is the database name inside the store ("assure" when empty).
	Database string
	// MaxSize caps the database file in bytes (SQLite's max_page_count); a write past it
	// fails as on a full disk. 0: no cap but the disk's.
	MaxSize int64
	// Logger receives FerretDB's warnings; nil discards them.
	Logger *slog.Logger
}

// Open starts FerretDB on the files in cfg.Dir, connects the driver to it and returns the
// store, which stops FerretDB when it is closed.
func Open(ctx context.Context, cfg Config) (*store.Store, error) {
	if cfg.Database == "" {
		cfg.Database = "assure"
	}
	uri, stop, err := start(cfg.Dir, "127.0.0.1:0", cfg.Logger, cfg.MaxSize)
	if err != nil {
		return nil, err
	}
	s, err := store.Connect(ctx, uri, cfg.Database, store.KindEmbedded)
	if err != nil {
		stop()
		return nil, err
	}
	Attach(s, cfg.Dir, stop)
	return s, nil
}

// Attach tells s, a store connected to an embedded server whose files are in dir, where
// its database file is (for Available), how to prepare its collections (the _id index,
// see idindex.go) and how to read a document's version cheaply (version.go); stop, if not
// nil, stops the server when s is closed. Tests that share one server wrap a client of
// their own (store.Wrap) and attach it here.
func Attach(s *store.Store, dir string, stop func()) {
	abs, _ := filepath.Abs(dir)
	file := filepath.Join(abs, s.DB.Name()+".sqlite")
	s.Attach(store.Engine{File: file, Stop: stop, Prepare: func(name string) error { return indexID(s, file, name) },
		Version: versionReader(file)})
}

// Start runs FerretDB in this process on SQLite files under dir, listening on a free
// loopback port, and returns its connection string and a function that stops it cleanly.
func Start(dir string, logger *slog.Logger) (uri string, stop func(), err error) {
	return StartOn(dir, "127.0.0.1:0", logger)
}

// StartOn is Start listening on addr: a test stops the server and starts it again where
// the service's driver expects it, as an external MongoDB would come back.
func StartOn(dir, addr string, logger *slog.Logger) (uri string, stop func(), err error) {
	return start(dir, addr, logger, 0)
}

// sqlitePageSize is SQLite's default page size, which FerretDB keeps.
const sqlitePageSize = 4096

func start(dir, addr string, logger *slog.Logger, maxSize int64) (uri string, stop func(), err error) {
	if dir == "" {
		return "", nil, errors.New("store: the embedded store needs a data directory (DATA_DIR)")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("store: data directory %q: %w", dir, err)
	}
	if err := checkWritable(abs); err != nil {
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

// checkWritable makes dir if missing and proves a file can be written there, so a read-only
// or full disk is reported at start in plain words instead of as a store error later.
func checkWritable(dir string) error {
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
