package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func optionsIndex() *options.IndexOptionsBuilder { return options.Index() }

// Index is one index a collection should have; Name is required so it can be found again.
type Index struct {
	Name  string
	Model mongo.IndexModel
}

// EnsureIndexes creates the indexes a collection lacks, by name, and leaves the rest alone.
// Asking again for an index that exists is normal against MongoDB, but the embedded
// FerretDB v1.24 drops the connection when an existing index is created again after a
// restart, so existing ones are listed first and skipped.
func (s *Store) EnsureIndexes(ctx context.Context, c *mongo.Collection, want []Index) error {
	specs, err := c.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("store: listing indexes of %s: %w", c.Name(), err)
	}
	have := map[string]bool{}
	for _, sp := range specs {
		have[sp.Name] = true
	}
	for _, ix := range want {
		if have[ix.Name] {
			continue
		}
		m := ix.Model
		if m.Options == nil {
			m.Options = optionsIndex()
		}
		m.Options.SetName(ix.Name)
		err := s.Write(ctx, func(ctx context.Context) error {
			_, err := c.Indexes().CreateOne(ctx, m)
			return err
		})
		if err != nil {
			return fmt.Errorf("store: creating index %s on %s: %w", ix.Name, c.Name(), err)
		}
	}
	return nil
}
