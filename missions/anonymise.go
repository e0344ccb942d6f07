package missions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/store"
)

// RemovedReason stands in a nomination's reason once a year's names are anonymised:
// reasons are free text and may name children.
const RemovedReason = "[removed when the year's names were anonymised]"

// AnonymiseReport says what anonymising a year changed.
type AnonymiseReport struct {
	Year           string
	Teams, JOSOs   int
	EvidencePulled int
}

// Anonymiser removes what could name a child once a year is over: JOSOs' names,
// nomination reasons and evidence.
type Anonymiser struct {
	st         *store.Store // for the lock that runs the schedule once across instances
	years      yearStore
	teams      teamStore
	activities activityStore
	evidence   *Evidence
	log        Auditor
}

// Anonymise replaces the JOSO names of a closed year with "JOSO 1", "JOSO 2"... per
// school, removes nomination reasons and deletes the year's evidence. Totals, attendance
// and the ledger (which names no child) are kept. Running it again changes nothing.
func (an *Anonymiser) Anonymise(ctx context.Context, year string) (AnonymiseReport, error) {
	rep := AnonymiseReport{Year: year}
	y, err := an.years.get(ctx, year)
	if err != nil {
		return rep, err
	}
	if y.State != YearClosed && y.State != YearArchived {
		return rep, fmt.Errorf("%w: only a closed year's names are anonymised", ErrYearState)
	}
	teams, err := an.teams.ofYear(ctx, year)
	if err != nil {
		return rep, err
	}
	for _, t := range teams {
		changed := 0
		_, err := an.teams.update(ctx, t.ID, 0, func(t *Team) error {
			changed = t.anonymise()
			return nil
		})
		if err != nil {
			return rep, err
		}
		rep.Teams++
		rep.JOSOs += changed
	}
	if rep.EvidencePulled, err = an.evidence.pullAll(ctx, year, func(EvidenceFile) bool { return true }); err != nil {
		return rep, err
	}
	_, err = an.years.update(ctx, year, func(y *Year) error {
		if y.Anonymised.IsZero() {
			y.Anonymised = time.Now().UTC()
		}
		return nil
	})
	return rep, err
}

// anonymise replaces the names of the team's JOSOs not yet anonymised with "JOSO 1",
// "JOSO 2"... by their place in the team, and every nomination's reason; it says how
// many names it replaced.
func (t *Team) anonymise() int {
	changed := 0
	for i := range t.JOSOs {
		if !t.JOSOs[i].Anonymised {
			t.JOSOs[i].Name, t.JOSOs[i].Anonymised = "JOSO "+strconv.Itoa(i+1), true
			changed++
		}
	}
	for i := range t.Nominations {
		t.Nominations[i].Reason = RemovedReason
	}
	return changed
}

// Due anonymises every closed year whose anonymisation date has come and that has not
// been anonymised yet, auditing each. A store lock makes it run once at a time across
// instances.
func (an *Anonymiser) Due(ctx context.Context, today string) ([]AnonymiseReport, error) {
	release, err := an.st.Lock(ctx, "joso-anonymise", "anonymise:"+today+":"+strconv.FormatInt(time.Now().UnixNano(), 36), 10*time.Minute)
	if errors.Is(err, store.ErrLocked) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer release()
	years, err := an.years.list(ctx)
	if err != nil {
		return nil, err
	}
	var out []AnonymiseReport
	for _, y := range years {
		if y.AnonymiseDue(today) {
			rep, err := an.Anonymise(ctx, y.ID)
			if err != nil {
				return out, err
			}
			record(ctx, an.log, audit.System, audit.ActionJOSOAnonymised, rep.Year, fmt.Sprintf("%d JOSO names, %d evidence files", rep.JOSOs, rep.EvidencePulled))
			out = append(out, rep)
		}
	}
	return out, nil
}

// AnonymiseDue says whether the year's names are due to go on today (yyyy-mm-dd): it is
// over, not yet anonymised, and its day has come.
func (y Year) AnonymiseDue(today string) bool {
	return (y.State == YearClosed || y.State == YearArchived) && y.Anonymised.IsZero() && y.AnonymiseOn <= today
}
