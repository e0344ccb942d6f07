package main

import (
	"strings"
	"testing"
)

// A round made with two-person sign-off and carry forward; its deadline moved and one
// school given its own date from the command line, and a refused extension.
func TestRoundDeadlineCommands(t *testing.T) {
	t.Parallel()
	dir, _ := demoDir(t)
	if code, out, errs := assure(t, dir, "", "round", "create", "--year", "2024-25", "--opens", "2024-10-01", "--deadline", "2024-12-13",
		"--two-person", "--carry-forward"); code != 0 || !strings.Contains(out, "Created round 2024-25") {
		t.Fatalf("create: %d %s %s", code, out, errs)
	}
	if code, out, errs := assure(t, dir, "", "round", "deadline", "--year", "2024-25", "--deadline", "2025-01-10"); code != 0 || !strings.Contains(out, "the deadline is now 2025-01-10") {
		t.Fatalf("deadline: %d %s %s", code, out, errs)
	}
	if code, _, errs := assure(t, dir, "", "round", "deadline", "--year", "2024-25", "--deadline", "2024-09-01"); code != 1 || !strings.Contains(errs, "after the round's opening date") {
		t.Fatalf("a deadline before the opening: %d %s", code, errs)
	}
	if code, out, errs := assure(t, dir, "", "round", "open", "--year", "2024-25"); code != 0 {
		t.Fatalf("open: %d %s %s", code, out, errs)
	}
	if code, _, errs := assure(t, dir, "", "round", "extend", "--year", "2024-25", "--urn", "990006", "--until", "2025-02-01"); code != 1 || !strings.Contains(errs, "reason") {
		t.Fatalf("an extension without a reason: %d %s", code, errs)
	}
	if code, out, errs := assure(t, dir, "", "round", "extend", "--year", "2024-25", "--urn", "990006", "--until", "2025-02-01", "--reason", "New head"); code != 0 ||
		!strings.Contains(out, "is due by 2025-02-01") {
		t.Fatalf("extend: %d %s %s", code, out, errs)
	}
}
