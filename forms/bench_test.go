package forms

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

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

// BenchRound gives a store holding a register of n schools (the demo county when n is
// 0) and a closed round 2022-23 in which nine in ten schools returned, with answers.
func BenchRound(b testing.TB, n int) *Rounds {
	st := storetest.New(b)
	g := NewRegister(st)
	ctx := context.Background()
	ex := syntheticExtract(n)
	if n == 0 {
		var err error
		if ex, err = ReadGIAS(bytes.NewReader(DemoGIAS()), nil); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := g.Import(ctx, ex, ImportOptions{Actor: "bench"}); err != nil {
		b.Fatal(err)
	}
	rs := NewRounds(st, g)
	schools, _, err := g.List(ctx, SchoolFilter{Status: StatusOpen})
	if err != nil {
		b.Fatal(err)
	}
	def, _ := DefaultDefinition()
	counts := map[demoTarget]int{}
	for _, s := range schools {
		counts[demoTarget{phase: s.Phase, governance: s.Governance}]++
	}
	sp := demoRoundSpec{year: "2022-23", opens: "2022-10-03", deadline: "2022-12-16", state: RoundClosed}
	for k, c := range counts {
		sp.targets = append(sp.targets, demoTarget{phase: k.phase, governance: k.governance, returned: c * 9 / 10})
	}
	if err := demoRound(ctx, rs, sp, *def, schools); err != nil {
		b.Fatal(err)
	}
	return rs
}

func benchReport(b *testing.B, n int) {
	rs := BenchRound(b, n)
	for b.Loop() {
		if _, err := rs.Report(context.Background(), "2022-23", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoundReportCounty(b *testing.B) { benchReport(b, 0) }
func BenchmarkRoundReport24000(b *testing.B)  { benchReport(b, 24000) }
