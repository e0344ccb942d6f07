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
	return func(ctx context.Context, e env, a *app, _ []string) error {
		return adminCreate(ctx, e, a, *email, *generate)
	}
}

func adminCreate(ctx context.Context, e env, a *app, email string, generate bool) error {
	if email == "" {
		return errors.New("admin create needs --email")
	}
	password := ""
	if !generate {
		password = readLine(e.stdin)
	}
	generated := password == ""
	if generated {
		password = accounts.GeneratePassword()
	}
	ad, err := a.Accounts.Create(ctx, audit.CommandLine, email, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Created admin %s.\n", ad.Email)
	if generated {
		fmt.Fprintf(e.stdout, "Password: %s\n(shown once; keep it in a password manager)\n", password)
	}
	return nil
}
