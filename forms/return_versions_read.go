package forms

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// VersionsOf is a return's kept versions, oldest first, as Versions gives them, read
// each by its _id (the return's ID and ":v" and its number, 1 to Submissions): a filter
// on the return would decode every kept version of every round, answers and all, on the
// embedded store (seconds for a county's three rounds). Should one be missing, Versions
// reads them by the filter and keeps the missing one.
func (rs *Returns) VersionsOf(ctx context.Context, r Return) ([]ReturnVersion, error) {
	out := make([]ReturnVersion, 0, r.Submissions)
	for n := 1; n <= r.Submissions; n++ {
		var v ReturnVersion
		err := rs.versions.FindOne(ctx, bson.D{{Key: "_id", Value: r.ID + ":v" + strconv.Itoa(n)}}).Decode(&v)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return rs.Versions(ctx, r)
		}
		if err != nil {
			return nil, fmt.Errorf("returns: version %d of %s: %w", n, r.ID, err)
		}
		out = append(out, v)
	}
	return out, nil
}
