package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/demo"
	"github.com/lscp/assure/internal/demo/joso"
)

// demoAdminEmail is the demo's admin account.
const demoAdminEmail = demo.AdminEmail

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
