package store

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Group commit. Each write to the embedded store is a synced SQLite transaction taken
// under one lock: 200 audit entries inserted one by one cost 200 commits (1.3 ms each, in
// a queue), inserted together one (10 ms for all). GroupInsert lets callers that insert
// into the same collection at the same moment share one InsertMany: while one batch is
// being written, the next callers queue, and the next batch takes them all. A caller
// alone pays what a single insert costs.

// maxGroup bounds one InsertMany.
const maxGroup = 500

// groupTimeout bounds one batch's write: it serves many requests, so no one request's
// context may end it.
const groupTimeout = 30 * time.Second

type group struct {
	mu      sync.Mutex
	queue   []queued
	running bool // a goroutine is draining the queue
	// queued counts the documents ever queued, written those whose batch is done (written
	// or failed): the queue is first in, first out, so Flush waits for written to reach
	// what queued was when it was called.
	queued, written int64
	progress        *sync.Cond
}

type queued struct {
	doc  any
	done chan error // nil for InsertLater
}

// GroupInsert inserts doc (which must carry its own _id, so a batch retried after a busy
// store inserts nothing twice) into c, in one InsertMany with whatever other callers are
// inserting into c meanwhile, and returns once the commit that holds doc is done: what it
// acknowledges is durable, as a single insert's would be.
func (s *Store) GroupInsert(ctx context.Context, c *mongo.Collection, doc any) error {
	done := make(chan error, 1)
	s.enqueue(c, queued{doc: doc, done: done})
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// InsertLater queues docs (each with its own _id) for the next group insert into c and
// returns at once, for copies whose original is already durable elsewhere (a save's audit
// entry, kept in the return's own trail). A failure is logged. Close (or Flush) waits for
// what is queued.
func (s *Store) InsertLater(c *mongo.Collection, docs ...any) {
	for _, d := range docs {
		s.enqueue(c, queued{doc: d})
	}
}

// Flush waits until every document queued so far by InsertLater or GroupInsert is
// written (or has failed); documents queued meanwhile are not waited for.
func (s *Store) Flush() {
	s.groups.Range(func(_, v any) bool {
		g := v.(*group)
		g.mu.Lock()
		for target := g.queued; g.written < target; {
			g.progress.Wait()
		}
		g.mu.Unlock()
		return true
	})
}

func (s *Store) enqueue(c *mongo.Collection, q queued) {
	v, ok := s.groups.Load(c.Name())
	if !ok {
		g := &group{}
		g.progress = sync.NewCond(&g.mu)
		v, _ = s.groups.LoadOrStore(c.Name(), g)
	}
	g := v.(*group)
	g.mu.Lock()
	g.queue = append(g.queue, q)
	g.queued++
	start := !g.running
	g.running = true
	g.mu.Unlock()
	if start {
		go s.drain(c, g)
	}
}

// drain writes g's queue batch by batch until it is empty.
func (s *Store) drain(c *mongo.Collection, g *group) {
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		err := s.insertBatch(c, batch)
		for _, q := range batch {
			if q.done != nil {
				q.done <- err
			} else if err != nil {
				slog.Error("store: a queued insert failed", "collection", c.Name(), "err", err)
			}
		}
		g.mu.Lock()
		g.written += int64(len(batch))
		g.progress.Broadcast()
		g.mu.Unlock()
	}
}

func (s *Store) insertBatch(c *mongo.Collection, batch []queued) error {
	docs := make([]any, len(batch))
	for i, q := range batch {
		docs[i] = q.doc
	}
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	return s.Write(ctx, func(ctx context.Context) error {
		_, err := c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		if onlyDuplicates(err) {
			return nil // inserted by an earlier attempt that had landed
		}
		return err
	})
}

// onlyDuplicates says whether every error of a bulk write is a duplicate _id.
func onlyDuplicates(err error) bool {
	var bw mongo.BulkWriteException
	if !errors.As(err, &bw) || bw.WriteConcernError != nil || len(bw.WriteErrors) == 0 {
		return false
	}
	for _, we := range bw.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}
