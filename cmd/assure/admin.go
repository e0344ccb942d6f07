package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
)

func adminCreateFlags(fs *flag.FlagSet) action {
	email := fs.String("email", "", "the admin's work email address")
	generate := fs.Bool("generate", false, "generate a password and print it instead of reading one from stdin")
	role := fs.String("role", string(accounts.Administrator), "administrator, officer or viewer")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		return adminCreate(ctx, e, a, *email, *role, *generate)
	}
}

// adminCreate makes the first administrator (or anyone, from the command line); after
// that, administrators invite colleagues from the Team page.
func adminCreate(ctx context.Context, e env, a *app, email, role string, generate bool) error {
	if email == "" {
		return errors.New("admin create needs --email")
	}
	r, err := accounts.ParseRole(role)
	if err != nil {
		return fmt.Errorf("admin create: --role %q: %w", role, err)
	}
	password := ""
	if !generate {
		password = readLine(e.stdin)
	}
	generated := password == ""
	if generated {
		password = accounts.GeneratePassword()
	}
	ad, err := a.Accounts.CreateWithRole(ctx, audit.CommandLine, email, password, r)
	if err != nil {
		return err
	}
	if r == accounts.Administrator {
		fmt.Fprintf(e.stdout, "Created admin %s.\n", ad.Email)
	} else {
		fmt.Fprintf(e.stdout, "Created admin %s (%s).\n", ad.Email, r)
	}
	if generated {
		fmt.Fprintf(e.stdout, "Password: %s\n(shown once; keep it in a password manager)\n", password)
	}
	return nil
}
