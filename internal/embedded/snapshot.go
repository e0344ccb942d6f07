package embedded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Snapshot copies the embedded store's database (dataDir/database.sqlite) into
// dir as it is at one instant: SQLite's VACUUM INTO reads the whole database in one read
// transaction, so a service writing meanwhile neither blocks nor tears the copy. Open
// the copy with Open(ctx, Config{Dir: dir, Database: database}).
func Snapshot(ctx context.Context, dataDir, database, dir string) error {
	src, err := filepath.Abs(filepath.Join(dataDir, database+".sqlite"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(src); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: no embedded store at %s (is DATA_DIR right?)", src)
		}
		return err
	}
	db, err := openSQLite(src)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, filepath.Join(dir, database+".sqlite")); err != nil {
		return fmt.Errorf("store: snapshot of %s: %w", src, err)
	}
	return nil
}
