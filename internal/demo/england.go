package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/demo/rounds"
)

// EnglandLoaded is what LoadEngland put in the store, and how long each part took.
type EnglandLoaded struct {
	Schools  int           // schools registered
	Past     []string      // the closed rounds, nine in ten returned with full answers
	Live     forms.Round   // the open round, about half returned so far
	Returns  int           // returns brought in, over every round
	Password string        // the demo admin's, or empty when the account already existed
	Register time.Duration // reading the GIAS file and importing it
	Rounds   time.Duration // bringing the rounds in
}

// EnglandRounds are the closed rounds of an England-sized demo.
var EnglandRounds = []string{"2021-22", "2022-23"}

// LoadEngland fills an empty store with a register of n schools made up in the shape of
// England (county.England), imported through the real GIAS importer; two closed rounds in
// which nine in ten schools returned with every answer, and a live one as of now, all
// brought in through Rounds.LoadPast, which writes returns in bulk; and the demo admin.
// It is for measuring the service at England's scale (24,000 schools).
func LoadEngland(ctx context.Context, a *app.App, n int, now time.Time) (EnglandLoaded, error) {
	var l EnglandLoaded
	if n < 1 || n > forms.MaxGIASRows {
		return l, fmt.Errorf("demo: %d schools: give between 1 and %d", n, forms.MaxGIASRows)
	}
	switch have, err := a.Register.Count(ctx); {
	case err != nil:
		return l, err
	case have > 0:
		return l, ErrNotEmpty
	}
	start := time.Now()
	ex, err := forms.ReadGIAS(bytes.NewReader(county.England(n)), nil)
	if err != nil {
		return l, fmt.Errorf("demo: %w", err)
	}
	rep, err := a.Register.Import(ctx, ex, forms.ImportOptions{File: fmt.Sprintf("England-sized demo (%d synthetic schools)", n), By: by})
	if err != nil {
		return l, fmt.Errorf("demo: %w", err)
	}
	l.Schools, l.Register = rep.Added, time.Since(start)
	start = time.Now()
	for _, year := range EnglandRounds {
		if err := rounds.Full(ctx, a.Register, a.Rounds, by, year); err != nil {
			return l, fmt.Errorf("demo round %s: %w", year, err)
		}
		l.Past = append(l.Past, year)
	}
	if l.Live, err = rounds.Live(ctx, a.Register, a.Rounds, by, now); err != nil {
		return l, fmt.Errorf("demo: %w", err)
	}
	l.Rounds = time.Since(start)
	for _, year := range append(l.Past, l.Live.ID) {
		r, err := a.Rounds.Get(ctx, year)
		if err != nil {
			return l, err
		}
		l.Returns += r.Expected
	}
	l.Password = accounts.GeneratePassword()
	_, err = a.Accounts.Create(ctx, audit.System, AdminEmail, l.Password)
	switch {
	case errors.Is(err, accounts.ErrExists):
		l.Password = ""
	case err != nil:
		return l, fmt.Errorf("demo: %w", err)
	}
	return l, a.Audit.Record(ctx, audit.Entry{Actor: "system", Action: audit.ActionDemoLoaded, Detail: fmt.Sprintf("%d England-sized demo schools", n)})
}
