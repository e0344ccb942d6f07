package exports

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
	"github.com/lscp/assure/internal/storetest"
)

// benchStore is a register of n schools (the demo county when n is 0) with a closed
// round in which nine in ten returned, with answers.
func benchStore(b *testing.B, n int) *forms.Rounds {
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
	return rs
}

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

// benchWorkbook times the whole export as the Download button runs it: the figures, then
// every return read with its answers and streamed into the workbook.
func benchWorkbook(b *testing.B, n int) {
	rs := benchStore(b, n)
	ctx := context.Background()
	var worst float64
	for b.Loop() {
		p := peakHeap(func() {
			rep, err := rs.Report(ctx, "2022-23", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			each := func(fn func(forms.Return) error) error { return rs.EachReturn(ctx, "2022-23", true, fn) }
			if err := WriteReturnsWorkbook(io.Discard, ReturnsInput{Partnership: "Bench", Report: rep, Each: each, Now: time.Now()}); err != nil {
				b.Fatal(err)
			}
		})
		worst = max(worst, p)
	}
	b.ReportMetric(worst, "peak-heap-MiB")
}

func BenchmarkWorkbookCounty(b *testing.B) { benchWorkbook(b, 0) }
func BenchmarkWorkbook24000(b *testing.B)  { benchWorkbook(b, 24000) }
