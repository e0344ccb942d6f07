package loadtest

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every step but the burst's is held to StepP99, the worst one named on the first line;
// the burst has its own target; a step's line is not counted again as a miss.
func TestTargetsJudgeEachStepAndTheBurstApart(t *testing.T) {
	rep := Report{Requests: 30, Errors: 0, Steps: []StepSummary{
		{Step: BurstStep, P50: time.Second, P99: 1500 * time.Millisecond},
		{Step: "governor: save section", P99: 300 * time.Millisecond},
		{Step: "governor: task list", P99: 20 * time.Millisecond},
	}}
	s := Summary{Title: "day", Targets: append(rep.StepTargets(), rep.ErrorTarget(), rep.BurstTarget(BurstStep, 200), WritesTarget(Checked{Sections: 3}, 0))}
	if s.Missed() != 1 {
		t.Fatalf("missed %d, want 1 (every step): %+v", s.Missed(), s.Targets)
	}
	var out bytes.Buffer
	s.Print(&out)
	if !regexp.MustCompile(`every step: p99 under 250 ms +worst p99 300 ms \(governor: save section\) +FAIL`).MatchString(out.String()) {
		t.Fatalf("the worst step:\n%s", out.String())
	}
	for _, want := range []string{
		"  governor: save section", "  governor: task list",
		"no errors", "0 errors in 30 requests",
		"burst: 200 governors open their links in the same second, p99 under 2000 ms", "p99 1500 ms (p50 1000 ms)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("no %q in:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "  "+BurstStep) {
		t.Fatalf("the burst is held to the steps' target:\n%s", out.String())
	}
	if got := (Report{}).BurstTarget(BurstStep, 200); got.Measured || got.Result() != "-" {
		t.Fatalf("a burst not run: %+v", got)
	}
}
