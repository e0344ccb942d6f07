package store_test

import (
	"context"
	"errors"
	"fmt"
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
