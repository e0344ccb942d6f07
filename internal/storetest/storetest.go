package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/store"
)

var (
	once        sync.Once
	uri         string
	kind        string
	startErr    error
	embeddedDir string
)

// server starts (once) the store every test in this binary shares.
func server() (string, string, error) {
	once.Do(func() {
		if u := os.Getenv("TEST_MONGODB_URI"); u != "" {
			uri, kind = u, store.KindMongoDB
			return
		}
		dir, err := os.MkdirTemp("", "assure-test-store-")
		if err != nil {
			startErr = err
			return
		}
		// The embedded server lives as long as the test binary; its files are in a
		// temporary directory the OS cleans.
		uri, _, startErr = embedded.Start(dir, nil)
		embeddedDir = dir
		kind = store.KindEmbedded
	})
	return uri, kind, startErr
}

// New returns a store whose database is fresh and private to this test, dropped after it.
func New(t testing.TB) *store.Store {
	t.Helper()
	u, k, err := server()
	if err != nil {
		t.Fatalf("storetest: the test store did not start: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	client, err := mongo.Connect(options.Client().ApplyURI(u).SetServerSelectionTimeout(10 * time.Second))
	if err != nil {
		t.Fatalf("storetest: connect: %v", err)
	}
	s, err := store.Wrap(context.Background(), client, name, k)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	if k == store.KindEmbedded {
		embedded.Attach(s, embeddedDir, nil)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.DB.Drop(ctx)
		_ = client.Disconnect(ctx)
	})
	return s
}

// URI is the shared test store's connection string, for a test that needs its own client.
func URI(t testing.TB) string {
	t.Helper()
	u, _, err := server()
	if err != nil {
		t.Fatalf("storetest: the test store did not start: %v", err)
	}
	return u
}

// Contents is every document of every non-empty collection of st, in _id order, as
// extended JSON: what two stores are compared by (a backup and its restore).
func Contents(t testing.TB, st *store.Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	names, err := st.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, n := range names {
		cur, err := st.DB.Collection(n).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			t.Fatal(err)
		}
		for cur.Next(ctx) {
			out[n] = append(out[n], cur.Current.String())
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
