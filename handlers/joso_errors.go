package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lscp/assure/missions"
)

// josoErrors are the programme's refusals that a page normally shows beside its field but
// that a request no page sends (a crafted or stale form) can still reach: each gets a 4xx
// page saying what was wrong, not the 500 kept for the service's own faults.
var josoErrors = []struct {
	err     error
	status  int
	heading string
}{
	{missions.ErrUnknownRule, http.StatusBadRequest, "That activity is not in this year's missions"},
	{missions.ErrInvalid, http.StatusBadRequest, "There is a problem with what was sent"},
	{missions.ErrWholeTeamAndNamed, http.StatusBadRequest, "There is a problem with who took part"},
	{missions.ErrUntrained, http.StatusBadRequest, "There is a problem with who took part"},
	{missions.ErrDateOutsideYear, http.StatusBadRequest, "There is a problem with the date"},
	{missions.ErrDuplicateName, http.StatusBadRequest, "There is a problem with the name"},
	{missions.ErrReasonNeeded, http.StatusBadRequest, "Give a reason"},
	{missions.ErrAlreadyReversed, http.StatusConflict, "That cannot be done now"},
	{missions.ErrYearExists, http.StatusConflict, "That cannot be done now"},
	{missions.ErrSessionAttended, http.StatusConflict, "That cannot be done now"},
	{missions.ErrRemovalUnconfirmed, http.StatusConflict, "That cannot be done now"},
	{missions.ErrLinkInvalid, http.StatusNotFound, "Page not found"},
	{missions.ErrEvidenceMissing, http.StatusNotFound, "Page not found"},
}

// josoErrorPage is the status and page for one of josoErrors (ok false for any other error).
func josoErrorPage(err error) (status int, heading string, paras []string, ok bool) {
	var verrs missions.ValidationErrors
	if errors.As(err, &verrs) {
		return http.StatusBadRequest, "There is a problem with what was sent", []string{capitalise(verrs.Error()) + "."}, true
	}
	for _, e := range josoErrors {
		if errors.Is(err, e.err) {
			msg := strings.Replace(err.Error(), missions.ErrInvalid.Error()+": ", "", 1)
			return e.status, e.heading, []string{capitalise(msg) + ". Go back, reload the page and try again."}, true
		}
	}
	return 0, "", nil, false
}

func isJOSORefusal(err error) bool { _, _, _, ok := josoErrorPage(err); return ok }
