package forms

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
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

// englandExtract is the England-sized demo's register of n schools (county.England), as
// read from its GIAS file: the benchmarks measure what `assure demo --schools n` builds.
func englandExtract(b *testing.B, n int) *Extract {
	ex, err := ReadGIAS(bytes.NewReader(county.England(n)), nil)
	if err != nil {
		b.Fatal(err)
	}
	return ex
}

func benchFirstImport(b *testing.B, n int) {
	ex := englandExtract(b, n)
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

// benchReimport times importing the whole register again: unchanged, or with every
// school changed (renamed), which writes a whole new generation, history and snapshot.
func benchReimport(b *testing.B, n int, changed bool) {
	ex := englandExtract(b, n)
	g := NewRegister(storetest.New(b))
	if _, err := g.Import(context.Background(), ex, ImportOptions{By: audit.Actor{Name: "bench"}}); err != nil {
		b.Fatal(err)
	}
	round := 0
	for b.Loop() {
		if changed {
			b.StopTimer()
			round++
			for i := range ex.Rows {
				ex.Rows[i].Record.Name = fmt.Sprintf("%s %d", strings.TrimRight(ex.Rows[i].Record.Name, " 0123456789"), round)
			}
			b.StartTimer()
		}
		rep, err := g.Import(context.Background(), ex, ImportOptions{By: audit.Actor{Name: "bench"}})
		if err != nil || rep.Changed() != changed {
			b.Fatal(err, rep)
		}
	}
}

func BenchmarkReimportUnchanged400(b *testing.B)   { benchReimport(b, 400, false) }
func BenchmarkReimportUnchanged24000(b *testing.B) { benchReimport(b, 24000, false) }
func BenchmarkReimportChanged24000(b *testing.B)   { benchReimport(b, 24000, true) }

// benchListPage times one register page, a filter's second page: cold is the first view
// on an instance just started (the register read from its snapshot), warm the next.
func benchListPage(b *testing.B, n int, cold bool) {
	st := storetest.New(b)
	g := NewRegister(st)
	if _, err := g.Import(context.Background(), englandExtract(b, n), ImportOptions{By: audit.Actor{Name: "bench"}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if cold {
			g = NewRegister(st)
		}
		if _, _, err := g.List(context.Background(), SchoolFilter{Phase: PhasePrimary, Limit: 50, Offset: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRegisterPage400(b *testing.B)       { benchListPage(b, 400, false) }
func BenchmarkRegisterPage24000(b *testing.B)     { benchListPage(b, 24000, false) }
func BenchmarkRegisterPage24000Cold(b *testing.B) { benchListPage(b, 24000, true) }
