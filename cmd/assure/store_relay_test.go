package main

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/embedded"
)

// Many clients incrementing one document at once through `assure store`'s relay, found by
// its _id or by another field, lose no increment. Straight to FerretDB v1 they can: it
// reads the document, then writes it back.
func TestStoreRelayLosesNoConcurrentUpdate(t *testing.T) {
	t.Parallel()
	engine, stop, err := embedded.Start(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	go (&writeRelay{backend: engine[len("mongodb://") : len(engine)-1]}).serve(ctx, ln)
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + ln.Addr().String() + "/"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	c := client.Database("assure").Collection("counters")
	if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "n"}, {Key: "name", Value: "n"}, {Key: "n", Value: 0}}); err != nil {
		t.Fatal(err)
	}
	const clients, each = 8, 15
	var wg sync.WaitGroup
	for i := range clients {
		filter := bson.D{{Key: "_id", Value: "n"}}
		if i%2 == 1 {
			filter = bson.D{{Key: "name", Value: "n"}}
		}
		wg.Go(func() {
			for range each {
				if _, err := c.UpdateOne(ctx, filter, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	var got struct{ N int }
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "n"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.N != clients*each {
		t.Fatalf("%d increments stored of %d", got.N, clients*each)
	}
}
