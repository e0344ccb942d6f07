package missions

import (
	"context"
	"fmt"
	"testing"

	"github.com/lscp/assure/internal/audit"
)

// demoProgramme is the demo's two years in a fresh store.
func demoProgramme(b *testing.B) *Programme {
	b.Helper()
	p := newProgramme(b)
	var schools []SchoolRef
	for i := range 40 {
		schools = append(schools, SchoolRef{URN: 130000 + i, Name: fmt.Sprintf("School %02d", i)})
	}
	if err := Demo(context.Background(), p, schools, "demo", "2026-01-01"); err != nil {
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
	team := TeamID("2022-23", 130005)
	b.ResetTimer()
	for b.Loop() {
		a, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team, "", 0, ActivityInput{Type: "m5-a1", Date: "2023-03-01", WholeTeam: true,
			Audiences: []string{AudienceKS1, AudienceKS2}, Reach: 90, Description: "Assembly"}, true)
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
		if _, err := p.Ledger.Verify(context.Background(), tester, "2022-23", false); err != nil {
			b.Fatal(err)
		}
	}
}
