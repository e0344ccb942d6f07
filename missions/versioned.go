package missions

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// update is how years, teams and activities change: read the document, refuse it if the
// person's form was based on another version (want; 0 for changes that do not depend on
// what anyone saw), apply change, and write it back with the next version only if nobody
// changed it in the meantime (else ErrConflict). version points at the document's
// version field.
func update[T any](ctx context.Context, p *Programme, c *mongo.Collection, id string, want int,
	read func(context.Context, string) (T, error), version func(*T) *int, change func(*T) error) (T, error) {
	doc, err := read(ctx, id)
	if err != nil {
		return doc, err
	}
	was := *version(&doc)
	if want != 0 && was != want {
		return doc, ErrConflict
	}
	if err := change(&doc); err != nil {
		return doc, err
	}
	*version(&doc) = was + 1
	replaced, err := p.st.ReplaceIfVersion(ctx, c, id, was, doc)
	if err != nil {
		return doc, fmt.Errorf("missions: updating %s %s: %w", c.Name(), id, err)
	}
	if !replaced {
		return doc, ErrConflict
	}
	return doc, nil
}
