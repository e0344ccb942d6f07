package kv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/store"
)

// opTimeout bounds one storage call: Fiber's Storage interface carries no context.
const opTimeout = 10 * time.Second

// Storage keeps values in one collection, one document per key.
type Storage struct {
	st     *store.Store
	c      *mongo.Collection
	prefix string
}

type entry struct {
	ID      string    `bson:"_id"`
	Value   []byte    `bson:"v"`
	Expires time.Time `bson:"exp,omitempty"`
}

// New returns a Storage in collection name; prefix keeps different users of one
// collection apart.
func New(st *store.Store, collection, prefix string) *Storage {
	return &Storage{st: st, c: st.Collection(collection), prefix: prefix}
}

func (s *Storage) id(key string) string {
	sum := sha256.Sum256([]byte(s.prefix + "\x00" + key))
	return hex.EncodeToString(sum[:])
}

// Get returns the value for key, or nil if there is none or it has expired.
func (s *Storage) Get(key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var e entry
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: s.id(key)}}).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kv: get: %w", err)
	}
	if !e.Expires.IsZero() && time.Now().After(e.Expires) {
		return nil, nil
	}
	return e.Value, nil
}

// Set stores val under key; exp of 0 means it does not expire.
func (s *Storage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	e := entry{ID: s.id(key), Value: val}
	if exp > 0 {
		e.Expires = time.Now().Add(exp).UTC()
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	return s.st.Write(ctx, func(ctx context.Context) error {
		_, err := s.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: e.ID}}, e, options.Replace().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("kv: set: %w", err)
		}
		return nil
	})
}

// Delete removes key.
func (s *Storage) Delete(key string) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	return s.st.Write(ctx, func(ctx context.Context) error {
		_, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: s.id(key)}})
		return err
	})
}

// Reset removes every key in the collection.
func (s *Storage) Reset() error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	return s.st.Write(ctx, func(ctx context.Context) error {
		_, err := s.c.DeleteMany(ctx, bson.D{})
		return err
	})
}

// Close does nothing: the store is closed by its owner.
func (s *Storage) Close() error { return nil }

// PurgeExpired deletes expired entries; run it now and then, not on a request path.
func (s *Storage) PurgeExpired(ctx context.Context) (int64, error) {
	var n int64
	err := s.st.Write(ctx, func(ctx context.Context) error {
		res, err := s.c.DeleteMany(ctx, bson.D{{Key: "exp", Value: bson.D{{Key: "$lt", Value: time.Now().UTC()}}}})
		if err == nil {
			n = res.DeletedCount
		}
		return err
	})
	return n, err
}
