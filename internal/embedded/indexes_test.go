package embedded_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/store"
)

// The embedded store survives asking for its indexes at every start.
func TestEnsureIndexesAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	want := []store.Index{
		{Name: "name_1", Model: mongo.IndexModel{Keys: bson.D{{Key: "name", Value: 1}}}},
		{Name: "phase_1_status_1", Model: mongo.IndexModel{Keys: bson.D{{Key: "phase", Value: 1}, {Key: "status", Value: 1}}}},
	}
	for i := range 3 {
		st, err := embedded.Open(ctx, embedded.Config{Dir: dir, Database: "assure"})
		if err != nil {
			t.Fatal(err)
		}
		c := st.Collection("schools")
		if err := st.EnsureIndexes(ctx, c, want); err != nil {
			t.Fatalf("start %d: %v", i, err)
		}
		if err := st.EnsureIndexes(ctx, c, want); err != nil {
			t.Fatalf("start %d, again: %v", i, err)
		}
		if _, err := c.InsertOne(ctx, bson.D{{Key: "n", Value: i}}); err != nil {
			t.Fatalf("start %d: store unusable after indexes: %v", i, err)
		}
		_ = st.Close(ctx)
	}
}
