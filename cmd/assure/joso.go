package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/missions"
)

// The JOSO programme's commands: the same calls the partnership's pages make.

const cliActor = "command line"

func josoYearCreateFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year, like 2023-24")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		y, err := a.joso.CreateYear(ctx, *year, cliActor)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Created programme year %s (setup): %d mission areas, %d missions, %d sessions.\n", y.ID, len(y.Areas), len(y.Missions), len(y.Sessions))
		return a.audit.Record(ctx, audit.Entry{Actor: cliActor, Action: audit.ActionJOSOYear, Target: y.ID, Detail: "created"})
	}
}

func josoYearMoveFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year, like 2023-24")
	return func(ctx context.Context, e env, a *app, rest []string) error {
		if len(rest) != 1 {
			return errors.New("say where to move the year: open, close, reopen or archive")
		}
		y, err := a.joso.Move(ctx, *year, rest[0], cliActor)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Programme year %s is now %s.\n", y.ID, y.State)
		return a.audit.Record(ctx, audit.Entry{Actor: cliActor, Action: audit.ActionJOSOYear, Target: y.ID, Detail: rest[0]})
	}
}

func josoEnrolFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year")
	urn := fs.Int("urn", 0, "the school's URN (it must be in the register)")
	teacher := fs.String("teacher", "", "the link teacher's email address")
	name := fs.String("name", "", "the link teacher's name")
	invite := fs.Bool("invite", false, "email the link teacher their invitation now")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		s, err := a.register.Get(ctx, *urn)
		if err != nil {
			return fmt.Errorf("URN %d: %w", *urn, err)
		}
		t, err := a.joso.Enrol(ctx, *year, missions.SchoolRef{URN: s.URN, Name: s.Name}, *teacher, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Enrolled %s in %s with link teacher %s.\n", t.School, t.Year, t.Teacher)
		if err := a.audit.Record(ctx, audit.Entry{Actor: cliActor, Action: audit.ActionJOSOEnrolled, Target: t.ID, Detail: t.Teacher}); err != nil {
			return err
		}
		if !*invite {
			return nil
		}
		msg, err := a.josoMail.Invite(ctx, t.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Invitation to %s: %s.\n", msg.To, msg.Status)
		return a.audit.Record(ctx, audit.Entry{Actor: cliActor, Action: audit.ActionJOSOInvited, Target: t.ID, Detail: t.Teacher})
	}
}

func josoVerifyFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year")
	repair := fs.Bool("repair", false, "post missing entries and rewrite the cached totals from the ledger")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		ms, err := a.joso.Verify(ctx, *year, *repair)
		if err != nil {
			return err
		}
		es, err := a.joso.Entries(ctx, missions.EntryFilter{Year: *year})
		if err != nil {
			return err
		}
		total := 0
		for _, en := range es {
			total += en.Amount
		}
		fmt.Fprintf(e.stdout, "Programme year %s: %d ledger entries, %d XP in all.\n", *year, len(es), total)
		for _, m := range ms {
			if m.What == "school total" || strings.HasPrefix(m.What, "JOSO ") {
				fmt.Fprintf(e.stdout, "  mismatch %s, %s: ledger %d, cached %d\n", m.Team, m.What, m.Ledger, m.Cached)
			} else {
				fmt.Fprintf(e.stdout, "  mismatch %s: %s\n", m.Team, m.What)
			}
		}
		detail := fmt.Sprintf("%d mismatches", len(ms))
		switch {
		case len(ms) == 0:
			fmt.Fprintln(e.stdout, "Every cached total matches the ledger.")
		case *repair:
			fmt.Fprintf(e.stdout, "%d mismatches repaired: the cached totals were rebuilt from the ledger.\n", len(ms))
			detail += ", repaired"
		}
		if err := a.audit.Record(ctx, audit.Entry{Actor: cliActor, Action: audit.ActionJOSOVerified, Target: *year, Detail: detail}); err != nil {
			return err
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
		reps, err := a.anonymiseDue(ctx, day)
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

// anonymiseDue runs the anonymisation schedule and audits each year it anonymises.
func (a *app) anonymiseDue(ctx context.Context, day string) ([]missions.AnonymiseReport, error) {
	reps, err := a.joso.AnonymiseDue(ctx, day)
	for _, r := range reps {
		if aerr := a.audit.Record(ctx, audit.Entry{Actor: "system", Action: audit.ActionJOSOAnonymised, Target: r.Year,
			Detail: fmt.Sprintf("%d JOSO names, %d evidence files", r.JOSOs, r.EvidencePulled)}); aerr != nil && err == nil {
			err = aerr
		}
	}
	return reps, err
}

func josoCertificatesFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year")
	urn := fs.Int("urn", 0, "one school's certificates only")
	out := fs.String("out", "", "file to write (- for standard output)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *out == "" {
			return errors.New("give the file to write with --out")
		}
		certs, err := a.certificates(ctx, *year, *urn)
		if err != nil {
			return err
		}
		err = writeOut(*out, e.stdout, func(w io.Writer) error { return exports.WriteCertificatesPDF(w, a.cfg.Partnership, certs) })
		if err != nil {
			return err
		}
		if *out != "-" {
			fmt.Fprintf(e.stdout, "Wrote %s: %d certificates.\n", *out, len(certs))
		}
		return a.audit.Record(ctx, audit.Entry{Actor: cliActor, Action: audit.ActionJOSOCertificate, Target: *year, Detail: fmt.Sprintf("%d certificates", len(certs))})
	}
}

// certificates lists a year's awarded certificates, or one school's (urn not 0).
func (a *app) certificates(ctx context.Context, year string, urn int) ([]missions.CertificateLine, error) {
	if urn != 0 {
		t, err := a.joso.Team(ctx, missions.TeamID(year, urn))
		if err != nil {
			return nil, fmt.Errorf("school %d in %s: %w", urn, year, err)
		}
		return t.Certificates(), nil
	}
	teams, err := a.joso.Teams(ctx, year)
	if err != nil {
		return nil, err
	}
	var out []missions.CertificateLine
	for _, t := range teams {
		out = append(out, t.Certificates()...)
	}
	return out, nil
}

func exportJOSOFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "the programme year, like 2022-23")
	out := fs.String("out", "", "file to write (- for standard output)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *out == "" {
			return errors.New("give the file to write with --out")
		}
		in, err := josoWorkbookInput(ctx, a.joso, a.cfg.Partnership, *year)
		if err != nil {
			return err
		}
		if err := writeOut(*out, e.stdout, func(w io.Writer) error { return exports.WriteJOSOWorkbook(w, in) }); err != nil {
			return err
		}
		if *out != "-" {
			fmt.Fprintf(e.stdout, "Wrote %s: programme year %s, %d participating schools, %d JOSOs trained, %d activities approved, %d XP.\n",
				*out, *year, in.Year.Schools, in.Year.Trained, in.Year.Activities, in.Year.XP)
		}
		return a.audit.Record(ctx, audit.Entry{Actor: cliActor, Action: audit.ActionExported, Target: *year, Detail: "joso workbook"})
	}
}

// josoWorkbookInput gathers a year's figures and the year before's, if there is one.
func josoWorkbookInput(ctx context.Context, p *missions.Programme, partnership, year string) (exports.JOSOInput, error) {
	cur, prev, err := p.FiguresBeside(ctx, year)
	return exports.JOSOInput{Partnership: partnership, Year: cur, Previous: prev}, err
}
