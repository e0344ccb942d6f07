package loadtest

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/urls"
)

// Day is how a realistic deadline day runs, compressed into Length: people arrive at
// random (a Poisson process) and think between pages, as people do.
type Day struct {
	// Length is the stretch over which governors and teachers arrive; journeys that start
	// near its end run on past it.
	Length time.Duration
	// PauseMin and PauseMax bound a think between two pages: log-uniform between them, so
	// most are short and a few long (2 s to a minute: about 17 s on average).
	PauseMin, PauseMax time.Duration
	// SubmitShare of the governors submit; the rest save some sections and leave.
	SubmitShare float64
	// StopShare of those who submit stop part-way and come back later, from another
	// browser, opening their link again, to finish and submit.
	StopShare float64
	// Burst governors open their links in the same second before the day begins.
	Burst int
	// Admins use the dashboard, the round page, the chase list, a return page and the
	// downloads over and over until the last governor and teacher are done.
	Admins int
}

// BurstStep is the step of the burst's link openings, reported on its own.
const BurstStep = "burst: open link"

// RunDay runs the burst, then the day: every governor and teacher of the plan arrives
// once, at a time drawn from a Poisson process over d.Length, and the admins work
// throughout. Errors are counted in the report, as in Run.
func RunDay(ctx context.Context, p Plan, d Day, acks *Acks) Report {
	rec := NewRecorder()
	transport := &http.Transport{MaxIdleConns: 2000, MaxIdleConnsPerHost: 2000, IdleConnTimeout: 90 * time.Second}
	defer transport.CloseIdleConnections()
	var person atomic.Int64
	browser := func() *browser { return newBrowser(p.BaseURL, transport, rec, int(person.Add(1))) }

	if d.Burst > 0 {
		burst(ctx, p.Governors[:min(d.Burst, len(p.Governors))], browser, rec)
	}
	pause := d.think(nil)
	var people sync.WaitGroup
	govAt, teachAt := arrivals(len(p.Governors), d.Length), arrivals(len(p.Teachers), d.Length)
	for i, g := range p.Governors {
		people.Go(func() {
			if sleep(ctx, nil, govAt[i]) == nil {
				rec.journey("governor", d.governor(ctx, g, browser, pause, acks))
			}
		})
	}
	for i, t := range p.Teachers {
		people.Go(func() {
			if sleep(ctx, nil, teachAt[i]) == nil {
				rec.journey("teacher", teacherVisit(ctx, browser(), t, pause, acks))
			}
		})
	}
	dayOver := make(chan struct{})
	var admins sync.WaitGroup
	if p.Admin != nil && len(p.Governors) > 0 { // an admin opens the return page of a governor's school
		for range d.Admins {
			admins.Go(func() { rec.journey("admin", adminDay(ctx, browser(), *p.Admin, p.Governors, d.think(dayOver))) })
		}
	}
	people.Wait()
	close(dayOver)
	admins.Wait()
	return rec.Report()
}

// governor is one governor's day: one visit, or two with a break between, and a
// submission or not (see Day).
func (d Day) governor(ctx context.Context, g GovernorPlan, browser func() *browser, pause think, acks *Acks) error {
	var sections []forms.Section
	for _, s := range g.Sections {
		if s.ID != declaration {
			sections = append(sections, s)
		}
	}
	if rand.Float64() >= d.SubmitShare { // saves some sections and leaves
		return visit(ctx, browser(), g, sitting{sections: sections[:rand.IntN(len(sections)+1)]}, pause, acks)
	}
	if len(sections) < 2 || rand.Float64() >= d.StopShare {
		return visit(ctx, browser(), g, sitting{sections: sections, submit: true}, pause, acks)
	}
	stop := 1 + rand.IntN(len(sections)-1)
	if err := visit(ctx, browser(), g, sitting{sections: sections[:stop]}, pause, acks); err != nil {
		return err
	}
	// Back later the same day: a tenth to half of the day after leaving.
	later := d.Length/10 + time.Duration(rand.Int64N(int64(d.Length*4/10)+1))
	if err := sleep(ctx, nil, later); err != nil {
		return err
	}
	return visit(ctx, browser(), g, sitting{sections: sections[stop:], submit: true, back: true}, pause, acks)
}

// errDayOver ends an admin's work when the governors and teachers are done.
var errDayOver = errors.New("the day is over")

// think draws each pause from d's log-uniform spread; a pause ends early with errDayOver
// once over is closed (nil: never).
func (d Day) think(over <-chan struct{}) think {
	return func(ctx context.Context) error {
		if d.PauseMax <= 0 {
			return sleep(ctx, over, 0)
		}
		lo, hi := math.Log(float64(max(d.PauseMin, time.Millisecond))), math.Log(float64(d.PauseMax))
		return sleep(ctx, over, time.Duration(math.Exp(lo+rand.Float64()*max(hi-lo, 0))))
	}
}

// sleep waits for d, or less if ctx ends (its error) or over is closed (errDayOver).
func sleep(ctx context.Context, over <-chan struct{}, d time.Duration) error {
	select {
	case <-over:
		return errDayOver
	default:
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-over:
		return errDayOver
	}
}

// arrivals are n arrival times of a Poisson process whose rate brings n people over
// length on average: exponential gaps, so some come together and some alone.
func arrivals(n int, length time.Duration) []time.Duration {
	at := make([]time.Duration, n)
	var t float64
	for i := range at {
		t += rand.ExpFloat64() * float64(length) / float64(max(n, 1))
		at[i] = time.Duration(t)
	}
	return at
}

// burst has each governor open their link within the same second (at a random moment
// of it, once every browser is ready) and read the task list; it waits for them all.
func burst(ctx context.Context, gs []GovernorPlan, browser func() *browser, rec *Recorder) {
	start := time.Now().Add(200 * time.Millisecond)
	var wg sync.WaitGroup
	for _, g := range gs {
		b, at := browser(), start.Add(time.Duration(rand.Int64N(int64(time.Second))))
		wg.Go(func() {
			if err := sleep(ctx, nil, time.Until(at)); err != nil {
				rec.journey("burst", err)
				return
			}
			open, err := b.get(ctx, BurstStep, urls.ReturnPath(g.Token), http.StatusSeeOther)
			if err == nil {
				_, err = b.get(ctx, "burst: task list", open.location, http.StatusOK)
			}
			rec.journey("burst", err)
		})
	}
	wg.Wait()
}
