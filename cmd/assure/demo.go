package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/missions"
)

// demoAdminEmail is the demo's admin account.
const demoAdminEmail = "demo.admin@example.org"

func demoFlags(*flag.FlagSet) action {
	return func(ctx context.Context, e env, a *app, _ []string) error { return a.loadDemo(ctx, e) }
}

// loadDemoIfWanted loads the demo into an empty store on first start: always with
// DEMO=true, for the embedded store with DEMO=auto, never with DEMO=false. A real
// MongoDB deployment therefore starts empty unless asked.
func (a *app) loadDemoIfWanted(ctx context.Context, e env) error {
	if a.cfg.Demo == "false" || (a.cfg.Demo == "auto" && a.cfg.MongoURI != "") {
		return nil
	}
	n, err := a.register.Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return a.loadDemo(ctx, e)
}

// loadDemo imports the demo county through the real GIAS importer and creates a demo
// admin with a fresh random password, printed once.
func (a *app) loadDemo(ctx context.Context, e env) error {
	n, err := a.register.Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return errors.New("the store already holds a schools register; the demo loads only into an empty store")
	}
	ex, err := forms.ReadGIAS(bytes.NewReader(forms.DemoGIAS()), nil)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	rep, err := a.register.Import(ctx, ex, forms.ImportOptions{File: "demo county (synthetic GIAS extract)", By: forms.Actor{Name: "demo"}})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := forms.DemoRounds(ctx, a.rounds); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	live, err := forms.DemoLiveRound(ctx, a.rounds, time.Now())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	josoSchools, err := a.demoJOSO(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	password := accounts.GeneratePassword()
	_, err = a.accounts.Create(ctx, demoAdminEmail, password)
	switch {
	case errors.Is(err, accounts.ErrExists):
		password = "(unchanged: the account already existed)"
	case err != nil:
		return fmt.Errorf("demo: %w", err)
	}
	if err := a.audit.Record(ctx, audit.Entry{Actor: "system", Action: audit.ActionDemoLoaded,
		Detail: fmt.Sprintf("%d demo schools", rep.Added)}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nDemo data loaded: %d schools in the demo county; rounds 2021-22 and 2022-23 (closed, as the annual report\n"+
		"gives them) and %s (open, deadline %s, reminders %s days before it; email goes to the outbox).\n",
		rep.Added, live.ID, live.Deadline, forms.FormatReminderDays(live.ReminderDays))
	fmt.Fprintf(e.stdout, "JOSO programme: 2021-22 (closed, %d trained) and 2022-23 (live: %d schools, %d trained). A link teacher\n"+
		"signs in at /joso/sign-in with, for %s, the address %s (the link arrives under Email).\n",
		missions.DemoTrained2122, missions.DemoSchools2223, missions.DemoTrained2223, josoSchools[0].Name, missions.DemoTeacher(josoSchools[0].URN))
	fmt.Fprintf(e.stdout, "Sign in as the demo admin:\n  email:    %s\n  password: %s\n", demoAdminEmail, password)
	fmt.Fprintf(e.stdout, "(shown once; make another admin with: assure admin create --email you@example.org)\n\n")
	return nil
}

// demoJOSO loads the JOSO programme's demo years for the county's first open primary
// schools, by URN.
func (a *app) demoJOSO(ctx context.Context) ([]missions.SchoolRef, error) {
	primaries, _, err := a.register.List(ctx, forms.SchoolFilter{Phase: forms.PhasePrimary, Status: forms.StatusOpen})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(primaries, func(x, y forms.School) int { return x.URN - y.URN })
	var refs []missions.SchoolRef
	for _, s := range primaries[:min(len(primaries), 40)] {
		refs = append(refs, missions.SchoolRef{URN: s.URN, Name: s.Name})
	}
	if err := missions.Demo(ctx, a.joso, refs, "demo", time.Now().In(academic.London).Format(time.DateOnly)); err != nil {
		return nil, err
	}
	return refs, nil
}
