package forms

import (
	"context"
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/storetest"
)

// benchListOpen is a store with an open round 2024-25 over n synthetic schools, its list
// read once.
func benchListOpen(b *testing.B, n int) *Rounds {
	ctx := context.Background()
	st := storetest.New(b)
	g := NewRegister(st)
	if _, err := g.Import(ctx, SyntheticExtract(n), ImportOptions{By: audit.CommandLine}); err != nil {
		b.Fatal(err)
	}
	rs := NewRounds(st, g)
	in := NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2024-12-13"}
	if _, err := rs.Create(ctx, audit.CommandLine, in); err != nil {
		b.Fatal(err)
	}
	if _, err := rs.Open(ctx, audit.CommandLine, in.Year); err != nil {
		b.Fatal(err)
	}
	if _, err := rs.returns.OfRound(ctx, in.Year); err != nil {
		b.Fatal(err)
	}
	return rs
}

// BenchmarkRoundListAfterAChange times a round list brought up to date after one return
// changed: named in the round's log (the returns' write path calling returnsChanged), or
// not (countChange), when the whole round is read again.
func BenchmarkRoundListAfterAChange(b *testing.B) {
	for _, named := range []bool{true, false} {
		name := map[bool]string{true: "named", false: "unnamed"}[named]
		b.Run(name, func(b *testing.B) {
			rs := benchListOpen(b, 1000)
			ctx := context.Background()
			for b.Loop() {
				var err error
				if named {
					err = rs.returns.returnsChanged(ctx, "2024-25", 100500)
				} else {
					err = rs.returns.countChange(ctx, "2024-25")
				}
				if err != nil {
					b.Fatal(err)
				}
				if _, err := rs.returns.OfRound(ctx, "2024-25"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
