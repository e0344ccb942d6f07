package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/text"
	"github.com/lscp/assure/missions"
)

// TestEveryDomainErrorHasAPage checks the one table: each refusal the domains return gets
// the status of its kind, wrapped with its operation or not, and only the service's own
// faults are 500s. Before error kinds, an unlisted sentinel (forms.ErrRoundExists,
// missions.ErrUnknownRule...) fell through to a 500.
func TestEveryDomainErrorHasAPage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err    error
		status int
	}{
		{forms.ErrRoundNotFound, http.StatusNotFound},
		{forms.ErrReturnNotFound, http.StatusNotFound},
		{forms.ErrSchoolNotFound, http.StatusNotFound},
		{forms.ErrLinkInvalid, http.StatusNotFound},
		{forms.ErrSectionNotFound, http.StatusNotFound},
		{&forms.InvalidEntry{}, http.StatusBadRequest},
		{forms.ErrIncomplete, http.StatusConflict},
		{forms.ErrCodeNotSent, http.StatusServiceUnavailable},
		{missions.ErrYearNotFound, http.StatusNotFound},
		{missions.ErrEvidenceMissing, http.StatusNotFound},
		{forms.ErrRoundExists, http.StatusConflict},
		{forms.ErrRoundNotOpen, http.StatusConflict},
		{forms.ErrRoundState, http.StatusConflict},
		{forms.ErrNotEditable, http.StatusConflict},
		{forms.ErrImportRunning, http.StatusConflict},
		{missions.ErrYearClosed, http.StatusConflict},
		{missions.ErrAlreadyReversed, http.StatusConflict},
		{forms.ErrConflict, http.StatusConflict},
		{missions.ErrConflict, http.StatusConflict},
		{missions.ErrUnknownRule, http.StatusBadRequest},
		{missions.ErrReasonNeeded, http.StatusBadRequest},
		{fmt.Errorf("%w: the year must look like 2026-27", missions.ErrInvalid), http.StatusBadRequest},
		{missions.ValidationErrors{{Field: "title", Message: "Enter a title"}}, http.StatusBadRequest},
		{&forms.FileError{Line: 3, Reason: "the URN is not a number"}, http.StatusBadRequest},
		{text.ErrBadEmail, http.StatusBadRequest},
		{store.ErrUnavailable, http.StatusServiceUnavailable},
		{errors.New("something the service did not expect"), http.StatusInternalServerError},
	}
	for _, c := range cases {
		for _, err := range []error{c.err, fmt.Errorf("doing something: %w", c.err)} {
			page := errorPages[problem.KindOf(err)]
			if page.status != c.status {
				t.Errorf("%v: status %d, want %d", err, page.status, c.status)
			}
			if page.heading == "" || len(page.say(err)) == 0 {
				t.Errorf("%v: the page says nothing", err)
			}
		}
	}
}

// TestEveryKindHasAPage guards the table itself: a kind added to problem needs a page.
func TestEveryKindHasAPage(t *testing.T) {
	t.Parallel()
	for k := problem.Internal; k <= problem.Unavailable; k++ {
		if _, ok := errorPages[k]; !ok {
			t.Errorf("kind %v has no page", k)
		}
	}
}

// TestStoreDownWhileCreatingARound: a store that cannot keep a write (here a full disk) is
// the service's fault, shown as the unavailable page, not as a problem with the year the
// admin typed.
func TestStoreDownWhileCreatingARound(t *testing.T) {
	t.Parallel()
	_, c := fullStoreServer(t)
	c.get("/admin/rounds")
	code, body, _ := c.post("/admin/rounds", url.Values{"_csrf": {c.csrf}, "year": {"2026-27"}, "grace_days": {"0"},
		"opens-day": {"1"}, "opens-month": {"10"}, "opens-year": {"2026"},
		"deadline-day": {"30"}, "deadline-month": {"11"}, "deadline-year": {"2026"}})
	if code != http.StatusServiceUnavailable || strings.Contains(body, `href="#year"`) {
		t.Fatalf("creating a round with the store full: %d\n%s", code, body)
	}
}

// TestRoundDatesInTheWrongOrderAreTheAdminsToCorrect: a deadline before the opening date
// is a mistake in what was typed, shown beside the deadline with everything kept, not a
// fault of the service; a bad year and grace period are shown with it, from the same rule.
func TestRoundDatesInTheWrongOrderAreTheAdminsToCorrect(t *testing.T) {
	t.Parallel()
	c := newTestServer(t).client(t)
	c.signIn()
	c.get("/admin/rounds")
	form := url.Values{"_csrf": {c.csrf}, "year": {"2026-27"}, "grace_days": {"0"},
		"opens-day": {"1"}, "opens-month": {"12"}, "opens-year": {"2026"},
		"deadline-day": {"30"}, "deadline-month": {"11"}, "deadline-year": {"2026"}}
	code, body, _ := c.post("/admin/rounds", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#deadline-day"`) ||
		!strings.Contains(body, "The deadline must be after the opening date") || !strings.Contains(body, `value="2026-27"`) {
		t.Fatalf("deadline before opening: %d\n%s", code, body)
	}
	form.Set("year", "2026-28")
	form.Set("grace_days", "61")
	code, body, _ = c.post("/admin/rounds", form)
	for _, want := range []string{`href="#year"`, `href="#grace_days"`, `href="#deadline-day"`} {
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("bad year, grace and dates: %d, want %s in\n%s", code, want, body)
		}
	}
}
