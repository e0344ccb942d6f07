package missions_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/joso"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/missions"
)

// The benchmarks run over the demo's years, made up by internal/demo/joso (which imports
// missions), so they live in this external package.

// demoProgramme is the demo's two years in a fresh store.
func demoProgramme(b *testing.B) *missions.Programme {
	b.Helper()
	st := storetest.New(b)
	p := missions.New(st, audit.New(st), mail.New(st, mail.SMTP{}), missions.Config{Partnership: "Test LSCP", PublicURL: "http://assure.test"})
	var schools []missions.SchoolRef
	for i := range 40 {
		schools = append(schools, missions.SchoolRef{URN: 130000 + i, Name: fmt.Sprintf("School %02d", i)})
	}
	if err := joso.Load(context.Background(), p, schools, "demo", "2026-01-01"); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkYearFigures is the partnership's year page and workbook: every team, activity
// and ledger entry of the demo's 2022-23 (28 schools) read and tallied.
func BenchmarkYearFigures(b *testing.B) {
	p := demoProgramme(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Figures.Of(context.Background(), "2022-23"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLogAndApprove is one activity logged, sent and approved (three ledger entries)
// in a year that already holds the demo's.
func BenchmarkLogAndApprove(b *testing.B) {
	ctx := context.Background()
	p := demoProgramme(b)
	team := missions.TeamID("2022-23", 130005)
	b.ResetTimer()
	for b.Loop() {
		a, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team, "", 0, missions.ActivityInput{Type: "m5-a1", Date: "2023-03-01", WholeTeam: true,
			Audiences: []string{missions.AudienceKS1, missions.AudienceKS2}, Reach: 90, Description: "Assembly"}, true)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin"}, a.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify rebuilds 2022-23's totals from its ledger and compares them with the cache.
func BenchmarkVerify(b *testing.B) {
	p := demoProgramme(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Ledger.Verify(context.Background(), audit.Actor{Name: "test"}, "2022-23", false); err != nil {
			b.Fatal(err)
		}
	}
}
