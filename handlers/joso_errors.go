package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/lscp/assure/missions"
)

// josoErrors are the programme's refusals that a page normally shows beside its field but
// that a request no page sends (a crafted or stale form) can still reach: each gets a 4xx
// page saying what was wrong, not the 500 kept for the service's own faults.
var josoErrors = []struct {
	errs    []error
	status  int
	heading string
}{
	{[]error{missions.ErrUnknownRule}, http.StatusBadRequest, "That activity is not in this year's missions"},
	{[]error{missions.ErrInvalid, missions.ErrWholeTeamAndNamed, missions.ErrUntrained, missions.ErrDateOutsideYear, missions.ErrDuplicateName},
		http.StatusBadRequest, "There is a problem with what was sent"},
	{[]error{missions.ErrReasonNeeded}, http.StatusBadRequest, "Give a reason"},
	{[]error{missions.ErrAlreadyReversed, missions.ErrYearExists, missions.ErrSessionAttended, missions.ErrRemovalUnconfirmed},
		http.StatusConflict, "That cannot be done now"},
	{[]error{missions.ErrLinkInvalid, missions.ErrEvidenceMissing}, http.StatusNotFound, "Page not found"},
}

// josoErrorPage is the status and page for one of josoErrors (ok false for any other error).
func josoErrorPage(err error) (status int, heading string, paras []string, ok bool) {
	var verrs missions.ValidationErrors
	if errors.As(err, &verrs) {
		return http.StatusBadRequest, "There is a problem with what was sent", []string{capitalise(verrs.Error()) + "."}, true
	}
	for _, e := range josoErrors {
		if slices.ContainsFunc(e.errs, func(kind error) bool { return errors.Is(err, kind) }) {
			msg := strings.Replace(err.Error(), missions.ErrInvalid.Error()+": ", "", 1)
			return e.status, e.heading, []string{capitalise(msg) + ". Go back, reload the page and try again."}, true
		}
	}
	return 0, "", nil, false
}

func isJOSORefusal(err error) bool { _, _, _, ok := josoErrorPage(err); return ok }
