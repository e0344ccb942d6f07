package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ReplaceIfVersion replaces the document whose _id is id with doc, but only if its
// "version" field is still version (optimistic concurrency), and reports whether it did.
//
// MongoDB checks both in one filter. The embedded store scans the whole collection for
// any filter but a bare _id (about 90 ms an update on a collection of a few hundred
// documents), so there the check and the replace run under the store's write lock, which
// already makes the pair atomic for the one process that owns the SQLite files.
func (s *Store) ReplaceIfVersion(ctx context.Context, c *mongo.Collection, id any, version int, doc any) (bool, error) {
	var replaced bool
	err := s.Write(ctx, func(ctx context.Context) error {
		replaced = false
		if s.writeMu == nil {
			res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}, doc)
			if err == nil {
				replaced = res.MatchedCount == 1
			}
			return err
		}
		var cur struct {
			Version int `bson:"version"`
		}
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&cur)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		if err != nil || cur.Version != version {
			return err
		}
		res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc)
		if err == nil {
			replaced = res.MatchedCount == 1
		}
		return err
	})
	return replaced, err
}
