package kv

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

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
