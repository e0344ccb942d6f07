package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/urls"
)

func roundCreateFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	opens := fs.String("opens", "", "opening date, yyyy-mm-dd")
	deadline := fs.String("deadline", "", "deadline, yyyy-mm-dd")
	grace := fs.Int("grace-days", 0, "days after the deadline that still count as on time")
	emailCode := fs.Bool("email-code", false, "links also ask for a one-time code emailed to the school's contact email")
	twoPerson := fs.Bool("two-person", false, "returns are prepared through the school's link and confirmed by a governor through a link of their own")
	carry := fs.Bool("carry-forward", false, "a school's return can start from the answers it last submitted")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		r, err := a.Rounds.Create(ctx, audit.CommandLine, forms.NewRoundInput{Year: *year, Opens: *opens, Deadline: *deadline, GraceDays: *grace,
			EmailCode: *emailCode, TwoPerson: *twoPerson, CarryForward: *carry})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Created round %s (draft): opens %s, deadline %s, form version %d with %d sections.\n",
			r.ID, r.Opens, r.Deadline, r.Definition.Version, len(r.Definition.Sections))
		return nil
	}
}

func roundDeadlineFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	deadline := fs.String("deadline", "", "the new deadline, yyyy-mm-dd")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		r, err := a.Rounds.SetDeadline(ctx, audit.CommandLine, *year, *deadline)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Round %s: the deadline is now %s.\n", r.ID, r.Deadline)
		return nil
	}
}

func roundExtendFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	urn := fs.Int("urn", 0, "the school")
	until := fs.String("until", "", "the school's own deadline, yyyy-mm-dd (empty: take its extension away)")
	reason := fs.String("reason", "", "why the school has an extension")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		r, err := a.Rounds.SetExtension(ctx, audit.CommandLine, forms.ReturnID{Round: *year, URN: *urn}, *until, *reason)
		if err != nil {
			return err
		}
		if r.Extension == "" {
			fmt.Fprintf(e.stdout, "%s (URN %d) has no extension: its deadline is the round's.\n", r.School.Name, r.URN)
			return nil
		}
		fmt.Fprintf(e.stdout, "%s (URN %d) is due by %s.\n", r.School.Name, r.URN, r.Extension)
		return nil
	}
}

func roundOpenFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		r, err := a.Rounds.Open(ctx, audit.CommandLine, *year)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Round %s is open: %d schools are expected to return.\n", r.ID, r.Expected)
		return nil
	}
}

func roundLinksFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	format := fs.String("format", "csv", "csv or table")
	includeSubmitted := fs.Bool("include-submitted", false, "also list schools that have submitted")
	urn := fs.Int("urn", 0, "only this school")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *format != "csv" && *format != "table" {
			return fmt.Errorf("--format %q must be csv or table", *format)
		}
		links, req := forms.NewLinks(a.Rounds), forms.LinksRequest{Year: *year, URN: *urn, IncludeSubmitted: *includeSubmitted}
		var rows []forms.SchoolLink
		var err error
		if *format == "csv" {
			err = links.WriteLinksCSV(ctx, audit.CommandLine, req, a.cfg.PublicURL, e.stdout)
		} else {
			rows, err = links.IssueLinks(ctx, audit.CommandLine, req)
		}
		if errors.Is(err, forms.ErrRoundNotOpen) {
			return errors.New("links are given for an open round: run `assure round open --year " + *year + "` first")
		}
		if err != nil || *format == "csv" {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "URN\tSCHOOL\tPHASE\tSTATUS\tCONTACT EMAIL\tLINK")
		for _, r := range rows {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.URN, r.School, r.Phase, r.Status, r.ContactEmail, urls.Return(a.cfg.PublicURL, r.Token))
		}
		return tw.Flush()
	}
}

func roundFormFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	load := fs.String("load", "", "a JSON file to replace the draft round's form with (checked first)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *load == "" {
			r, err := a.Rounds.Get(ctx, *year)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(r.Definition)
		}
		data, err := os.ReadFile(*load)
		if err != nil {
			return err
		}
		def, err := a.Rounds.SetDefinition(ctx, audit.CommandLine, *year, data, *load)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Round %s now uses form version %d: %d sections.\n", *year, def.Version, len(def.Sections))
		return nil
	}
}
