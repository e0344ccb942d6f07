package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// ErrLocked means another holder has the lock.
var ErrLocked = errors.New("store: lock is held elsewhere")

type lockDoc struct {
	ID      string    `bson:"_id"`
	Holder  string    `bson:"holder"`
	Expires time.Time `bson:"expires"`
}

// Lock takes a named lock held in the store, so that work such as a register import or a
// reminder run happens once at a time across every app instance. A lock whose holder died
// lapses after ttl. The release function gives it up.
func (s *Store) Lock(ctx context.Context, name, holder string, ttl time.Duration) (release func(), err error) {
	locks := s.Collection("locks")
	now := time.Now().UTC()
	doc := lockDoc{ID: name, Holder: holder, Expires: now.Add(ttl)}
	err = s.Write(ctx, func(ctx context.Context) error {
		_, err := locks.InsertOne(ctx, doc)
		if !IsDuplicateKey(err) {
			return err
		}
		// Held: take it over only if it has lapsed. The filter names the old expiry, so of
		// two instances racing for a lapsed lock only one matches.
		var cur lockDoc
		if err := locks.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&cur); err != nil {
			if errors.Is(err, mongo.ErrNoDocuments) {
				_, err = locks.InsertOne(ctx, doc)
				if IsDuplicateKey(err) {
					return ErrLocked
				}
			}
			return err
		}
		if cur.Expires.After(now) {
			return ErrLocked
		}
		res, err := locks.ReplaceOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: cur.Holder}, {Key: "expires", Value: cur.Expires}}, doc)
		if err != nil {
			return err
		}
		if res.MatchedCount == 0 {
			return ErrLocked
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("store: taking lock %s: %w", name, err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Write(ctx, func(ctx context.Context) error {
			_, err := locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}})
			return err
		})
	}, nil
}
