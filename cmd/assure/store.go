package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/store"
)

// storeIndexEvery is how often `assure store` looks for collections the instances made,
// to index their lookups by _id.
const storeIndexEvery = time.Second

func storeFlags(fs *flag.FlagSet) action {
	listen := fs.String("listen", "127.0.0.1:27017", "address to take MongoDB connections on: it has no sign-in, so keep it on loopback or a private network")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		return runStore(ctx, e, a, *listen)
	}
}

// runStore runs the embedded store's engine (FerretDB v1 on the SQLite files in DATA_DIR)
// as a server of its own until ctx ends, so that several instances of the service can
// share one store through MONGODB_URI, as they would share a MongoDB. The instances then
// see a MongoDB: they do not serialise their writes (Store.Write retries SQLite's busy
// errors instead) and cannot add the index FerretDB's lookups by _id need, which this
// process adds to every collection of every database as it appears (embedded.Attach).
func runStore(ctx context.Context, e env, a *app, listen string) error {
	engineLog := newLogger(e.stderr, a.cfg.LogFormat, slog.LevelError).With("component", "store-engine")
	uri, stop, err := embedded.StartOn(a.cfg.DataDir, listen, engineLog)
	if err != nil {
		return err
	}
	defer stop()
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second))
	if err != nil {
		return fmt.Errorf("store: connecting to the engine: %w", err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	a.log.Info("store serving", "uri", uri, "data_dir", a.cfg.DataDir, "engine", "FerretDB v1 on SQLite")
	idx := &idIndexer{client: client, dir: a.cfg.DataDir, stores: map[string]*store.Store{}}
	tick := time.NewTicker(storeIndexEvery)
	defer tick.Stop()
	for {
		if err := idx.indexNew(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("store: indexing new collections", "err", err)
		}
		select {
		case <-ctx.Done():
			a.log.Info("store stopping")
			return nil
		case <-tick.C:
		}
	}
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
