package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/demo/joso"
	"github.com/lscp/assure/internal/demo/rounds"
	"github.com/lscp/assure/missions"
)

// by is who loads the demo's rounds and JOSO years, as the audit log and the JOSO
// programme's records name them.
var by = audit.Actor{Name: "demo"}

// AdminEmail is the demo's admin account.
const AdminEmail = "demo.admin@example.org"

// ErrNotEmpty is a store that already holds a schools register: the demo loads only into
// an empty one.
var ErrNotEmpty = errors.New("the store already holds a schools register; the demo loads only into an empty store")

// Loaded is what Load put in the store.
type Loaded struct {
	Schools int         // schools of the demo county
	Live    forms.Round // the live round
	// JOSOSchools take part in the JOSO programme; the first one's link teacher is the
	// one to sign in as.
	JOSOSchools []missions.SchoolRef
	// Password is the new demo admin's, or empty when the account already existed.
	Password string
}

// Load imports the demo county, adds its rounds and JOSO years as of now, and creates the
// demo admin with a fresh random password.
func Load(ctx context.Context, a *app.App, now time.Time) (Loaded, error) {
	var l Loaded
	added, err := County(ctx, a, "demo county (synthetic GIAS extract)", "demo")
	if err != nil {
		return l, err
	}
	l.Schools = added
	if err := rounds.Past(ctx, a.Register, a.Rounds, by); err != nil {
		return l, fmt.Errorf("demo: %w", err)
	}
	if l.Live, err = rounds.Live(ctx, a.Register, a.Rounds, by, now); err != nil {
		return l, fmt.Errorf("demo: %w", err)
	}
	if l.JOSOSchools, err = JOSO(ctx, a, now); err != nil {
		return l, fmt.Errorf("demo: %w", err)
	}
	l.Password = accounts.GeneratePassword()
	_, err = a.Accounts.Create(ctx, audit.System, AdminEmail, l.Password)
	switch {
	case errors.Is(err, accounts.ErrExists):
		l.Password = ""
	case err != nil:
		return l, fmt.Errorf("demo: %w", err)
	}
	return l, a.Audit.Record(ctx, audit.Entry{Actor: "system", Action: audit.ActionDemoLoaded, Detail: fmt.Sprintf("%d demo schools", added)})
}

// County imports the demo county into an empty register through the real GIAS importer,
// as file and by actor, and says how many schools it added.
func County(ctx context.Context, a *app.App, file, actor string) (int, error) {
	n, err := a.Register.Count(ctx)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, ErrNotEmpty
	}
	ex, err := forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	rep, err := a.Register.Import(ctx, ex, forms.ImportOptions{File: file, By: audit.Actor{Name: actor}})
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	return rep.Added, nil
}

// JOSO loads the JOSO programme's demo years for the county's first open primary schools,
// by URN, and returns those schools.
func JOSO(ctx context.Context, a *app.App, now time.Time) ([]missions.SchoolRef, error) {
	primaries, _, err := a.Register.List(ctx, forms.SchoolFilter{Phase: forms.PhasePrimary, Status: forms.StatusOpen})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(primaries, func(x, y forms.School) int { return x.URN - y.URN })
	var refs []missions.SchoolRef
	for _, s := range primaries[:min(len(primaries), 40)] {
		refs = append(refs, missions.SchoolRef{URN: s.URN, Name: s.Name})
	}
	if err := joso.Load(ctx, a.JOSO, refs, by.Name, now.In(academic.London).Format(time.DateOnly)); err != nil {
		return nil, err
	}
	return refs, nil
}
