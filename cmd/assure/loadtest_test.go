package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/internal/loadtest"
)

// TestMain lets the test binary stand in for the assure binary: with ASSURE_TEST_MAIN=1
// it runs the command line it was given, so the crash test can start (and kill) a real
// server process built from this very code. After the tests it closes the Chromium the
// browser tests share and removes the demo's template data directory.
func TestMain(m *testing.M) {
	if os.Getenv("ASSURE_TEST_MAIN") == "1" {
		main()
	}
	code := m.Run()
	stopChromium()
	removeDemoTemplate()
	os.Exit(code)
}

// A small deadline day: every acknowledged save, submission and activity is in the
// store once, and the server stops cleanly.
func TestLoadTestChecksEveryAcknowledgedWrite(t *testing.T) {
	t.Parallel()
	out := runLoadTest(t, loadOptions{governors: 12, teachers: 3, activities: 2, downloads: 1})
	if !strings.Contains(out, "governor journeys finished: 12 of 12") || !strings.Contains(out, "teacher journeys finished: 3 of 3") ||
		!strings.Contains(out, ", 0 errors") {
		t.Fatalf("load test:\n%s", out)
	}
	if !regexp.MustCompile(`Store checked: all \d{3} acknowledged section saves, 12 submissions \(one each.*\) and 6 activities`).MatchString(out) {
		t.Fatalf("store check:\n%s", out)
	}
}

// Kill the server with SIGKILL mid-load three times, restarting it on the same data
// directory: after each kill the store opens cleanly and holds every submission (and
// save and activity) acknowledged before it, intact, exactly once.
func TestCrashMidLoadLosesNothingAcknowledged(t *testing.T) {
	t.Parallel()
	out := runLoadTest(t, loadOptions{governors: 90, teachers: 6, activities: 3, downloads: 1, crashes: 3})
	kills := regexp.MustCompile(`server killed with SIGKILL after \S+, (\d+) submissions acknowledged so far`).FindAllStringSubmatch(out, -1)
	checks := strings.Count(out, "Store checked: all")
	if len(kills) != 3 || checks != 3 {
		t.Fatalf("%d kills, %d store checks:\n%s", len(kills), checks, out)
	}
	// Each kill came part-way: some governors of its wave had not finished.
	if n := strings.Count(out, "governor journeys finished: 30 of 30"); n == 3 {
		t.Fatalf("every wave finished before its kill:\n%s", out)
	}
	if last, _ := strconv.Atoi(kills[2][1]); last < 3 {
		t.Fatalf("only %d submissions acknowledged over three waves:\n%s", last, out)
	}
}

// A small deadline day: a county of 30 schools, every governor arriving over a few
// seconds with short pauses, some coming back to finish, a burst, the admin going round
// the pages and downloads: no errors, every acknowledged write in the store once, and
// the targets' table printed (whatever its figures: timings are not asserted).
func TestDeadlineDayChecksEveryAcknowledgedWrite(t *testing.T) {
	t.Parallel()
	out := runLoadTest(t, loadOptions{mode: "day", governors: 1, schools: 30, teachers: 2, activities: 2, day: loadtest.Day{
		Length: 3 * time.Second, PauseMin: 10 * time.Millisecond, PauseMax: 200 * time.Millisecond, SubmitShare: 0.6, StopShare: 0.5, Burst: 10, Admins: 1}})
	for _, want := range []string{"Prepared in", "a county of 30 schools", "burst journeys finished: 10 of 10", "teacher journeys finished: 2 of 2",
		"admin journeys finished: 1 of 1", ", 0 errors", "Burst: 10 governors opened their links in the same second", "Summary: deadline day"} {
		if !strings.Contains(out, want) {
			t.Fatalf("no %q in:\n%s", want, out)
		}
	}
	if m := regexp.MustCompile(`governor journeys finished: (\d+) of (\d+)\n`).FindStringSubmatch(out); m == nil || m[1] != m[2] {
		t.Fatalf("not every governor finished:\n%s", out)
	}
	if !regexp.MustCompile(`Store checked: all \d+ acknowledged section saves, [1-9]\d* submissions .* and 4 activities`).MatchString(out) {
		t.Fatalf("store check:\n%s", out)
	}
	if !regexp.MustCompile(`every acknowledged write found exactly once +\d+ section saves.* 0 lost or changed +PASS`).MatchString(out) ||
		!regexp.MustCompile(`no errors +0 errors in \d+ requests +PASS`).MatchString(out) {
		t.Fatalf("summary:\n%s", out)
	}
}

func runLoadTest(t *testing.T, o loadOptions) string {
	t.Helper()
	o.dir, o.keep = t.TempDir(), true
	// The tests check what is stored, not how fast: on a busy machine a request may take
	// longer than the service's default deadline, so the server waits as long as the
	// simulated people do (two minutes) rather than answer 503.
	o.server, o.serverEnv = []string{os.Args[0], "serve"}, []string{"ASSURE_TEST_MAIN=1", "REQUEST_TIMEOUT=2m"}
	var out bytes.Buffer
	cfg := testConfig(t, "")
	if uri := os.Getenv("TEST_MONGODB_URI"); uri != "" {
		cfg.MongoURI = uri
	}
	err := loadTest(context.Background(), env{getenv: os.Getenv, stdout: &out, stderr: &out}, cfg, o)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return out.String()
}
