package missions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

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

// Anonymise replaces the JOSO names of a closed year with "JOSO 1", "JOSO 2"... per
// school, removes nomination reasons and deletes the year's evidence. Totals, attendance
// and the ledger (which names no child) are kept. Running it again changes nothing.
func (p *Programme) Anonymise(ctx context.Context, year string) (AnonymiseReport, error) {
	rep := AnonymiseReport{Year: year}
	y, err := p.Year(ctx, year)
	if err != nil {
		return rep, err
	}
	if y.State != YearClosed && y.State != YearArchived {
		return rep, fmt.Errorf("%w: only a closed year's names are anonymised", ErrYearState)
	}
	teams, err := p.Teams(ctx, year)
	if err != nil {
		return rep, err
	}
	for _, t := range teams {
		changed := 0
		_, err := p.updateTeam(ctx, t.ID, 0, func(t *Team) error {
			changed = 0
			for i := range t.JOSOs {
				if !t.JOSOs[i].Anonymised {
					t.JOSOs[i].Name, t.JOSOs[i].Anonymised = "JOSO "+strconv.Itoa(i+1), true
					changed++
				}
			}
			for i := range t.Nominations {
				t.Nominations[i].Reason = RemovedReason
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
		rep.Teams++
		rep.JOSOs += changed
	}
	acts, err := p.YearActivities(ctx, year)
	if err != nil {
		return rep, err
	}
	for _, a := range acts {
		for _, e := range a.Evidence {
			if err := p.PullEvidence(ctx, a.Team, a.ID, e.ID); err != nil && !errors.Is(err, ErrNotFound) {
				return rep, err
			}
			rep.EvidencePulled++
		}
	}
	_, err = p.updateYear(ctx, year, func(y *Year) error {
		if y.Anonymised.IsZero() {
			y.Anonymised = time.Now().UTC()
		}
		return nil
	})
	return rep, err
}

// AnonymiseDue anonymises every closed year whose anonymisation date has come and that
// has not been anonymised yet. A store lock makes it run once at a time across instances.
func (p *Programme) AnonymiseDue(ctx context.Context, today string) ([]AnonymiseReport, error) {
	release, err := p.st.Lock(ctx, "joso-anonymise", "anonymise:"+today+":"+strconv.FormatInt(time.Now().UnixNano(), 36), 10*time.Minute)
	if errors.Is(err, store.ErrLocked) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer release()
	years, err := p.Years(ctx)
	if err != nil {
		return nil, err
	}
	var out []AnonymiseReport
	for _, y := range years {
		if (y.State == YearClosed || y.State == YearArchived) && y.Anonymised.IsZero() && y.AnonymiseOn <= today {
			rep, err := p.Anonymise(ctx, y.ID)
			if err != nil {
				return out, err
			}
			out = append(out, rep)
		}
	}
	return out, nil
}
