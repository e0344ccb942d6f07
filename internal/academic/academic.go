package academic

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
	_ "time/tzdata" // the partnership's days are London days, on any host

	"github.com/lscp/assure/internal/problem"
)

// London is the partnership's clock: a return submitted at 00:30 BST on the deadline's
// next day is late, and days on the chart are London days.
var London = mustLondon()

func mustLondon() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("academic: Europe/London time zone: " + err.Error())
	}
	return l
}

var yearPattern = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// CheckYear accepts an academic year written like 2024-25; anything else is Invalid.
func CheckYear(year string) error {
	m := yearPattern.FindStringSubmatch(year)
	if m == nil {
		return problem.Wrap(problem.Invalid, fmt.Errorf("academic year %q must look like 2024-25", year))
	}
	start, _ := strconv.Atoi(m[1])
	end, _ := strconv.Atoi(m[2])
	if (start+1)%100 != end {
		return problem.Wrap(problem.Invalid, fmt.Errorf("academic year %q: the second year must follow the first", year))
	}
	return nil
}
