package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/missions"
)

// The JOSO programme's commands: the same calls the partnership's pages make.

// cliActor is who acts from the command line, as the audit log names them.
var cliActor = audit.Actor{Name: "command line"}

func josoYearCreateFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year, like 2023-24")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		y, err := a.JOSO.Catalogue.Create(ctx, cliActor, *year)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Created programme year %s (setup): %d mission areas, %d missions, %d sessions.\n", y.ID, len(y.Areas), len(y.Missions), len(y.Sessions))
		return nil
	}
}

func josoYearMoveFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year, like 2023-24")
	return func(ctx context.Context, e env, a *app, rest []string) error {
		if len(rest) != 1 {
			return errors.New("say where to move the year: open, close, reopen or archive")
		}
		y, err := a.JOSO.Catalogue.Move(ctx, cliActor, *year, rest[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Programme year %s is now %s.\n", y.ID, y.State)
		return nil
	}
}

func josoEnrolFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year")
	urn := fs.Int("urn", 0, "the school's URN (it must be in the register)")
	teacher := fs.String("teacher", "", "the link teacher's email address")
	name := fs.String("name", "", "the link teacher's name")
	invite := fs.Bool("invite", false, "email the link teacher their invitation now")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		s, err := a.Register.Get(ctx, *urn)
		if err != nil {
			return fmt.Errorf("URN %d: %w", *urn, err)
		}
		t, err := a.JOSO.Teams.Enrol(ctx, cliActor, *year, missions.SchoolRef{URN: s.URN, Name: s.Name}, *teacher, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Enrolled %s in %s with link teacher %s.\n", t.School, t.Year, t.Teacher)
		if !*invite {
			return nil
		}
		msg, err := a.JOSO.SignIns.Invite(ctx, cliActor, t.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Invitation to %s: %s.\n", msg.To, msg.Status)
		return nil
	}
}

func josoVerifyFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year")
	repair := fs.Bool("repair", false, "post missing entries and rewrite the cached totals from the ledger")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		ms, err := a.JOSO.Ledger.Verify(ctx, cliActor, *year, *repair)
		if err != nil {
			return err
		}
		es, err := a.JOSO.Ledger.Entries(ctx, missions.EntryFilter{Year: *year})
		if err != nil {
			return err
		}
		total := 0
		for _, en := range es {
			total += en.Amount
		}
		fmt.Fprintf(e.stdout, "Programme year %s: %d ledger entries, %d XP in all.\n", *year, len(es), total)
		for _, m := range ms {
			if m.OfTotals() {
				fmt.Fprintf(e.stdout, "  mismatch %s, %s: ledger %d, cached %d\n", m.Team, m.What, m.Ledger, m.Cached)
			} else {
				fmt.Fprintf(e.stdout, "  mismatch %s: %s\n", m.Team, m.What)
			}
		}
		switch {
		case len(ms) == 0:
			fmt.Fprintln(e.stdout, "Every cached total matches the ledger.")
		case *repair:
			fmt.Fprintf(e.stdout, "%d mismatches repaired: the cached totals were rebuilt from the ledger.\n", len(ms))
		}
		if len(ms) > 0 && !*repair {
			return fmt.Errorf("%d mismatches between the ledger and the cached totals (run again with --repair)", len(ms))
		}
		return nil
	}
}

func josoAnonymiseFlags(fs *flag.FlagSet) action {
	today := fs.String("today", "", "run as if on this day (yyyy-mm-dd); default today")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		day := *today
		if day == "" {
			day = time.Now().In(academic.London).Format(time.DateOnly)
		}
		reps, err := a.JOSO.Anonymiser.Due(ctx, day)
		if err != nil {
			return err
		}
		if len(reps) == 0 {
			fmt.Fprintln(e.stdout, "No programme year is due to be anonymised.")
		}
		for _, r := range reps {
			fmt.Fprintf(e.stdout, "Anonymised %s: %d JOSO names in %d schools; %d evidence files deleted.\n", r.Year, r.JOSOs, r.Teams, r.EvidencePulled)
		}
		return nil
	}
}

func josoCertificatesFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year")
	urn := fs.Int("urn", 0, "one school's certificates only")
	out := fs.String("out", "", "file to write (- for standard output)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *out == "" {
			return errors.New("give the file to write with --out")
		}
		var n int
		err := writeOut(*out, e.stdout, func(w io.Writer) (err error) {
			n, err = a.JOSO.Teams.WriteCertificatesPDF(ctx, cliActor, missions.CertificateFilter{Year: *year, URN: *urn}, w)
			return err
		})
		if err != nil {
			return err
		}
		if *out != "-" {
			fmt.Fprintf(e.stdout, "Wrote %s: %d certificates.\n", *out, n)
		}
		return nil
	}
}

func exportJOSOFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year, like 2022-23")
	out := fs.String("out", "", "file to write (- for standard output)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *out == "" {
			return errors.New("give the file to write with --out")
		}
		var cur missions.YearFigures
		err := writeOut(*out, e.stdout, func(w io.Writer) (err error) {
			cur, err = a.JOSO.Figures.WriteWorkbook(ctx, cliActor, *year, w)
			return err
		})
		if err != nil {
			return err
		}
		if *out != "-" {
			fmt.Fprintf(e.stdout, "Wrote %s: programme year %s, %d participating schools, %d JOSOs trained, %d activities approved, %d XP.\n",
				*out, *year, cur.Schools, cur.Trained, cur.Activities, cur.XP)
		}
		return nil
	}
}
