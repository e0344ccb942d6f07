package forms_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"sync/atomic"
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

// BenchRound gives a store holding a register of n schools shaped like England (the demo
// county when n is 0) and a closed round 2022-23 in which nine in ten schools returned,
// with answers: one round of what `assure demo --schools n` builds.
func BenchRound(b testing.TB, n int) (*store.Store, *forms.Register, *forms.Rounds) {
	st := storetest.New(b)
	g := forms.NewRegister(st)
	ctx := context.Background()
	file := county.England(n) // the England-sized demo's register, as `assure demo --schools n` builds it
	if n == 0 {
		file = county.GIAS()
	}
	ex, err := forms.ReadGIAS(bytes.NewReader(file), nil)
	if err != nil {
		b.Fatal(err)
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

// peakHeap samples the heap in use while fn runs and returns the highest, in MiB.
func peakHeap(fn func()) float64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	return float64(peak.Load()) / (1 << 20)
}

// benchExport times the whole export as the Download button runs it: the figures, then
// every return read with its answers and streamed into the workbook. The round's lists are
// read once first, as a running service holds them (reading them cold is the dashboard's
// first view, benchmarked above).
func benchExport(b *testing.B, n int) {
	_, _, rs := BenchRound(b, n)
	ctx := context.Background()
	if _, err := rs.Report(ctx, "2022-23", time.Now()); err != nil {
		b.Fatal(err)
	}
	var worst float64
	for b.Loop() {
		p := peakHeap(func() {
			req := forms.ReturnsExport{Partnership: "Bench", Year: "2022-23", Format: forms.ReturnsWorkbook, Now: time.Now()}
			if _, err := rs.ExportReturns(ctx, audit.Actor{Name: "bench"}, req, io.Discard); err != nil {
				b.Fatal(err)
			}
		})
		worst = max(worst, p)
	}
	b.ReportMetric(worst, "peak-heap-MiB")
}

func BenchmarkExportReturnsCounty(b *testing.B) { benchExport(b, 0) }
func BenchmarkExportReturns24000(b *testing.B)  { benchExport(b, 24000) }
