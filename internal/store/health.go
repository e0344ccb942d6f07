package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/problem"
)

// ErrUnavailable is a store that cannot keep what is written to it: its files have gone
// (DATA_DIR deleted under the running service), or its disk is full. Reads may still
// answer, from a deleted file SQLite still holds open, but nothing written now would
// survive a restart, so nothing is acknowledged.
var ErrUnavailable = problem.New(problem.Unavailable, "store: unavailable")

// Available says whether the embedded store's database file is still the one it opened:
// present, in a present data directory, and not replaced. It only looks at the file
// system, so it is cheap enough for every request. MongoDB is always available here (its
// driver reports its own failures).
func (s *Store) Available() error {
	file := s.engine.File
	if file == "" {
		return nil
	}
	fi, err := os.Stat(file)
	first := s.file.Load()
	switch {
	case err == nil && first == nil:
		s.file.CompareAndSwap(nil, &fi) // the file as first seen is the one to keep seeing
		return nil
	case err == nil && !os.SameFile(*first, fi):
		return fmt.Errorf("%w: the database file %s was replaced while the service ran; restart it", ErrUnavailable, file)
	case err == nil:
		return nil
	case first != nil:
		return fmt.Errorf("%w: the database file %s has gone (was DATA_DIR deleted?); restart from a backup", ErrUnavailable, file)
	}
	// Not made yet (a store with no collection): only the directory must be there.
	if _, derr := os.Stat(filepath.Dir(file)); derr != nil {
		return fmt.Errorf("%w: the data directory %s has gone: %v", ErrUnavailable, filepath.Dir(file), derr)
	}
	return nil
}

// IsFull reports whether err is the store refusing a write for want of space: SQLite's
// SQLITE_FULL (disk full, or the database at its size cap), or MongoDB out of disk.
func IsFull(err error) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"sqlite_full", "database or disk is full", "no space left on device", "outofdiskspace"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// isGone reports whether err is SQLite failing to open or write its files because they
// have gone.
func isGone(err error) bool {
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"sqlite_cantopen", "unable to open database file", "sqlite_readonly_dbmoved"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// written turns the outcome of a write into what the caller may be told: a write the store
// could not keep (no space, or files gone, before or during it) is ErrUnavailable, never
// "saved"; one no server answered is of kind problem.Unavailable.
func (s *Store) written(err error) error {
	if err != nil && IsFull(err) {
		s.full.Store(true)
		return fmt.Errorf("%w: the disk is full: %w", ErrUnavailable, err)
	}
	if err != nil && isGone(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if Unavailable(err) && problem.KindOf(err) == problem.Internal {
		return problem.Wrap(problem.Unavailable, err) // the driver's: no server answered
	}
	if aerr := s.Available(); aerr != nil {
		return aerr
	}
	return err
}

// probeSize is how much the health check writes once a write has found the disk full: a
// page's worth may fit in a corner of a full disk, 64 KiB means there is room again.
const probeSize = 64 << 10

// probeWrite is a real write, for the health check once a write has found the disk full:
// it clears the mark when there is room again. Only it does: small writes may still fit
// in the last corners of a full disk while a page of answers does not.
func (s *Store) probeWrite(ctx context.Context) error {
	c := s.DB.Collection("_health")
	set := bson.D{{Key: "at", Value: time.Now().UTC()}, {Key: "room", Value: strings.Repeat(" ", probeSize)}}
	err := s.Write(ctx, func(ctx context.Context) error {
		_, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "probe"}}, bson.D{{Key: "$set", Value: set}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err == nil {
		s.full.Store(false)
	}
	return err
}
