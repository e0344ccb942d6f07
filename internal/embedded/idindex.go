package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/store"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses, to add the index below
)

// FerretDB v1.24's SQLite backend finds a document by _id (find, update and delete with
// the filter {_id: x}) with the SQL expression _ferretdb_sjson->'$._id', but the _id
// index it creates is on _ferretdb_sjson->"_id". SQLite uses an expression index only for
// the very same expression, so every lookup by _id scanned and parsed the whole table:
// a reminder run over a round of 400 schools took two minutes. indexID adds an index on
// FerretDB's own lookup expression. It lives only in SQLite (FerretDB's metadata does not
// list it) and goes with the table if the collection is dropped.

// indexID creates the collection name of s, whose SQLite database is file, if it is
// missing, and indexes its _id lookups.
func indexID(s *store.Store, file, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Not under the store's write lock: Collection may be called inside a Write. Both
	// connections wait out each other's locks (busy_timeout), and this runs once per
	// collection.
	err := s.DB.CreateCollection(ctx, name)
	var ce mongo.CommandError
	if err != nil && !(errors.As(err, &ce) && ce.Code == 48) { // 48: NamespaceExists
		return fmt.Errorf("creating collection %s: %w", name, err)
	}
	db, err := openSQLite(file)
	if err != nil {
		return err
	}
	defer db.Close()
	var table string
	if err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, name).Scan(&table); err != nil {
		return fmt.Errorf("finding the table of %s: %w", name, err)
	}
	_, err = db.ExecContext(ctx, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"_assure_id", table))
	return err
}

// openSQLite opens the embedded store's database file directly, beside FerretDB, waiting
// out its locks as FerretDB's own connections do.
func openSQLite(file string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	return sql.Open("sqlite", "file:"+file+"?"+q.Encode())
}
