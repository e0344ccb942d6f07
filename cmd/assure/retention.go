package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
)

func roundRetentionFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	years := fs.Int("years", forms.DefaultRetentionYears, "years after the deadline the answers are kept")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if err := a.Rounds.SetRetention(ctx, audit.CommandLine, *year, *years); err != nil {
			return err
		}
		r, err := a.Rounds.Get(ctx, *year)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Round %s: answers kept %d years after the deadline, purged from %s.\n", *year, *years, r.PurgeOn())
		return nil
	}
}

func returnsPurgeFlags(fs *flag.FlagSet) action {
	today := fs.String("today", "", "purge as on this day, yyyy-mm-dd (default: today)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		day := *today
		if day == "" {
			day = time.Now().In(academic.London).Format(time.DateOnly)
		}
		reps, err := a.purgeDue(ctx, day)
		for _, r := range reps {
			fmt.Fprintf(e.stdout, "Round %s: answers of %d returns and %d kept versions purged, %d links removed, %d emails emptied.\n", r.Round, r.Returns, r.Versions, r.Links, r.Emails)
		}
		if err == nil && len(reps) == 0 {
			fmt.Fprintln(e.stdout, "No round's retention has ended.")
		}
		return err
	}
}

// purgeDue purges the rounds whose retention has ended (their emails' kept copies too),
// each purge audited by the domain.
func (a *app) purgeDue(ctx context.Context, day string) ([]forms.PurgeReport, error) {
	return a.Assurance.PurgeDue(ctx, day)
}

// retentionOnSchedule runs the retention jobs hourly while the service runs: returns'
// answers purged when their round's retention ends, JOSO names anonymised on their
// year's date. Each runs under a store lock and marks what it did, so several instances
// can all run this and each job still happens once.
func retentionOnSchedule(ctx context.Context, a *app) {
	for {
		day := time.Now().In(academic.London).Format(time.DateOnly)
		if reps, err := a.JOSO.Anonymiser.Due(ctx, day); err != nil && ctx.Err() == nil {
			a.log.Warn("anonymising JOSO names", "err", err)
		} else if len(reps) > 0 {
			a.log.Info("anonymised JOSO names", "years", len(reps))
		}
		if reps, err := a.purgeDue(ctx, day); err != nil && ctx.Err() == nil {
			a.log.Warn("purging returns past their retention", "err", err)
		} else if len(reps) > 0 {
			a.log.Info("purged returns past their retention", "rounds", len(reps))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
