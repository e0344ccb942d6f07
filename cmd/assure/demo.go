package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/demo"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/demo/joso"
)

// demoAdminEmail is the demo's admin account.
const demoAdminEmail = demo.AdminEmail

func demoFlags(fs *flag.FlagSet) action {
	schools := fs.Int("schools", 0, "instead of the demo county, a register of this many schools shaped like England (24000 for England), with two closed rounds and a live one, all with answers")
	fs.Func("dir", "the data directory to fill (the same as --data-dir)", func(dir string) error { return fs.Set("data-dir", dir) })
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *schools > 0 {
			return a.loadEngland(ctx, e, *schools)
		}
		return a.loadDemo(ctx, e)
	}
}

// loadEngland loads an England-sized demo (internal/demo.LoadEngland) and prints what it
// built and how long each part took.
func (a *app) loadEngland(ctx context.Context, e env, n int) error {
	start := time.Now()
	fmt.Fprintf(e.stdout, "Building a register of %d schools and three rounds with answers in %s...\n", n, a.storeDescription())
	l, err := demo.LoadEngland(ctx, a.App, n, time.Now())
	if err != nil {
		return err
	}
	password := l.Password
	if password == "" {
		password = "(unchanged: the account already existed)"
	}
	fmt.Fprintf(e.stdout, "Register: %d schools imported through the GIAS importer in %s.\n", l.Schools, l.Register.Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "Rounds: %s closed (nine in ten returned, every answer), %s open (deadline %s, about half returned);\n"+
		"%d returns in all, brought in in %s.\n", strings.Join(l.Past, " and "), l.Live.ID, l.Live.Deadline, l.Returns, l.Rounds.Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "Built in %s. Serve it with DATA_DIR=%s assure serve\n", time.Since(start).Round(time.Second), a.cfg.DataDir)
	if a.cfg.DataDir != "" && a.cfg.MongoURI == "" {
		// The file it imported, to time a re-import of the whole country with import-schools.
		file := filepath.Join(a.cfg.DataDir, "gias-england.csv")
		if err := os.WriteFile(file, county.England(n), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "The GIAS file it imported: %s (DATA_DIR=%s assure import-schools %s re-imports it).\n", file, a.cfg.DataDir, file)
	}
	fmt.Fprintf(e.stdout, "Sign in as the demo admin:\n  email:    %s\n  password: %s\n", demoAdminEmail, password)
	return nil
}

// loadDemoIfWanted loads the demo into an empty store on first start: always with
// DEMO=true, for the embedded store with DEMO=auto, never with DEMO=false. A real
// MongoDB deployment therefore starts empty unless asked.
func (a *app) loadDemoIfWanted(ctx context.Context, e env) error {
	if a.cfg.Demo == "false" || (a.cfg.Demo == "auto" && a.cfg.MongoURI != "") {
		return nil
	}
	n, err := a.Register.Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return a.loadDemo(ctx, e)
}

// loadDemo loads the demo (internal/demo) and prints what it loaded, with the demo
// admin's password, shown once.
func (a *app) loadDemo(ctx context.Context, e env) error {
	l, err := demo.Load(ctx, a.App, time.Now())
	if err != nil {
		return err
	}
	password := l.Password
	if password == "" {
		password = "(unchanged: the account already existed)"
	}
	fmt.Fprintf(e.stdout, "\nDemo data loaded: %d schools in the demo county; rounds 2021-22 and 2022-23 (closed, as the annual report\n"+
		"gives them) and %s (open, deadline %s, reminders %s days before it; email goes to the outbox).\n",
		l.Schools, l.Live.ID, l.Live.Deadline, forms.FormatReminderDays(l.Live.ReminderDays))
	fmt.Fprintf(e.stdout, "JOSO programme: 2021-22 (closed, %d trained) and 2022-23 (live: %d schools, %d trained). A link teacher\n"+
		"signs in at /joso/sign-in with, for %s, the address %s (the link arrives under Email).\n",
		joso.Trained2122, joso.Schools2223, joso.Trained2223, l.JOSOSchools[0].Name, joso.Teacher(l.JOSOSchools[0].URN))
	fmt.Fprintf(e.stdout, "Sign in as the demo admin:\n  email:    %s\n  password: %s\n", demoAdminEmail, password)
	fmt.Fprintf(e.stdout, "(shown once; make another admin with: assure admin create --email you@example.org)\n\n")
	return nil
}
