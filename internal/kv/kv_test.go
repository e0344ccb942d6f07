package kv

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

func TestStorage(t *testing.T) {
	st := storetest.New(t)
	s := New(st, "kv", "test")
	if v, err := s.Get("missing"); err != nil || v != nil {
		t.Fatalf("missing: %v %v", v, err)
	}
	if err := s.Set("session-id", []byte("data"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("session-id"); string(v) != "data" {
		t.Fatalf("got %q", v)
	}
	// The key itself is never stored.
	if n, _ := st.Collection("kv").CountDocuments(context.Background(), bson.D{{Key: "_id", Value: "session-id"}}); n != 0 {
		t.Fatal("raw key stored")
	}
	if err := s.Set("short", []byte("x"), 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	if v, _ := s.Get("short"); v != nil {
		t.Fatal("expired value returned")
	}
	if n, err := s.PurgeExpired(context.Background()); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if err := s.Delete("session-id"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("session-id"); v != nil {
		t.Fatal("deleted value returned")
	}
}

// Counts are shared through the store: what one Storage adds another (another instance)
// reads, per key, and a count can be taken back; reading one writes nothing.
func TestCountsAreSharedPerKey(t *testing.T) {
	st := storetest.New(t)
	a, b := New(st, "kv", "web"), New(st, "kv", "web")
	ctx := context.Background()
	for range 3 {
		if err := a.Add(ctx, "link:192.0.2.1", time.Hour, 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Add(ctx, "link:192.0.2.1", time.Hour, -1); err != nil {
		t.Fatal(err)
	}
	counting, writes := store.CountWrites(ctx)
	if n, err := b.Count(counting, "link:192.0.2.1", time.Hour); err != nil || n != 2 {
		t.Fatalf("count: %d, %v", n, err)
	}
	if n, err := a.Count(counting, "link:192.0.2.2", time.Hour); err != nil || n != 0 {
		t.Fatalf("another key: %d, %v", n, err)
	}
	if writes.Load() != 0 {
		t.Fatalf("reading counts wrote %d times", writes.Load())
	}
}
