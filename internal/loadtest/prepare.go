package loadtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo"
	"github.com/lscp/assure/missions"
)

// Sizes are how many people a load test runs and what they do.
type Sizes struct {
	// Schools is the county's size: 0 is the demo county (386 schools), any other number
	// a county of that many built on it (importCounty).
	Schools int
	// Governors is how many schools' governors get a link; 0 is every school in the round.
	Governors, Teachers int
	Activities          int // each teacher logs and sends for approval
	Downloads           int // of the returns workbook by the admin
}

// Prepare fills a fresh store, through the services a opens, with the county, a
// round of the academic year of now, open, with a link for each governor, the demo JOSO
// year with a sign-in link for each teacher, and an admin. The plan's BaseURL is left for
// the caller, who starts the server.
func Prepare(ctx context.Context, a *app.App, sz Sizes, now time.Time) (Plan, error) {
	p := Plan{JOSOYear: "2022-23"}
	if err := fillRegister(ctx, a, sz.Schools); err != nil {
		return p, err
	}
	if _, err := demo.JOSO(ctx, a, now); err != nil {
		return p, err
	}
	if err := p.openRound(ctx, a, sz, now); err != nil {
		return p, err
	}
	if err := p.signInTeachers(ctx, a, sz, now); err != nil {
		return p, err
	}
	password := accounts.GeneratePassword()
	if _, err := a.Accounts.Create(ctx, audit.System, "loadtest.admin@example.org", password); err != nil {
		return p, err
	}
	p.Admin = &AdminPlan{Email: "loadtest.admin@example.org", Password: password, Round: p.Round, Downloads: sz.Downloads}
	return p, nil
}

// fillRegister imports the demo county (n = 0) or a county of n schools into an empty store.
func fillRegister(ctx context.Context, a *app.App, n int) error {
	if n > 0 {
		return importCounty(ctx, a, n)
	}
	_, err := demo.County(ctx, a, "demo county", "loadtest")
	if errors.Is(err, demo.ErrNotEmpty) {
		return errNotEmpty
	}
	return err
}

// openRound creates and opens the round of now's academic year (opened a week ago, its
// deadline 20 days away) and gives the governors of the first sz.Governors schools their
// links (every school's when sz.Governors is 0).
func (p *Plan) openRound(ctx context.Context, a *app.App, sz Sizes, now time.Time) error {
	today := now.In(academic.London)
	start := today.Year()
	if today.Month() < time.August {
		start--
	}
	p.Round = fmt.Sprintf("%d-%02d", start, (start+1)%100)
	round, err := a.Rounds.Create(ctx, audit.CommandLine, forms.NewRoundInput{Year: p.Round, Opens: today.AddDate(0, 0, -7).Format(time.DateOnly),
		Deadline: today.AddDate(0, 0, 20).Format(time.DateOnly)})
	if err != nil {
		return err
	}
	if round, err = a.Rounds.Open(ctx, audit.CommandLine, p.Round); err != nil {
		return err
	}
	// The officer's mail merge: every expected school's link at once (made when the round
	// opened), rather than a link reissued school by school.
	links, err := a.Links.IssueLinks(ctx, audit.CommandLine, forms.LinksRequest{Year: p.Round})
	if err != nil {
		return err
	}
	n := cmp.Or(sz.Governors, len(links))
	if len(links) < n {
		return fmt.Errorf("the county has %d schools in the round; ask for at most that many governors", len(links))
	}
	schools, _, err := a.Register.List(ctx, forms.SchoolFilter{}) // the round's list leaves out the schools' records
	if err != nil {
		return err
	}
	record := map[int]forms.Record{}
	for _, s := range schools {
		record[s.URN] = s.Record
	}
	for _, l := range links[:n] {
		p.Governors = append(p.Governors, GovernorPlan{URN: l.URN, Token: l.Token, Sections: round.Definition.For(record[l.URN])})
	}
	return nil
}

// signInTeachers gives the link teachers of the first sz.Teachers released teams of the
// JOSO year a sign-in link each.
func (p *Plan) signInTeachers(ctx context.Context, a *app.App, sz Sizes, now time.Time) error {
	y, err := a.JOSO.Catalogue.Year(ctx, p.JOSOYear)
	if err != nil {
		return err
	}
	teams, err := a.JOSO.Teams.OfYear(ctx, p.JOSOYear)
	if err != nil {
		return err
	}
	teams = slices.DeleteFunc(teams, func(t missions.Team) bool { return !t.Released(y) })
	// Activities fall inside the programme year: its last day, or today if the year is still running.
	_, lastDay := y.Dates()
	last, _ := time.Parse(time.DateOnly, lastDay)
	day := now.In(academic.London)
	if day.After(last) {
		day = last
	}
	for _, t := range teams[:min(sz.Teachers, len(teams))] {
		tok, _, err := a.JOSO.SignIns.NewLink(ctx, t.ID, 2*time.Hour)
		if err != nil {
			return err
		}
		p.Teachers = append(p.Teachers, TeacherPlan{URN: t.URN, Token: tok, Activity: y.Missions[0].Activities[0].ID, Activities: sz.Activities, Date: day})
	}
	return nil
}
