package audit

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/lscp/assure/internal/store"
)

// A document's trail (trail.go) is copied into the audit collection just after its write;
// were the process killed in between, the entry would be on its document only. A history
// read for one document (a filter whose Who is exactly its ID) therefore merges in the
// document's trail, newest first among the log's entries, each entry once. The domain that
// keeps trails says how to read one (Trails); this package knows no documents.

// TrailReader reads the trail of the document named who, if who names one (else nil).
type TrailReader func(ctx context.Context, who string) (Trail, error)

var (
	trailMu      sync.Mutex
	trailReaders = map[*store.Store]map[string]TrailReader{}
)

// Trails has every Log of st merge the trails read reads into a filtered history; kind
// names the documents (a second call for the same kind replaces the first).
func Trails(st *store.Store, kind string, read TrailReader) {
	trailMu.Lock()
	defer trailMu.Unlock()
	if trailReaders[st] == nil {
		trailReaders[st] = map[string]TrailReader{}
	}
	trailReaders[st][kind] = read
}

func readersOf(st *store.Store) []TrailReader {
	trailMu.Lock()
	defer trailMu.Unlock()
	var out []TrailReader
	for _, r := range trailReaders[st] {
		out = append(out, r)
	}
	return out
}

// trailed is the trail entries f selects, newest first.
func (l *Log) trailed(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Who == "" {
		return nil, nil
	}
	var out []Entry
	for _, read := range readersOf(l.st) {
		t, err := read(ctx, f.Who)
		if err != nil {
			return nil, fmt.Errorf("audit: reading the trail of %s: %w", f.Who, err)
		}
		for _, e := range t {
			if (f.Action == "" || e.Action == f.Action) && (f.From.IsZero() || !e.At.Before(f.From)) && (f.To.IsZero() || e.At.Before(f.To)) {
				out = append(out, e)
			}
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return newestFirst(a, b) })
	return out, nil
}

// newestFirst orders entries as Each gives them: by time, then by ID, newest first.
func newestFirst(a, b Entry) int {
	if c := b.At.Compare(a.At); c != 0 {
		return c
	}
	return bytes.Compare(b.ID[:], a.ID[:])
}

// merger hands fn the log's entries and the trails' (extra) in one order, each once, at
// most limit (0: all).
type merger struct {
	extra []Entry
	limit int
	given int
	seen  map[[12]byte]bool
	fn    func(Entry) error
}

func (m *merger) full() bool { return m.limit > 0 && m.given >= m.limit }

// next gives the trail entries that come before e, then e; nil gives those left.
func (m *merger) next(e *Entry) error {
	if m.seen == nil {
		m.seen = map[[12]byte]bool{}
	}
	for len(m.extra) > 0 && !m.full() && (e == nil || newestFirst(m.extra[0], *e) < 0) {
		x := m.extra[0]
		m.extra = m.extra[1:]
		if err := m.give(x); err != nil {
			return err
		}
	}
	if e == nil || m.full() {
		return nil
	}
	return m.give(*e)
}

func (m *merger) give(e Entry) error {
	if m.seen[e.ID] {
		return nil
	}
	m.seen[e.ID] = true
	m.given++
	return m.fn(e)
}
