package store_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

type versioned struct {
	ID      string `bson:"_id"`
	Version int    `bson:"version"`
	Text    string `bson:"text"`
}

// Both ways a versioned write is checked: under the embedded store's write lock (read the
// version, then write by _id alone), and as against MongoDB (one filter on _id and
// version), here the same embedded server wrapped as KindMongoDB so the filter path runs.
// Each refuses a stale version, applies a current one and creates nothing that is missing.
func TestVersionedWritesBothPaths(t *testing.T) {
	ctx := context.Background()
	embedded := storetest.New(t)
	asMongoDB, err := store.Wrap(ctx, embedded.Client, embedded.DB.Name(), store.KindMongoDB)
	if err != nil {
		t.Fatal(err)
	}
	writes := map[string]func(st *store.Store, id string, version int, text string) (bool, error){
		"replace": func(st *store.Store, id string, version int, text string) (bool, error) {
			return st.ReplaceIfVersion(ctx, st.Collection("docs"), id, version, versioned{ID: id, Version: version + 1, Text: text})
		},
		"update": func(st *store.Store, id string, version int, text string) (bool, error) {
			return st.UpdateIfVersion(ctx, st.Collection("docs"), id, version,
				bson.D{{Key: "$set", Value: bson.D{{Key: "text", Value: text}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
		},
	}
	for name, st := range map[string]*store.Store{"embedded": embedded, "mongodb": asMongoDB} {
		for op, write := range writes {
			t.Run(name+"/"+op, func(t *testing.T) {
				id := name + "-" + op
				c := st.Collection("docs")
				if _, err := c.InsertOne(ctx, versioned{ID: id, Version: 3, Text: "first"}); err != nil {
					t.Fatal(err)
				}
				if done, err := write(st, id, 2, "stale"); err != nil || done {
					t.Fatalf("a stale version: done %v, %v", done, err)
				}
				if got := read(t, st, id); got.Version != 3 || got.Text != "first" {
					t.Fatalf("after a stale version: %+v", got)
				}
				if done, err := write(st, id, 3, "second"); err != nil || !done {
					t.Fatalf("the current version: done %v, %v", done, err)
				}
				if got := read(t, st, id); got.Version != 4 || got.Text != "second" {
					t.Fatalf("after the current version: %+v", got)
				}
				if done, err := write(st, id+"-missing", 0, "new"); err != nil || done {
					t.Fatalf("a missing document: done %v, %v", done, err)
				}
				if n, err := c.CountDocuments(ctx, bson.D{{Key: "_id", Value: id + "-missing"}}); err != nil || n != 0 {
					t.Fatalf("a missing document was made: %d, %v", n, err)
				}
			})
		}
	}
}

func read(t *testing.T, st *store.Store, id string) versioned {
	t.Helper()
	got, err := store.FindByID[versioned](context.Background(), st.Collection("docs"), id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
