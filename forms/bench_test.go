package forms

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/lscp/assure/internal/storetest"
)

// syntheticExtract is n open primary schools, for measuring cost as the register grows
// (a county is about 400 schools, England about 24,000).
func syntheticExtract(n int) *Extract {
	ex := &Extract{Total: n, Skipped: map[string]int{}}
	for i := range n {
		ex.Rows = append(ex.Rows, GIASRow{Line: i + 2, Record: Record{
			URN: 100000 + i, Name: fmt.Sprintf("School %05d Primary", i), LACode: fmt.Sprint(800 + i%150), LAName: "Somewhere",
			Type: "Community school", TypeGroup: "Local authority maintained schools", GIASStatus: "Open", GIASPhase: "Primary",
			Phase: PhasePrimary, Governance: GovMaintained, Status: StatusOpen, LowAge: 4, HighAge: 11,
			District: fmt.Sprintf("District %d", i%300), LastChanged: "2024-09-01",
		}})
	}
	return ex
}

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
	ex := syntheticExtract(n)
	for b.Loop() {
		b.StopTimer()
		g := NewRegister(storetest.New(b))
		b.StartTimer()
		if _, err := g.Import(context.Background(), ex, ImportOptions{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFirstImport400(b *testing.B)   { benchFirstImport(b, 400) }
func BenchmarkFirstImport24000(b *testing.B) { benchFirstImport(b, 24000) }

func benchReimport(b *testing.B, n int) {
	ex := syntheticExtract(n)
	g := NewRegister(storetest.New(b))
	if _, err := g.Import(context.Background(), ex, ImportOptions{Actor: "bench"}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := g.Import(context.Background(), ex, ImportOptions{Actor: "bench"})
		if err != nil || rep.Changed() {
			b.Fatal(err, rep)
		}
	}
}

func BenchmarkReimportUnchanged400(b *testing.B)   { benchReimport(b, 400) }
func BenchmarkReimportUnchanged24000(b *testing.B) { benchReimport(b, 24000) }

func benchListPage(b *testing.B, n int) {
	g := NewRegister(storetest.New(b))
	if _, err := g.Import(context.Background(), syntheticExtract(n), ImportOptions{Actor: "bench"}); err != nil {
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
