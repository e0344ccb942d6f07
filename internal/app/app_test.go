package app_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/store"
)

// Open starts the embedded store when no MongoDB is named, gives it the services'
// indexes, and opens the same files again after a close (as every command does).
func TestOpenTheEmbeddedStoreAgainAndAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := app.Config{DataDir: filepath.Join(t.TempDir(), "data"), Partnership: "Test Partnership"}
	for i := range 2 {
		a, err := app.Open(ctx, cfg)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if a.Store.Kind != store.KindEmbedded || a.Assurance == nil || a.Chase == nil || a.Links == nil || a.JOSO == nil || a.JOSO.SignIns == nil {
			t.Fatalf("open %d: %+v", i, a)
		}
		specs, err := a.Store.Collection("returns").Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range specs {
			names = append(names, s.Name)
		}
		if !slices.Contains(names, "round_urn") {
			t.Fatalf("open %d: returns has indexes %v, want round_urn beside _id", i, names)
		}
		if err := a.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
