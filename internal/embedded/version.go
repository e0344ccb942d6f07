package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A versioned write on the embedded store first checks the document's version under the
// store's write lock (store.ifVersion). Through FerretDB that check decodes the whole
// document (3 ms for a return with its answers, while every other write waits); SQLite
// itself can read the one field from FerretDB's JSON, through the same _id index its
// lookups use (idindex.go), in well under a millisecond. The read goes to the committed
// state of the file (WAL), which under the write lock is the latest: no other writer of
// this process can commit in between, and no other process owns the files.

// peekers are the open readers of the embedded store's files, one per file, shared by
// every Store on it (tests open one per test on one server).
var peekers sync.Map // file → *peeker

type peeker struct {
	db     *sql.DB
	tables sync.Map // collection → SQLite table name
}

// versionReader gives the store its Engine.Version for the database file.
func versionReader(file string) func(ctx context.Context, collection, id string) (int, bool, error) {
	return func(ctx context.Context, collection, id string) (int, bool, error) {
		p, err := peekerOf(file)
		if err != nil {
			return 0, false, err
		}
		return p.version(ctx, collection, id)
	}
}

func peekerOf(file string) (*peeker, error) {
	if p, ok := peekers.Load(file); ok {
		return p.(*peeker), nil
	}
	db, err := openSQLite(file)
	if err != nil {
		return nil, err
	}
	// Few, short reads: idle connections close soon, so the files of dropped test
	// databases are not held open.
	db.SetMaxIdleConns(2)
	db.SetConnMaxIdleTime(30 * time.Second)
	p, loaded := peekers.LoadOrStore(file, &peeker{db: db})
	if loaded {
		_ = db.Close()
	}
	return p.(*peeker), nil
}

func (p *peeker) version(ctx context.Context, collection, id string) (int, bool, error) {
	table, err := p.table(ctx, collection)
	if err != nil {
		return 0, false, err
	}
	// FerretDB stores a string _id as its JSON text and finds it by this expression.
	key, err := json.Marshal(id)
	if err != nil {
		return 0, false, err
	}
	var v sql.NullInt64
	q := fmt.Sprintf(`SELECT _ferretdb_sjson->>'$.version' FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table)
	err = p.db.QueryRowContext(ctx, q, string(key)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		p.tables.Delete(collection) // the collection may have been dropped and made again
		return 0, false, fmt.Errorf("embedded: reading the version of %s in %s: %w", id, collection, err)
	}
	return int(v.Int64), true, nil
}

func (p *peeker) table(ctx context.Context, collection string) (string, error) {
	if t, ok := p.tables.Load(collection); ok {
		return t.(string), nil
	}
	var t string
	if err := p.db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&t); err != nil {
		return "", fmt.Errorf("embedded: finding the table of %s: %w", collection, err)
	}
	p.tables.Store(collection, t)
	return t, nil
}
