package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

// Many concurrent writers against one store: every acknowledged write is there, and none
// reports SQLITE_BUSY.
func TestConcurrentWritesAllLand(t *testing.T) {
	st := storetest.New(t)
	c := st.Collection("things")
	const writers, each = 40, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("%d-%d", w, i)
				err := st.Write(context.Background(), func(ctx context.Context) error {
					_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "w", Value: w}})
					if store.IsDuplicateKey(err) {
						return nil
					}
					return err
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("write failed: %v", err)
	}
	n, err := c.CountDocuments(context.Background(), bson.D{})
	if err != nil || n != writers*each {
		t.Fatalf("stored %d (%v), want %d", n, err, writers*each)
	}
}

func TestLockIsExclusiveAndLapses(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	release, err := st.Lock(ctx, "job", "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Lock(ctx, "job", "b", time.Minute); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second holder: %v", err)
	}
	release()
	release2, err := st.Lock(ctx, "job", "b", 50*time.Millisecond)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	defer release2()
	time.Sleep(100 * time.Millisecond)
	release3, err := st.Lock(ctx, "job", "c", time.Minute)
	if err != nil {
		t.Fatalf("lapsed lock not taken over: %v", err)
	}
	release3()
}

func TestSecretIsStable(t *testing.T) {
	st := storetest.New(t)
	a, err := st.Secret(context.Background(), "csrf")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := st.Secret(context.Background(), "csrf")
	if len(a) != 32 || string(a) != string(b) {
		t.Fatal("secret changed between reads")
	}
}

func TestReadOnlyDataDirIsReportedPlainly(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes through directory permissions; use a path under a file instead.
		f := filepath.Join(t.TempDir(), "file")
		_ = os.WriteFile(f, nil, 0o600)
		_, _, err := store.StartEmbedded(filepath.Join(f, "data"), nil)
		if err == nil || !strings.Contains(err.Error(), "cannot create the data directory") {
			t.Fatalf("err = %v", err)
		}
		return
	}
	dir := t.TempDir()
	_ = os.Chmod(dir, 0o500)
	_, _, err := store.StartEmbedded(dir, nil)
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("err = %v", err)
	}
}

func TestEmbeddedStoreRestartsOnSameData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DataDir: dir, Database: "assure"})
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
	st, err = store.Open(ctx, store.Config{DataDir: dir, Database: "assure"})
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
	st, err := store.Open(ctx, store.Config{DataDir: dir})
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
	st, err := store.Open(ctx, store.Config{DataDir: t.TempDir(), MaxSize: 4 << 20})
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

func TestHeldLockOutlivesItsLeaseWhileAliveAndEndsWhenTakenOver(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	lease := 300 * time.Millisecond
	held, release, err := st.Hold(ctx, "import", "a", lease)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * lease)
	if _, err := st.Lock(ctx, "import", "b", time.Minute); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("a live holder's lock lapsed: %v", err)
	}
	if held.Err() != nil {
		t.Fatal("the held context ended while the lock was held")
	}
	release()
	if held.Err() == nil {
		t.Fatal("the held context outlived release")
	}
	unlock, err := st.Lock(ctx, "import", "b", time.Minute)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	unlock()

	// A holder whose lock is deleted under it (taken over) is told through its context.
	held, release, err = st.Hold(ctx, "import", "c", lease)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, err := st.Collection("locks").DeleteOne(ctx, bson.D{{Key: "_id", Value: "import"}}); err != nil {
		t.Fatal(err)
	}
	<-held.Done()
}
