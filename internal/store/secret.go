package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

type secretDoc struct {
	ID    string `bson:"_id"`
	Value []byte `bson:"value"`
}

// Secret returns the named 32-byte secret, creating it on first use. It lives in the store
// so every app instance signs and checks with the same key.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	c := s.Collection("secrets")
	var d secretDoc
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&d)
	if err == nil {
		return d.Value, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("store: reading secret %s: %w", name, err)
	}
	d = secretDoc{ID: name, Value: make([]byte, 32)}
	if _, err := rand.Read(d.Value); err != nil {
		return nil, err
	}
	err = s.Write(ctx, func(ctx context.Context) error {
		_, err := c.InsertOne(ctx, d)
		return err
	})
	if IsDuplicateKey(err) {
		// Another instance made it first: use theirs.
		return s.Secret(ctx, name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: creating secret %s: %w", name, err)
	}
	return d.Value, nil
}
