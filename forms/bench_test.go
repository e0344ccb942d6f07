package forms

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/storetest"
)

func BenchmarkReadGIASFixture(b *testing.B) {
	data := readFixture(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadGIAS(bytes.NewReader(data), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFirstImport(b *testing.B, n int) {
	ex := SyntheticExtract(n)
	for b.Loop() {
		b.StopTimer()
		g := NewRegister(storetest.New(b))
		b.StartTimer()
		if _, err := g.Import(context.Background(), ex, ImportOptions{By: audit.Actor{Name: "bench"}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFirstImport400(b *testing.B)   { benchFirstImport(b, 400) }
func BenchmarkFirstImport24000(b *testing.B) { benchFirstImport(b, 24000) }

func benchReimport(b *testing.B, n int) {
	ex := SyntheticExtract(n)
	g := NewRegister(storetest.New(b))
	if _, err := g.Import(context.Background(), ex, ImportOptions{By: audit.Actor{Name: "bench"}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := g.Import(context.Background(), ex, ImportOptions{By: audit.Actor{Name: "bench"}})
		if err != nil || rep.Changed() {
			b.Fatal(err, rep)
		}
	}
}

func BenchmarkReimportUnchanged400(b *testing.B)   { benchReimport(b, 400) }
func BenchmarkReimportUnchanged24000(b *testing.B) { benchReimport(b, 24000) }

func benchListPage(b *testing.B, n int) {
	g := NewRegister(storetest.New(b))
	if _, err := g.Import(context.Background(), SyntheticExtract(n), ImportOptions{By: audit.Actor{Name: "bench"}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := g.List(context.Background(), SchoolFilter{Phase: PhasePrimary, Limit: 50, Offset: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRegisterPage400(b *testing.B)   { benchListPage(b, 400) }
func BenchmarkRegisterPage24000(b *testing.B) { benchListPage(b, 24000) }

// BenchRound gives a store holding a register of n schools (the demo county when n is
// 0) and a closed round 2022-23 in which nine in ten schools returned, with answers.
func BenchRound(b testing.TB, n int) *Rounds {
	st := storetest.New(b)
	g := NewRegister(st)
	ctx := context.Background()
	ex := SyntheticExtract(n)
	if n == 0 {
		var err error
		if ex, err = ReadGIAS(bytes.NewReader(DemoGIAS()), nil); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := g.Import(ctx, ex, ImportOptions{By: audit.Actor{Name: "bench"}}); err != nil {
		b.Fatal(err)
	}
	rs := NewRounds(st, g)
	if err := DemoFullRound(ctx, rs, "2022-23"); err != nil {
		b.Fatal(err)
	}
	return rs
}

// benchReport times the dashboard's figures: cold is the first view after a return
// changed (the round is read from the store), warm a view with nothing changed since.
func benchReport(b *testing.B, n int, warm bool) {
	rs := BenchRound(b, n)
	for b.Loop() {
		if !warm {
			rs = NewRounds(rs.st, rs.register)
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
