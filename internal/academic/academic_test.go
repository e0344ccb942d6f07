package academic

import (
	"testing"
	"time"

	"github.com/lscp/assure/internal/problem"
)

func TestCheckYear(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"2024-25", "2099-00", "1999-00"} {
		if err := CheckYear(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "2024", "2024-26", "2024/25", "24-25", "2024-25 ", "2024-251"} {
		if err := CheckYear(bad); !problem.Is(err, problem.Invalid) {
			t.Errorf("%q: %v, want an Invalid error", bad, err)
		}
	}
}

func TestLondonKeepsSummerTime(t *testing.T) {
	t.Parallel()
	// 23:30 UTC on 30 June is already 1 July in London.
	if d := time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC).In(London).Day(); d != 1 {
		t.Errorf("London day %d, want 1", d)
	}
}
