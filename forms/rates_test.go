package forms

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
)

func TestPercentRoundsHalfUp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ returned, expected, want int }{
		{339, 386, 88}, {257, 281, 91}, {48, 53, 91}, {15, 18, 83}, {9, 24, 38}, {5, 5, 100},
		{1, 8, 13}, // 12.5 rounds up
		{1, 200, 1}, {0, 7, 0}, {0, 0, 0}, {255, 386, 66}, {97, 117, 83}, {10, 13, 77},
	} {
		if got := (Rate{Returned: c.returned, Expected: c.expected}).Percent(); got != c.want {
			t.Errorf("%d/%d = %d%%, want %d%%", c.returned, c.expected, got, c.want)
		}
	}
}

func TestCurveCountsLondonDays(t *testing.T) {
	t.Parallel()
	r := Round{Opens: "2024-10-01", Deadline: "2024-10-04", GraceDays: 1}
	// 23:30 UTC on 2 October is 00:30 on 3 October in London (BST).
	firsts := []time.Time{time.Date(2024, 10, 2, 23, 30, 0, 0, time.UTC), time.Date(2024, 10, 1, 9, 0, 0, 0, time.UTC)}
	got := Curve(r, 4, firsts, time.Time{})
	want := []DayCount{{-3, "2024-10-01", 1, 25}, {-2, "2024-10-02", 1, 25}, {-1, "2024-10-03", 2, 50}, {0, "2024-10-04", 2, 50}, {1, "2024-10-05", 2, 50}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("curve\n%v\nwant\n%v", got, want)
	}
}

// A round closed before its deadline draws no returns for days still to come.
func TestCurveOfARoundClosedEarlyStopsToday(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	if err := rs.Close(ctx, audit.CommandLine, round.ID); err != nil {
		t.Fatal(err)
	}
	today := time.Date(2024, 11, 20, 12, 0, 0, 0, academic.London)
	rep, err := rs.Report(ctx, round.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Curve) == 0 || rep.Curve[len(rep.Curve)-1].Date != "2024-11-20" {
		t.Fatalf("curve of a round closed early ends %+v", rep.Curve[len(rep.Curve)-1])
	}
}
