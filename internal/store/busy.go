package store

import (
	"context"
	"fmt"
	"time"
)

// retryBusy runs op, and again with a growing pause while SQLite calls it busy, up to
// maxBusyRetries times. op must be safe to repeat: a busy error means SQLite rolled the
// attempt back.
func retryBusy(ctx context.Context, op func(ctx context.Context) error) error {
	backoff := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := op(ctx)
		if err == nil || !IsBusy(err) || attempt == maxBusyRetries {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("store: write still busy when the request ended: %w", err)
		case <-time.After(backoff):
		}
		if backoff < 500*time.Millisecond {
			backoff *= 2
		}
	}
}
