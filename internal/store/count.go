package store

import (
	"context"
	"sync/atomic"
)

// The cost of an action in writes is part of its contract (a governor's section save is
// one write in the steady state, see issue 15), so tests count them rather than time them.

type writeCounterKey struct{}

// CountWrites returns a context in which every successful Write is counted in n: a test
// runs an action with it and asserts how many store writes the action made, and only
// that action's (writes other goroutines make with their own contexts are not counted).
func CountWrites(ctx context.Context) (context.Context, *atomic.Int64) {
	n := &atomic.Int64{}
	return context.WithValue(ctx, writeCounterKey{}, n), n
}

// Writes is how many writes s has made since it was opened (successful Writes, each
// group insert one), for tests of a whole request's cost.
func (s *Store) Writes() int64 { return s.writes.Load() }

func (s *Store) counted(ctx context.Context) {
	s.writes.Add(1)
	if n, ok := ctx.Value(writeCounterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}
