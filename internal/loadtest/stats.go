package loadtest

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"text/tabwriter"
	"time"
)

// Recorder collects the latency of every request by step, and the errors.
type Recorder struct {
	mu     sync.Mutex
	steps  map[string][]time.Duration
	errors map[string]int
	first  []string // problems worth showing, the first few only
	start  time.Time
	// journeys counts each kind of journey (governor, teacher, admin) started and finished.
	started, finished map[string]int
}

// NewRecorder starts the clock.
func NewRecorder() *Recorder {
	return &Recorder{steps: map[string][]time.Duration{}, errors: map[string]int{}, start: time.Now(),
		started: map[string]int{}, finished: map[string]int{}}
}

// Observe records one request of a step: its latency and whether it failed.
func (r *Recorder) Observe(step string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.steps[step] = append(r.steps[step], d)
	if err != nil {
		r.errors[step]++
		if len(r.first) < 10 {
			r.first = append(r.first, step+": "+err.Error())
		}
	}
}

// journey records one person's whole journey: finished, or abandoned with err (which
// is shown if no request error already explains it).
func (r *Recorder) journey(who string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started[who]++
	if err == nil {
		r.finished[who]++
	} else if len(r.first) < 10 {
		r.first = append(r.first, who+" gave up: "+err.Error())
	}
}

// StepSummary is one step's figures.
type StepSummary struct {
	Step          string
	Requests      int
	Errors        int
	P50, P95, P99 time.Duration
}

// Report is a run's figures.
type Report struct {
	Elapsed  time.Duration
	Requests int
	Errors   int
	Steps    []StepSummary
	Problems []string // the first few errors, in words
	// Journeys says, for governors, teachers and the admin, how many finished of how many.
	Journeys map[string][2]int
}

// RPS is requests per second over the whole run.
func (r Report) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Report summarises what has been recorded so far.
func (r *Recorder) Report() Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := Report{Elapsed: time.Since(r.start), Problems: slices.Clone(r.first), Journeys: map[string][2]int{}}
	for who, n := range r.started {
		rep.Journeys[who] = [2]int{r.finished[who], n}
	}
	for step, ds := range r.steps {
		sorted := slices.Clone(ds)
		slices.Sort(sorted)
		s := StepSummary{Step: step, Requests: len(sorted), Errors: r.errors[step],
			P50: percentile(sorted, 50), P95: percentile(sorted, 95), P99: percentile(sorted, 99)}
		rep.Steps = append(rep.Steps, s)
		rep.Requests += s.Requests
		rep.Errors += s.Errors
	}
	sort.Slice(rep.Steps, func(i, j int) bool { return rep.Steps[i].Step < rep.Steps[j].Step })
	return rep
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d requests in %s: %.1f requests per second, %d errors\n", r.Requests, r.Elapsed.Round(time.Millisecond), r.RPS(), r.Errors)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\trequests\terrors\tp50\tp95\tp99\t")
	for _, s := range r.Steps {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t\n", s.Step, s.Requests, s.Errors, ms(s.P50), ms(s.P95), ms(s.P99))
	}
	_ = tw.Flush()
	for _, who := range []string{"burst", "governor", "teacher", "admin"} {
		if j, ok := r.Journeys[who]; ok {
			fmt.Fprintf(w, "%s journeys finished: %d of %d\n", who, j[0], j[1])
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintln(w, "  error:", p)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }
