package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/store"
)

// storeIndexEvery is how often `assure store` on SQLite looks for collections the
// instances made, to index their lookups by _id.
const storeIndexEvery = time.Second

func storeFlags(fs *flag.FlagSet) action {
	listen := fs.String("listen", "127.0.0.1:27017", "address to take MongoDB connections on: it has no sign-in, so keep it on loopback or a private network")
	pg := fs.String("postgresql", "", "keep the data in this PostgreSQL database (postgres://user@host:5432/db) instead of SQLite files in DATA_DIR")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		engineLog := newLogger(e.stderr, a.cfg.LogFormat, slog.LevelError).With("component", "store-engine")
		if *pg != "" {
			return runStoreOnPostgreSQL(ctx, a, *listen, *pg, engineLog)
		}
		return runStoreOnSQLite(ctx, a, *listen, engineLog)
	}
}

// runStoreOnPostgreSQL runs FerretDB v1 on a PostgreSQL database until ctx ends: a store
// several instances can share through MONGODB_URI, as they would share a MongoDB, whose
// writers lock rows, not the whole database, and whose filters on several fields (an
// optimistic-concurrency update's {_id, version}) use the _id index. Updates still take
// turns (writeRelay).
func runStoreOnPostgreSQL(ctx context.Context, a *app, listen, pgURL string, engineLog *slog.Logger) error {
	f, err := ferretdb.New(&ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: "postgresql", PostgreSQLURL: pgURL, Logger: engineLog})
	if err != nil {
		return fmt.Errorf("store: starting FerretDB on PostgreSQL: %w", err)
	}
	var wg sync.WaitGroup
	runCtx, stop := context.WithCancel(context.Background())
	defer func() { stop(); wg.Wait() }()
	wg.Go(func() { _ = f.Run(runCtx) })
	return serveStore(ctx, a, listen, f.MongoDBURI(), "FerretDB v1 on PostgreSQL", nil)
}

// serveStore takes MongoDB connections on listen for the engine at uri (through
// writeRelay) until ctx ends, calling tick, if not nil, every storeIndexEvery.
func serveStore(ctx context.Context, a *app, listen, uri, engine string, tick func(context.Context)) error {
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("store: the engine's address %q: %w", uri, err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("store: cannot listen on %s: %w", listen, err)
	}
	relayed := make(chan struct{})
	go func() {
		defer close(relayed)
		(&writeRelay{backend: u.Host}).serve(ctx, ln)
	}()
	a.log.Info("store serving", "uri", "mongodb://"+ln.Addr().String()+"/", "engine", engine, "data_dir", a.cfg.DataDir)
	t := time.NewTicker(storeIndexEvery)
	defer t.Stop()
	for {
		if tick != nil {
			tick(ctx)
		}
		select {
		case <-ctx.Done():
			<-relayed
			a.log.Info("store stopping")
			return nil
		case <-t.C:
		}
	}
}

// runStoreOnSQLite runs the embedded store's engine (FerretDB v1 on the SQLite files in
// DATA_DIR) as a server of its own until ctx ends. The instances then see a MongoDB: they
// do not serialise their writes (Store.Write retries SQLite's busy errors instead) and
// cannot add the index FerretDB's lookups by _id need, which this process adds to every
// collection of every database as it appears (embedded.Attach). Any filter but a bare _id
// still reads the collection (an optimistic-concurrency update's {_id, version} among
// them), so this suits a small test, not a deadline day: see runStoreOnPostgreSQL.
func runStoreOnSQLite(ctx context.Context, a *app, listen string, engineLog *slog.Logger) error {
	uri, stop, err := embedded.StartOn(a.cfg.DataDir, "127.0.0.1:0", engineLog)
	if err != nil {
		return err
	}
	defer stop()
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second))
	if err != nil {
		return fmt.Errorf("store: connecting to the engine: %w", err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	idx := &idIndexer{client: client, dir: a.cfg.DataDir, stores: map[string]*store.Store{}}
	return serveStore(ctx, a, listen, uri, "FerretDB v1 on SQLite", func(ctx context.Context) {
		if err := idx.indexNew(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("store: indexing new collections", "err", err)
		}
	})
}

// idIndexer gives each collection of the engine, once, the _id index the embedded store
// gives its own (FerretDB's is unusable: see internal/embedded/idindex.go).
type idIndexer struct {
	client *mongo.Client
	dir    string
	stores map[string]*store.Store // by database: each remembers the collections it prepared
}

func (x *idIndexer) indexNew(ctx context.Context) error {
	dbs, err := x.client.ListDatabaseNames(ctx, bson.D{})
	if err != nil {
		return err
	}
	for _, name := range dbs {
		s := x.stores[name]
		if s == nil {
			if s, err = store.Wrap(ctx, x.client, name, store.KindEmbedded); err != nil {
				return err
			}
			embedded.Attach(s, x.dir, nil)
			x.stores[name] = s
		}
		colls, err := s.DB.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			return err
		}
		for _, c := range colls {
			s.Collection(c) // prepares it the first time (a failure is logged and tried again)
		}
	}
	return nil
}
