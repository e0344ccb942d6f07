package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/problem"
)

// ErrLocked means another holder has the lock.
var ErrLocked = problem.New(problem.WrongState, "store: lock is held elsewhere")

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

// Hold takes a named lock for long work (a register import) on a short lease that a
// heartbeat renews while this process lives: a holder that is killed blocks others for
// at most one lease, however long its work would have taken. The returned context ends
// when the lock is lost (a renewal failed until the lease ran out, or another holder took
// it over), so the work stops rather than carry on unguarded. release stops the heartbeat
// and gives the lock up.
func (s *Store) Hold(ctx context.Context, name, holder string, lease time.Duration) (context.Context, func(), error) {
	unlock, err := s.Lock(ctx, name, holder, lease)
	if err != nil {
		return nil, nil, err
	}
	held, lost := context.WithCancel(ctx)
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(lease / 3)
		defer tick.Stop()
		renewed := time.Now()
		for {
			select {
			case <-stop:
				return
			case <-held.Done():
				return
			case <-tick.C:
			}
			ok, err := s.renew(held, name, holder, lease)
			switch {
			case err == nil && ok:
				renewed = time.Now()
			case err == nil || time.Since(renewed) >= lease:
				lost() // taken over, or unrenewed for a whole lease: others may hold it now
				return
			}
		}
	}()
	return held, func() {
		close(stop)
		<-stopped
		lost()
		unlock()
	}, nil
}

// renew moves a held lock's expiry a lease on; false means this holder no longer has it.
func (s *Store) renew(ctx context.Context, name, holder string, lease time.Duration) (bool, error) {
	var matched bool
	err := s.Write(ctx, func(ctx context.Context) error {
		res, err := s.Collection("locks").UpdateOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "expires", Value: time.Now().UTC().Add(lease)}}}})
		if err != nil {
			return err
		}
		matched = res.MatchedCount == 1
		return nil
	})
	return matched, err
}
