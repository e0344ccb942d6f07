package forms

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
)

// A school's own date moves its lateness and its reminder steps; the others keep the
// round's. Pure rules, no store.
func TestExtensionMovesLatenessAndSteps(t *testing.T) {
	t.Parallel()
	round := Round{Deadline: "2024-12-13", GraceDays: 0, ReminderDays: []int{21, 7, 1}}
	extended := Return{Extension: "2025-01-10"}
	at := func(day string) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, day, academic.London)
		return d.Add(10 * time.Hour)
	}
	if !round.Late(Return{}, at("2024-12-14")) || round.Late(extended, at("2024-12-14")) || !round.Late(extended, at("2025-01-11")) {
		t.Error("lateness does not follow the school's own date")
	}
	for _, c := range []struct {
		day              string
		others, extended int
	}{
		{"2024-12-06", 7, -1}, {"2024-12-13", 1, -1}, {"2024-12-20", -1, 21}, {"2025-01-03", -1, 7}, {"2025-01-10", -1, 1}, {"2025-01-11", -1, -1},
	} {
		if got := round.DueStep(Return{}, at(c.day)); got != c.others {
			t.Errorf("%s: others' step %d, want %d", c.day, got, c.others)
		}
		if got := round.DueStep(extended, at(c.day)); got != c.extended {
			t.Errorf("%s: extended school's step %d, want %d", c.day, got, c.extended)
		}
	}
	if round.DeadlineOf(extended) != "2025-01-10" || round.DeadlineOf(Return{}) != "2024-12-13" {
		t.Error("DeadlineOf")
	}
}

// An extension (audited, with a reason) makes the school's submission on time after the
// round's deadline, and its reminders follow its own date: after the round's deadline only
// that school is reminded, and the email names its date.
func TestExtensionThroughTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, c, m, round, returns := chaseRound(t)
	id := returns[5].Key()
	if _, err := rs.SetExtension(ctx, audit.CommandLine, id, "2025-01-10", " "); !errors.Is(err, ErrExtensionReason) {
		t.Fatalf("an extension without a reason: %v", err)
	}
	if _, err := rs.SetExtension(ctx, audit.CommandLine, id, "2024-13-01", "flood"); !errors.Is(err, ErrDeadlineDate) {
		t.Fatalf("a bad date: %v", err)
	}
	// An extension gives a school more time: after the round's deadline (13 December
	// 2024), and at most a year after it.
	for _, c := range []struct {
		until string
		want  error
	}{{"2024-12-13", ErrExtensionEarly}, {"2024-11-01", ErrExtensionEarly}, {"2025-12-14", ErrExtensionLong}, {"9999-12-31", ErrExtensionLong}} {
		if _, err := rs.SetExtension(ctx, audit.CommandLine, id, c.until, "flood"); !errors.Is(err, c.want) {
			t.Errorf("an extension to %s: %v, want %v", c.until, err, c.want)
		}
	}
	if r, err := rs.SetExtension(ctx, audit.CommandLine, id, "2025-12-13", "flood"); err != nil || r.Extension != "2025-12-13" {
		t.Fatalf("an extension of a year: %+v, %v", r, err)
	}
	r, err := rs.SetExtension(ctx, audit.Actor{Name: "admin@example.org"}, id, "2025-01-10", "School closed by flooding")
	if err != nil || r.Extension != "2025-01-10" || r.ExtensionReason != "School closed by flooding" {
		t.Fatalf("extension: %+v, %v", r, err)
	}
	// Past the round's deadline: only the extended school has a step due, its 21-day one.
	run, err := c.RunDue(ctx, time.Date(2024, 12, 20, 10, 0, 0, 0, time.UTC))
	if err != nil || run.Sent != 1 {
		t.Fatalf("after the round's deadline: %+v, %v", run, err)
	}
	msgs, _ := m.Recent(ctx, 10)
	if len(msgs) != 1 || msgs[0].To != "gov"+id.String()[8:]+"@example.org" || !strings.Contains(msgs[0].Body, "Friday 10 January 2025") {
		t.Fatalf("reminder: %+v", msgs)
	}
	// Submitted on 2 January, before its own date: not late.
	a := serviceOver(rs)
	full, _ := rs.returns.Get(ctx, id)
	secs := round.Definition.For(full.School.Record)
	v := full.Version
	for _, sec := range QuestionSections(secs) {
		got, err := saveFilled(ctx, a, full, v, sec)
		if err != nil {
			t.Fatal(err)
		}
		v = got.Version
	}
	sub, err := submitted(ctx, a, full, signed(secs, v, "k", time.Date(2025, 1, 2, 12, 0, 0, 0, time.UTC)))
	if err != nil || sub.Late {
		t.Fatalf("submitted within the extension: late %v, %v", sub.Late, err)
	}
	log := strings.Join(auditActions(t, audit.New(rs.st), id.String()), "\n")
	if !strings.Contains(log, audit.ActionExtension+": due 2025-01-10: School closed by flooding") {
		t.Fatalf("audit:\n%s", log)
	}
}

// Moving the round's deadline is audited, refused before the opening date, and moves
// lateness and reminders: a step already sent towards the old date goes again towards
// the new one when its day comes.
func TestDeadlineChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, c, _, round, _ := chaseRound(t)
	if _, err := rs.SetDeadline(ctx, audit.CommandLine, round.ID, "2024-09-30"); !errors.Is(err, ErrDeadlineEarly) {
		t.Fatalf("a deadline before the opening: %v", err)
	}
	run, err := c.RunDue(ctx, time.Date(2024, 12, 6, 10, 0, 0, 0, time.UTC))
	if err != nil || run.Sent != 8 {
		t.Fatalf("7-day step towards 13 December: %+v, %v", run, err)
	}
	moved, err := rs.SetDeadline(ctx, audit.Actor{Name: "admin@example.org"}, round.ID, "2025-01-17")
	if err != nil || moved.Deadline != "2025-01-17" {
		t.Fatalf("moving the deadline: %+v, %v", moved, err)
	}
	got, _ := rs.Get(ctx, round.ID)
	if got.Deadline != "2025-01-17" || got.Late(Return{}, time.Date(2024, 12, 20, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("after the move: deadline %s", got.Deadline)
	}
	if run, err := c.RunDue(ctx, time.Date(2024, 12, 10, 10, 0, 0, 0, time.UTC)); err != nil || run.Sent != 0 {
		t.Fatalf("38 days before the new date: %+v, %v", run, err)
	}
	if run, err := c.RunDue(ctx, time.Date(2025, 1, 10, 10, 0, 0, 0, time.UTC)); err != nil || run.Sent != 8 {
		t.Fatalf("7-day step towards the new date: %+v, %v", run, err)
	}
	log := strings.Join(auditActions(t, audit.New(rs.st), round.ID), "\n")
	if !strings.Contains(log, audit.ActionDeadlineChanged+": from 2024-12-13 to 2025-01-17") {
		t.Fatalf("audit:\n%s", log)
	}
	if err := rs.Close(ctx, audit.CommandLine, round.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.SetDeadline(ctx, audit.CommandLine, round.ID, "2025-02-01"); !errors.Is(err, ErrRoundState) {
		t.Fatalf("moving a closed round's deadline: %v", err)
	}
}
