package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
)

func roundCreateFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	opens := fs.String("opens", "", "opening date, yyyy-mm-dd")
	deadline := fs.String("deadline", "", "deadline, yyyy-mm-dd")
	grace := fs.Int("grace-days", 0, "days after the deadline that still count as on time")
	emailCode := fs.Bool("email-code", false, "links also ask for a one-time code emailed to the school's contact email")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		r, err := a.rounds.Create(ctx, forms.NewRoundInput{Year: *year, Opens: *opens, Deadline: *deadline, GraceDays: *grace, EmailCode: *emailCode})
		if err != nil {
			return err
		}
		if err := a.audit.Record(ctx, audit.Entry{Actor: "command line", Action: audit.ActionRoundCreated, Target: r.ID,
			Detail: fmt.Sprintf("opens %s, deadline %s, form version %d", r.Opens, r.Deadline, r.Definition.Version)}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Created round %s (draft): opens %s, deadline %s, form version %d with %d sections.\n",
			r.ID, r.Opens, r.Deadline, r.Definition.Version, len(r.Definition.Sections))
		return nil
	}
}

func roundOpenFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		r, err := a.rounds.Open(ctx, *year)
		if err != nil {
			return err
		}
		if err := a.audit.Record(ctx, audit.Entry{Actor: "command line", Action: audit.ActionRoundOpened, Target: r.ID,
			Detail: fmt.Sprintf("%d schools expected", r.Expected)}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Round %s is open: %d schools are expected to return.\n", r.ID, r.Expected)
		return nil
	}
}

// linkRow is one school's link for a mail merge.
type linkRow struct {
	URN         int
	School      string
	Phase       string
	Link, State string
}

func roundLinksFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	format := fs.String("format", "csv", "csv or table")
	reissue := fs.Bool("reissue", false, "replace links already issued (the old ones stop working)")
	urn := fs.Int("urn", 0, "only this school")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *format != "csv" && *format != "table" {
			return fmt.Errorf("--format %q must be csv or table", *format)
		}
		rows, err := issueLinks(ctx, a, *year, *urn, *reissue)
		if err != nil {
			return err
		}
		if *format == "table" {
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "URN\tSCHOOL\tPHASE\tLINK")
			for _, r := range rows {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", r.URN, r.School, r.Phase, r.Link)
			}
			return tw.Flush()
		}
		w := csv.NewWriter(e.stdout)
		_ = w.Write([]string{"urn", "school", "phase", "link"})
		for _, r := range rows {
			_ = w.Write([]string{fmt.Sprint(r.URN), exports.SafeText(r.School), r.Phase, r.Link})
		}
		w.Flush()
		return w.Error()
	}
}

// issueLinks issues a link to every school of the round that has none (or to all, with
// reissue). A link already issued cannot be shown again: only its hash is kept.
func issueLinks(ctx context.Context, a *app, year string, onlyURN int, reissue bool) ([]linkRow, error) {
	round, err := a.rounds.Get(ctx, year)
	if err != nil {
		return nil, err
	}
	if round.State != forms.RoundOpen {
		return nil, errors.New("links are issued for an open round: run `assure round open --year " + year + "` first")
	}
	returns, err := a.rounds.RoundReturns(ctx, year)
	if err != nil {
		return nil, err
	}
	var rows []linkRow
	issued, kept := 0, 0
	for _, r := range returns {
		if (onlyURN != 0 && r.URN != onlyURN) || r.Exempt {
			continue
		}
		if r.LinkHash != "" && !reissue && onlyURN == 0 {
			kept++
			continue
		}
		token, err := a.rounds.IssueLink(ctx, year, r.URN)
		if err != nil {
			return nil, err
		}
		issued++
		rows = append(rows, linkRow{URN: r.URN, School: r.School.Name, Phase: string(r.School.Phase), Link: a.cfg.PublicURL + "/r/" + token})
	}
	if onlyURN != 0 && issued == 0 {
		return nil, fmt.Errorf("URN %d is not expected in round %s", onlyURN, year)
	}
	if err := a.audit.Record(ctx, audit.Entry{Actor: "command line", Action: audit.ActionLinksIssued, Target: year,
		Detail: fmt.Sprintf("%d issued, %d already had a link", issued, kept)}); err != nil {
		return nil, err
	}
	if kept > 0 {
		a.log.Info("some schools already have links; they are not shown again (use --reissue to replace them)", "kept", kept)
	}
	return rows, nil
}

func roundFormFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	load := fs.String("load", "", "a JSON file to replace the draft round's form with (checked first)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *load == "" {
			r, err := a.rounds.Get(ctx, *year)
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
		def, err := a.rounds.SetDefinition(ctx, *year, data)
		if err != nil {
			return err
		}
		if err := a.audit.Record(ctx, audit.Entry{Actor: "command line", Action: audit.ActionFormChanged, Target: *year,
			Detail: fmt.Sprintf("form version %d from %s", def.Version, *load)}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Round %s now uses form version %d: %d sections.\n", *year, def.Version, len(def.Sections))
		return nil
	}
}
