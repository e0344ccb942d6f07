package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

// The driver's errors for a store that does not answer are recognised by their types, not
// their wording; a store that answers with a refusal is not "unavailable".
func TestUnavailableRecognisesADownStore(t *testing.T) {
	ctx := context.Background()

	// Nothing listens there: the driver finds no server to send the query to.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	nowhere, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + addr + "/").SetServerSelectionTimeout(300 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nowhere.Disconnect(ctx)
	noServer := nowhere.Database("x").Collection("y").FindOne(ctx, bson.D{}).Err()

	st := storetest.New(t)
	c := st.Collection("things")
	if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}}); err != nil {
		t.Fatal(err)
	}
	_, duplicate := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}})
	missing := c.FindOne(ctx, bson.D{{Key: "_id", Value: "b"}}).Err()

	client, err := mongo.Connect(options.Client().ApplyURI(storetest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	_ = client.Disconnect(ctx)
	disconnected := client.Database("x").Collection("y").FindOne(ctx, bson.D{}).Err()

	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"no server answers", noServer, true},
		{"no server answers, wrapped", fmt.Errorf("forms: reading a round: %w", noServer), true},
		{"the client has disconnected", disconnected, true},
		{"the store cannot keep a write", fmt.Errorf("%w: the disk is full", store.ErrUnavailable), true},
		{"the request's time ran out", fmt.Errorf("saving: %w", context.DeadlineExceeded), true},
		{"a duplicate key", duplicate, false},
		{"no such document", missing, false},
		{"a domain refusal", errors.New("forms: the round is closed"), false},
		{"no error", nil, false},
	} {
		if tc.want && tc.err == nil {
			t.Fatalf("%s: no error to recognise", tc.name)
		}
		if got := store.Unavailable(tc.err); got != tc.want {
			t.Errorf("%s (%v): Unavailable %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// A write to a store that does not answer says so by its kind, as ErrUnavailable does, so
// the one error table shows the unavailable page without knowing the driver.
func TestAWriteToADownStoreIsOfKindUnavailable(t *testing.T) {
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI(storetest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Wrap(ctx, client, "down", store.KindEmbedded)
	if err != nil {
		t.Fatal(err)
	}
	_ = client.Disconnect(ctx)
	err = st.Write(ctx, func(ctx context.Context) error {
		_, err := st.DB.Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}})
		return err
	})
	if problem.KindOf(err) != problem.Unavailable || !errors.Is(err, mongo.ErrClientDisconnected) {
		t.Fatalf("a write after the client disconnected: %v, kind %s", err, problem.KindOf(err))
	}
}
