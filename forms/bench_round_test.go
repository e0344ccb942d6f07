package forms_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/demo/rounds"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

// The dashboard's benchmarks need a round with answers, made up by internal/demo/rounds
// (which imports forms), so they live in this external package.

// BenchRound gives a store holding a register of n schools (the demo county when n is
// 0) and a closed round 2022-23 in which nine in ten schools returned, with answers.
func BenchRound(b testing.TB, n int) (*store.Store, *forms.Register, *forms.Rounds) {
	st := storetest.New(b)
	g := forms.NewRegister(st)
	ctx := context.Background()
	ex := forms.SyntheticExtract(n)
	if n == 0 {
		var err error
		if ex, err = forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := g.Import(ctx, ex, forms.ImportOptions{By: audit.Actor{Name: "bench"}}); err != nil {
		b.Fatal(err)
	}
	rs := forms.NewRounds(st, g)
	if err := rounds.Full(ctx, g, rs, audit.Actor{Name: "bench"}, "2022-23"); err != nil {
		b.Fatal(err)
	}
	return st, g, rs
}

// benchReport times the dashboard's figures: cold is the first view after a return
// changed (the round is read from the store), warm a view with nothing changed since.
func benchReport(b *testing.B, n int, warm bool) {
	st, g, rs := BenchRound(b, n)
	for b.Loop() {
		if !warm {
			rs = forms.NewRounds(st, g)
		}
		if _, err := rs.Report(context.Background(), "2022-23", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDashboardCountyCold(b *testing.B) { benchReport(b, 0, false) }
func BenchmarkDashboardCountyWarm(b *testing.B) { benchReport(b, 0, true) }
func BenchmarkDashboard24000Cold(b *testing.B)  { benchReport(b, 24000, false) }
func BenchmarkDashboard24000Warm(b *testing.B)  { benchReport(b, 24000, true) }
