package missions

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lscp/assure/internal/audit"
)

// Nomination decisions.
const (
	DecisionPending  = "pending"
	DecisionAwarded  = "awarded"
	DecisionDeclined = "declined"
)

// Nomination is a link teacher's nomination of a JOSO (or the whole team, JOSO "") for a
// celebration category, and the partnership's decision.
type Nomination struct {
	ID        string    `bson:"id"`
	Category  string    `bson:"category"`
	JOSO      string    `bson:"joso"`
	Reason    string    `bson:"reason"`
	Decision  string    `bson:"decision"`
	Nominated time.Time `bson:"nominated"`
	DecidedBy string    `bson:"decided_by,omitempty"`
	Decided   time.Time `bson:"decided,omitempty"`
}

// Nominate records a nomination.
func (ts *Teams) Nominate(ctx context.Context, by audit.Actor, team string, version int, category, joso, reason string) (Team, error) {
	y, err := ts.years.ofTeam(ctx, team)
	if err != nil {
		return Team{}, err
	}
	if !y.Open() {
		return Team{}, ErrYearState
	}
	var errs ValidationErrors
	if !slices.Contains(y.Categories, category) {
		errs = append(errs, FieldError{Field: "category", Message: "Choose a category"})
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n == 0 || n > 500 {
		errs = append(errs, FieldError{Field: "reason", Message: "Say why, in up to 500 characters"})
	}
	if len(errs) > 0 {
		return Team{}, errs
	}
	t, err := ts.teams.update(ctx, team, version, func(t *Team) error {
		if joso != "" {
			if j, ok := t.JOSO(joso); !ok || j.Withdrawn {
				return ValidationErrors{{Field: "joso", Message: "Choose a JOSO of this team, or the whole team"}}
			}
		}
		t.Nominations = append(t.Nominations, Nomination{ID: "n" + strconv.Itoa(t.NextID), Category: category, JOSO: joso,
			Reason: reason, Decision: DecisionPending, Nominated: time.Now().UTC()})
		t.NextID++
		return nil
	})
	if err == nil {
		record(ctx, ts.log, by, audit.ActionJOSONominated, team, category)
	}
	return t, err
}

// Decide records the partnership's decision on a nomination.
func (ts *Teams) Decide(ctx context.Context, by audit.Actor, team, nomination, decision string) (Team, error) {
	if decision != DecisionAwarded && decision != DecisionDeclined && decision != DecisionPending {
		return Team{}, fmt.Errorf("%w: unknown decision", ErrInvalid)
	}
	t, err := ts.teams.update(ctx, team, 0, func(t *Team) error {
		i := slices.IndexFunc(t.Nominations, func(n Nomination) bool { return n.ID == nomination })
		if i < 0 {
			return ErrNotFound
		}
		t.Nominations[i].Decision, t.Nominations[i].DecidedBy, t.Nominations[i].Decided = decision, by.Name, time.Now().UTC()
		return nil
	})
	if err == nil {
		record(ctx, ts.log, by, audit.ActionJOSODecided, team, nomination+" "+decision)
	}
	return t, err
}

// CertificateLine is one certificate to print. Name is empty when the JOSO's consent does
// not allow their name on a certificate (or it is the team's award).
type CertificateLine struct {
	Nomination                   string
	Name, Category, School, Year string
	Team                         bool
}

// Certificates are the certificates for a team's awarded nominations, in order.
func (t Team) Certificates() []CertificateLine {
	var out []CertificateLine
	for _, n := range t.awarded() {
		c := CertificateLine{Nomination: n.ID, Category: n.Category, School: t.School, Year: t.Year, Team: n.JOSO == ""}
		if j, ok := t.JOSO(n.JOSO); ok && j.Consent.Certificate && !j.Anonymised {
			c.Name = j.Name
		}
		out = append(out, c)
	}
	return out
}

// awarded are the team's nominations the partnership has awarded, in order.
func (t Team) awarded() []Nomination {
	return slices.DeleteFunc(slices.Clone(t.Nominations), func(n Nomination) bool { return n.Decision != DecisionAwarded })
}

// CelebrationName is how a JOSO appears at the celebration: their name if consent
// allows, else nothing.
func (j JOSO) CelebrationName() string {
	if j.Consent.Celebration && !j.Anonymised {
		return j.Name
	}
	return ""
}

// CertificateFilter picks certificates: a year's, one school's (URN not 0), or one
// nomination's of that school.
type CertificateFilter struct {
	Year       string
	URN        int
	Nomination string
}

// Certificates lists the awarded certificates the filter picks, school by school, and
// audits their making.
func (ts *Teams) Certificates(ctx context.Context, by audit.Actor, f CertificateFilter) ([]CertificateLine, error) {
	var teams []Team
	if f.URN != 0 {
		t, err := ts.teams.get(ctx, TeamID(f.Year, f.URN))
		if err != nil {
			return nil, fmt.Errorf("school %d in %s: %w", f.URN, f.Year, err)
		}
		teams = append(teams, t)
	} else {
		var err error
		if teams, err = ts.teams.ofYear(ctx, f.Year); err != nil {
			return nil, err
		}
	}
	var out []CertificateLine
	for _, t := range teams {
		for _, c := range t.Certificates() {
			if f.Nomination == "" || f.Nomination == c.Nomination {
				out = append(out, c)
			}
		}
	}
	detail := fmt.Sprintf("%d certificates", len(out))
	if f.URN != 0 {
		detail += " " + strconv.Itoa(f.URN)
	}
	record(ctx, ts.log, by, audit.ActionJOSOCertificate, f.Year, detail)
	return out, nil
}

// CelebratedSchool is one school's part of the celebration: what it did, and its JOSOs,
// named only where consent allows.
type CelebratedSchool struct {
	School     string
	Activities int // approved
	XP         int
	Band       string
	Missions   []string // missions with an approved activity, by the newest activity first
	Awards     []CelebratedAward
	Named      []string // active JOSOs whose consent lets the celebration name them
	Unnamed    int      // and how many it may not name
}

// CelebratedAward is an award as the celebration shows it.
type CelebratedAward struct {
	Category, Who string
}

// Celebrated is the year's celebration: every school with an approved activity, in the
// figures' order, from the figures and the year's activities (newest first).
func Celebrated(f YearFigures, acts []Activity) []CelebratedSchool {
	var out []CelebratedSchool
	for _, st := range f.Standings {
		if st.Activities == 0 {
			continue
		}
		cs := CelebratedSchool{School: st.Team.School, Activities: st.Activities, XP: st.XP, Band: st.Band, Awards: st.Team.celebratedAwards()}
		for _, a := range acts {
			if _, ok := a.Current(); ok && a.Team == st.Team.ID {
				m, _, _ := f.Year.ActivityType(a.Type)
				if !slices.Contains(cs.Missions, m.Title) {
					cs.Missions = append(cs.Missions, m.Title)
				}
			}
		}
		for _, j := range st.Team.Active() {
			if n := j.CelebrationName(); n != "" {
				cs.Named = append(cs.Named, n)
			} else {
				cs.Unnamed++
			}
		}
		out = append(out, cs)
	}
	return out
}

// celebratedAwards are the team's awards, each naming its JOSO only if consent allows
// ("A JOSO" otherwise), or the team.
func (t Team) celebratedAwards() []CelebratedAward {
	var out []CelebratedAward
	for _, n := range t.awarded() {
		who := "The JOSO team"
		if j, ok := t.JOSO(n.JOSO); ok {
			who = "A JOSO"
			if name := j.CelebrationName(); name != "" {
				who = name
			}
		}
		out = append(out, CelebratedAward{Category: n.Category, Who: who})
	}
	return out
}
