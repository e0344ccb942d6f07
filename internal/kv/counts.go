package kv

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Counts for rate limits, shared by every instance through the store. A count lives in
// one small document per key and fixed window (windows are multiples of their length),
// so adding to it is one upsert by _id, atomic on any store, and reading it is a lookup
// by _id, which takes no lock. Count weighs the window before the running one by how much
// of it is still within one window's length of now (a sliding window): a client cannot
// double its allowance by straddling two windows. Each document expires two windows after
// its own started, and PurgeExpired removes it.

type counter struct {
	ID      string    `bson:"_id"`
	N       int       `bson:"n"`
	Expires time.Time `bson:"exp"`
}

func (s *Storage) counterID(key string, start time.Time) string {
	return s.id("count\x00" + key + "\x00" + strconv.FormatInt(start.UnixNano(), 10))
}

// Count is how many were counted under key within the last window (the earlier window's
// share rounded up: a limit errs towards refusing).
func (s *Storage) Count(ctx context.Context, key string, window time.Duration) (int, error) {
	now := time.Now()
	start := now.Truncate(window)
	cur, err := s.counted(ctx, s.counterID(key, start))
	if err != nil {
		return 0, err
	}
	prev, err := s.counted(ctx, s.counterID(key, start.Add(-window)))
	if err != nil {
		return 0, err
	}
	left := 1 - float64(now.Sub(start))/float64(window)
	return max(0, cur+int(math.Ceil(float64(prev)*left))), nil
}

func (s *Storage) counted(ctx context.Context, id string) (int, error) {
	var c counter
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("kv: reading a count: %w", err)
	}
	return c.N, nil
}

// Add adds n (which may be negative, to take back an addition) to key's count in the
// window now running.
func (s *Storage) Add(ctx context.Context, key string, window time.Duration, n int) error {
	start := time.Now().Truncate(window)
	id := s.counterID(key, start)
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: n}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "exp", Value: start.Add(2 * window).UTC()}}}}
	return s.st.Write(ctx, func(ctx context.Context) error {
		upsert := func() error {
			_, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update, options.UpdateOne().SetUpsert(true))
			return err
		}
		err := upsert()
		if mongo.IsDuplicateKeyError(err) {
			err = upsert() // another instance inserted it first: now it is there to add to
		}
		if err != nil {
			return fmt.Errorf("kv: counting: %w", err)
		}
		return nil
	})
}
