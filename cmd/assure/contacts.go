package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
)

func contactsImportFlags(*flag.FlagSet) action {
	return func(ctx context.Context, e env, a *app, rest []string) error {
		if len(rest) != 1 {
			return errors.New("give one contacts file: assure contacts import FILE.csv")
		}
		f, err := os.Open(rest[0])
		if err != nil {
			return err
		}
		defer f.Close()
		lines, err := forms.ReadContactBook(f)
		if err != nil {
			return err
		}
		res, err := a.Contacts.Import(ctx, audit.CommandLine, lines, filepath.Base(rest[0]))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Contact book: %d contacts of %d schools loaded; %d schools changed, %d already as the file says.\n",
			res.Contacts, res.Schools, res.Changed, res.Unchanged)
		return nil
	}
}

func contactsListFlags(fs *flag.FlagSet) action {
	format := fs.String("format", "table", "table, or csv (urn,name,email,role,bounced,bounced_why: the import's columns first)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		switch *format {
		case "csv":
			return a.Contacts.WriteCSV(ctx, e.stdout)
		case "table":
		default:
			return fmt.Errorf("--format %q must be table or csv", *format)
		}
		all, err := a.Contacts.All(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "URN\tNAME\tEMAIL\tROLE\tBOUNCED")
		for _, sc := range all {
			for _, c := range sc.Contacts {
				bounced := ""
				if c.Bounced {
					bounced = c.BouncedAt.Format(time.DateOnly) + ": " + c.BouncedWhy
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", strconv.Itoa(sc.URN), c.Name, c.Email, c.Role.Label(), bounced)
			}
		}
		return tw.Flush()
	}
}

func roundInviteFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	roles := fs.String("roles", "", "roles to invite, like dsl,safeguarding-governor (default: the round's)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		r, err := forms.ParseRoles(*roles)
		if err != nil {
			return err
		}
		run, err := a.Chase.SendInvitations(ctx, audit.CommandLine, *year, r, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Round %s: %d invitations sent to %d schools, %d failed, %d already sent; %d schools have nobody in the roles.\n",
			*year, run.Sent, run.Schools, run.Failed, run.Already, run.NoContacts)
		return nil
	}
}
