package loadtest

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Plan is a whole deadline day, in an assurance round and a JOSO programme year.
type Plan struct {
	BaseURL         string
	Round, JOSOYear string
	Governors       []GovernorPlan
	Teachers        []TeacherPlan
	Admin           *AdminPlan
}

// Acks is what the server acknowledged: the answers of each saved section, each
// submission (with the reference shown, once seen) and each activity logged. (Workbook
// downloads change nothing, so each is checked on the spot to be an xlsx file.)
type Acks struct {
	mu         sync.Mutex
	Saves      map[int]map[string]map[string]Answer // URN → section → question → answer
	Submitted  map[int]string                       // URN → reference ("" until the confirmation page showed it)
	Activities map[int][]string                     // URN → activity IDs
}

// NewAcks is an empty record.
func NewAcks() *Acks {
	return &Acks{Saves: map[int]map[string]map[string]Answer{}, Submitted: map[int]string{}, Activities: map[int][]string{}}
}

func (a *Acks) saved(urn int, section string, answers map[string]Answer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Saves[urn] == nil {
		a.Saves[urn] = map[string]map[string]Answer{}
	}
	a.Saves[urn][section] = answers
}

func (a *Acks) submitted(urn int, ref string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Submitted[urn] = ref
}

func (a *Acks) logged(urn int, id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Activities[urn] = append(a.Activities[urn], id)
}

// Counts says how many writes were acknowledged.
func (a *Acks) Counts() (saves, submissions, activities int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, secs := range a.Saves {
		saves += len(secs)
	}
	for _, ids := range a.Activities {
		activities += len(ids)
	}
	return saves, len(a.Submitted), activities
}

// Run starts every governor, teacher and the admin at once and waits for them all (or
// for ctx to end). Errors are counted in the report, not returned: under a crash test
// most journeys end in one.
func Run(ctx context.Context, p Plan, acks *Acks) Report {
	rec := NewRecorder()
	transport := &http.Transport{MaxIdleConns: 1000, MaxIdleConnsPerHost: 1000, IdleConnTimeout: 30 * time.Second}
	defer transport.CloseIdleConnections()
	var wg sync.WaitGroup
	person := 0
	browser := func() *browser {
		person++
		return newBrowser(p.BaseURL, transport, rec, person)
	}
	for _, g := range p.Governors {
		b := browser()
		wg.Go(func() { rec.journey("governor", governor(ctx, b, g, acks)) })
	}
	for _, t := range p.Teachers {
		b := browser()
		wg.Go(func() { rec.journey("teacher", teacher(ctx, b, t, acks)) })
	}
	if p.Admin != nil {
		b := browser()
		wg.Go(func() { rec.journey("admin", admin(ctx, b, *p.Admin)) })
	}
	wg.Wait()
	return rec.Report()
}
