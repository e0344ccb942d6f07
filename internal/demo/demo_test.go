package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo"
	"github.com/lscp/assure/internal/storetest"
)

// The demo loads through the services into an empty store: the county, an open live
// round, the JOSO schools and an admin who can sign in; and only into an empty store.
func TestLoadFillsAnEmptyStoreOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := app.New(storetest.New(t), app.Config{Partnership: "Test Partnership"})
	l, err := demo.Load(ctx, a, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if l.Schools != 386 || l.Live.State != forms.RoundOpen || len(l.JOSOSchools) != 40 || l.Password == "" {
		t.Fatalf("loaded %d schools, live round %s %s, %d JOSO schools, password %q", l.Schools, l.Live.ID, l.Live.State, len(l.JOSOSchools), l.Password)
	}
	if _, err := a.Accounts.Authenticate(ctx, audit.Actor{}, demo.AdminEmail, l.Password); err != nil {
		t.Fatalf("the demo admin cannot sign in: %v", err)
	}
	if _, err := demo.Load(ctx, a, time.Now()); !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("a second load: %v", err)
	}
}

// An England-sized demo, made small: the register through the importer, two closed rounds
// and a live one, nine in ten returned in each closed round; and only into an empty store.
func TestLoadEnglandFillsAnEmptyStoreOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := app.New(storetest.New(t), app.Config{Partnership: "Test Partnership"})
	l, err := demo.LoadEngland(ctx, a, 1200, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if l.Schools != 1200 || len(l.Past) != 2 || l.Live.State != forms.RoundOpen || l.Password == "" {
		t.Fatalf("loaded %+v", l)
	}
	rep, err := a.Rounds.Report(ctx, "2022-23", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	all := rep.Figures.Summary[0].Now
	if all.Expected < 1100 || all.Returned < all.Expected*85/100 || all.Returned > all.Expected*9/10 {
		t.Fatalf("2022-23: %d of %d returned", all.Returned, all.Expected)
	}
	if _, err := demo.LoadEngland(ctx, a, 10, time.Now()); !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("a second load: %v", err)
	}
}
