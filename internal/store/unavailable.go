package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// Unavailable reports whether err means the store cannot serve the request now, as
// opposed to refusing it: no server answers (the driver found none to send to, the
// connection broke or timed out), the client has been disconnected, the request's time
// ran out waiting for it, or the store cannot keep what is written (ErrUnavailable).
// It goes by the errors' types, never their wording. Errors from Write carry the kind
// problem.Unavailable already; reads go to the driver directly, so the error handler asks
// this of an error of no kind.
//
// The driver's ServerSelectionError (under its x/ path, which the mongo package itself
// returns) also covers a server found but unsuitable (an unsupported wire version, no
// primary), which no timeout check sees.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var selection topology.ServerSelectionError
	return errors.Is(err, ErrUnavailable) || errors.Is(err, mongo.ErrClientDisconnected) ||
		errors.Is(err, context.DeadlineExceeded) || mongo.IsNetworkError(err) || mongo.IsTimeout(err) ||
		errors.As(err, &selection)
}
