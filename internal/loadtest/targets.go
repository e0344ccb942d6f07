package loadtest

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets of issue 15 the load test checks.
const (
	// StepP99 is the most the 99th percentile of any step of the deadline day may take.
	StepP99 = 250 * time.Millisecond
	// BurstP99 is the most the 99th percentile of the burst's link openings may take.
	BurstP99 = 2 * time.Second
	// MinRatio is the least share of bare driver updates per second that section saves
	// through HTTP must reach.
	MinRatio = 0.7
)

// Target is one figure beside its goal: met, missed, or not measured.
type Target struct {
	Goal, Figure string
	Measured     bool
	Met          bool
	// Part is a line that details the target above it (one step of "every step"),
	// indented, and counted there, not again.
	Part bool
}

// Result is the target's verdict: PASS, FAIL, or "-" when it was not measured.
func (t Target) Result() string {
	switch {
	case !t.Measured:
		return "-"
	case t.Met:
		return "PASS"
	}
	return "FAIL"
}

// Summary is one mode's targets, for the end of the command's output.
type Summary struct {
	Title   string
	Targets []Target
}

// Missed is how many measured targets were not met (parts aside).
func (s Summary) Missed() int {
	n := 0
	for _, t := range s.Targets {
		if t.Measured && !t.Met && !t.Part {
			n++
		}
	}
	return n
}

// Print writes the summary as a table: goal, figure, PASS or FAIL.
func (s Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "\n%s\n", s.Title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tfigure\tresult")
	for _, t := range s.Targets {
		indent := ""
		if t.Part {
			indent = "  "
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\n", indent, t.Goal, t.Figure, t.Result())
	}
	_ = tw.Flush()
}

// StepTargets are the day's latency targets: each step's p99 under StepP99 (the burst's
// steps aside: they have BurstTarget), then the worst of them as one line.
func (r Report) StepTargets() []Target {
	var ts []Target
	worst := Target{Goal: fmt.Sprintf("every step: p99 under %s", ms(StepP99)), Measured: true, Met: true}
	var worstP99 time.Duration
	for _, s := range r.Steps {
		if strings.HasPrefix(s.Step, "burst:") {
			continue
		}
		met := s.P99 < StepP99
		ts = append(ts, Target{Goal: s.Step, Figure: "p99 " + ms(s.P99), Measured: true, Met: met, Part: true})
		worst.Met = worst.Met && met
		if s.P99 >= worstP99 {
			worstP99, worst.Figure = s.P99, fmt.Sprintf("worst p99 %s (%s)", ms(s.P99), s.Step)
		}
	}
	return append([]Target{worst}, ts...)
}

// ErrorTarget is "no errors".
func (r Report) ErrorTarget() Target {
	return Target{Goal: "no errors", Figure: fmt.Sprintf("%d errors in %d requests", r.Errors, r.Requests), Measured: true, Met: r.Errors == 0}
}

// BurstTarget is the p99 of step (the link openings of governors who all came in the
// same second) against BurstP99; n is how many came.
func (r Report) BurstTarget(step string, n int) Target {
	t := Target{Goal: fmt.Sprintf("burst: %d governors open their links in the same second, p99 under %s", n, ms(BurstP99)), Figure: "not run"}
	for _, s := range r.Steps {
		if s.Step == step {
			t.Figure, t.Measured, t.Met = fmt.Sprintf("p99 %s (p50 %s)", ms(s.P99), ms(s.P50)), true, s.P99 < BurstP99
		}
	}
	return t
}

// BurstLine is the burst's figure on a line of its own.
func (r Report) BurstLine(step string, n int) string {
	t := r.BurstTarget(step, n)
	return fmt.Sprintf("Burst: %d governors opened their links in the same second: %s, target under %s: %s", n, t.Figure, ms(BurstP99), t.Result())
}

// WritesTarget says whether every acknowledged write was found exactly once.
func WritesTarget(c Checked, problems int) Target {
	return Target{Goal: "every acknowledged write found exactly once", Measured: true, Met: problems == 0,
		Figure: fmt.Sprintf("%d section saves, %d submissions, %d activities; %d lost or changed", c.Sections, c.Submissions, c.Activities, problems)}
}
