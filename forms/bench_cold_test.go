package forms_test

import (
	"context"
	"testing"
	"time"

	"github.com/lscp/assure/forms"
)

// benchFirstView times the dashboard's figures on their first view after a restart: the
// round has been viewed once (so the round's list is kept in the store, as by any service
// that has been used), then every iteration starts new services on the same store.
func benchFirstView(b *testing.B, n int) {
	st, g, rs := BenchRound(b, n)
	ctx := context.Background()
	if _, err := rs.Report(ctx, "2022-23", time.Now()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		fresh := forms.NewRounds(st, g)
		b.StartTimer()
		if _, err := fresh.Report(ctx, "2022-23", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDashboardFirstViewCounty(b *testing.B) { benchFirstView(b, 0) }
func BenchmarkDashboardFirstView24000(b *testing.B)  { benchFirstView(b, 24000) }
