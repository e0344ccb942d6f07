package store_test

import (
	"context"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/storetest"
)

// Inserts made at the same moment share group inserts, each acknowledged once its own is
// committed; queued copies (InsertLater) are there after a Flush; a document inserted
// twice is kept once and acknowledged both times.
func TestGroupInsertsLandOnceEach(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	c := st.Collection("grouped")
	before := st.Writes()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Go(func() { errs <- st.GroupInsert(ctx, c, bson.D{{Key: "_id", Value: i}}) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := st.GroupInsert(ctx, c, bson.D{{Key: "_id", Value: 7}}); err != nil {
		t.Fatalf("inserting a document again: %v", err)
	}
	for i := 100; i < 150; i++ {
		st.InsertLater(c, bson.D{{Key: "_id", Value: i}})
	}
	st.Flush()
	if n, err := c.CountDocuments(ctx, bson.D{}); err != nil || n != 150 {
		t.Fatalf("%d documents, %v", n, err)
	}
	if w := st.Writes() - before; w > 101 {
		t.Fatalf("%d writes for 101 group inserts and 50 queued", w)
	}
}
