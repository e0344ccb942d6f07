package embedded_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/store"
)

func TestReadOnlyDataDirIsReportedPlainly(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes through directory permissions; use a path under a file instead.
		f := filepath.Join(t.TempDir(), "file")
		_ = os.WriteFile(f, nil, 0o600)
		_, _, err := embedded.Start(filepath.Join(f, "data"), nil)
		if err == nil || !strings.Contains(err.Error(), "cannot create the data directory") {
			t.Fatalf("err = %v", err)
		}
		return
	}
	dir := t.TempDir()
	_ = os.Chmod(dir, 0o500)
	_, _, err := embedded.Start(dir, nil)
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("err = %v", err)
	}
}

func TestEmbeddedStoreRestartsOnSameData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := embedded.Open(ctx, embedded.Config{Dir: dir, Database: "assure"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Write(ctx, func(ctx context.Context) error {
		_, err := st.Collection("x").InsertOne(ctx, bson.D{{Key: "_id", Value: "kept"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st, err = embedded.Open(ctx, embedded.Config{Dir: dir, Database: "assure"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if n, _ := st.Collection("x").CountDocuments(ctx, bson.D{}); n != 1 {
		t.Fatalf("after restart: %d documents", n)
	}
	if st.Kind != store.KindEmbedded {
		t.Fatalf("kind %s", st.Kind)
	}
}

// DATA_DIR deleted under a running service: writes are no longer acknowledged, and the
// health check fails, instead of "saved" answers whose data is gone on restart.
func TestDataDirRemovedIsNoticed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	st, err := embedded.Open(ctx, embedded.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	c := st.Collection("things")
	insert := func(id string) error {
		return st.Write(ctx, func(ctx context.Context) error {
			_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: id}})
			return err
		})
	}
	if err := insert("before"); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := insert("after"); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("a write after DATA_DIR went: %v", err)
	}
	if err := st.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("ping after DATA_DIR went: %v", err)
	}
	if err := st.Available(); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("available after DATA_DIR went: %v", err)
	}
}

// fillUp writes big documents into st until the store refuses one, and returns that error.
func fillUp(t *testing.T, st *store.Store) error {
	t.Helper()
	c := st.Collection("filler")
	big := strings.Repeat("x", 64<<10)
	for i := range 1000 {
		err := st.Write(context.Background(), func(ctx context.Context) error {
			_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: i}, {Key: "v", Value: big}})
			return err
		})
		if err != nil {
			return err
		}
	}
	t.Fatal("the store never filled up")
	return nil
}

// A full disk (here the database's own size cap, SQLite's max_page_count, which fails
// writes with SQLITE_FULL as a full disk does): writes fail as unavailable, the health
// check fails, and both recover once there is room again.
func TestFullStoreIsUnavailableUntilThereIsRoom(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(ctx, embedded.Config{Dir: t.TempDir(), MaxSize: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	err = fillUp(t, st)
	if !errors.Is(err, store.ErrUnavailable) || !store.IsFull(err) {
		t.Fatalf("the write that did not fit: %v", err)
	}
	if err := st.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("ping when full: %v", err)
	}
	if err := st.Collection("filler").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatalf("ping once there is room: %v", err)
	}
}
