package missions

import (
	"context"
	"errors"
	"testing"

	"github.com/lscp/assure/internal/audit"
)

// awarded nominates each of josos ("" for the whole team) and awards every nomination.
func awarded(t *testing.T, p *Programme, team Team, josos ...string) Team {
	t.Helper()
	ctx := context.Background()
	var err error
	for _, joso := range josos {
		if team, err = p.Teams.Nominate(ctx, tester, team.ID, 0, DefaultCategories[0], joso, "Led every assembly"); err != nil {
			t.Fatal(err)
		}
		if team, err = p.Teams.Decide(ctx, audit.Actor{Name: "admin@lscp.example"}, team.ID, team.Nominations[len(team.Nominations)-1].ID, DecisionAwarded); err != nil {
			t.Fatal(err)
		}
	}
	return team
}

func TestCertificatesOfAYearASchoolAndOneNomination(t *testing.T) {
	ctx := context.Background()
	p, team := liveTeam(t)
	team = awarded(t, p, team, "j1", "")
	other, err := p.Teams.Enrol(ctx, tester, "2022-23", SchoolRef{URN: 120002, Name: "Kirton Primary"}, "x@kirton.example", "Kim Lee")
	if err != nil {
		t.Fatal(err)
	}
	awarded(t, p, other, "")
	for _, c := range []struct {
		name       string
		urn        int
		nomination string
		want       int
	}{{"the year", 0, "", 2 + 1}, {"one school", 120001, "", 2}, {"one nomination", 120001, team.Nominations[0].ID, 1}} {
		certs, err := p.Teams.Certificates(ctx, tester, CertificateFilter{Year: "2022-23", URN: c.urn, Nomination: c.nomination})
		if err != nil || len(certs) != c.want {
			t.Errorf("%s: %d certificates (%v), want %d", c.name, len(certs), err, c.want)
		}
	}
	if _, err := p.Teams.Certificates(ctx, tester, CertificateFilter{Year: "2022-23", URN: 999999}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a school not taking part: %v, want ErrNotFound", err)
	}
}
