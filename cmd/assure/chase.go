package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
)

func roundRemindersFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	days := fs.String("days", "", "days before the deadline, like 21,7,1 (empty: no reminders)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		d, err := forms.ParseReminderDays(*days)
		if err != nil {
			return err
		}
		if err := a.Rounds.SetReminderDays(ctx, audit.CommandLine, *year, d); err != nil {
			return err
		}
		detail := "no reminders"
		if len(d) > 0 {
			detail = "reminders " + forms.FormatReminderDays(d) + " days before the deadline"
		}
		fmt.Fprintf(e.stdout, "Round %s: %s.\n", *year, detail)
		return nil
	}
}

func roundContactsFlags(fs *flag.FlagSet) action {
	year := fs.String("year", "", "academic year, like 2024-25")
	return func(ctx context.Context, e env, a *app, rest []string) error {
		if len(rest) != 1 {
			return errors.New("give one contacts file: assure round contacts --year 2024-25 FILE.csv")
		}
		f, err := os.Open(rest[0])
		if err != nil {
			return err
		}
		defer f.Close()
		contacts, err := forms.ReadContacts(f)
		if err != nil {
			return err
		}
		if err := a.Rounds.SetContactEmails(ctx, audit.CommandLine, *year, contacts, filepath.Base(rest[0])); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Round %s: contact emails set for %d schools.\n", *year, len(contacts))
		return nil
	}
}

func remindersRunFlags(fs *flag.FlagSet) action {
	today := fs.String("today", "", "act as if it were this day (yyyy-mm-dd, at noon London time), to send a step early or test a schedule")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		now := time.Now()
		if *today != "" {
			d, err := time.ParseInLocation(time.DateOnly, *today, academic.London)
			if err != nil {
				return fmt.Errorf("--today %q must be yyyy-mm-dd", *today)
			}
			now = d.Add(12 * time.Hour)
		}
		run, err := a.sendDueReminders(ctx, now)
		if err != nil {
			return err
		}
		if run.Busy {
			fmt.Fprintln(e.stdout, "Another instance is sending reminders now; nothing sent.")
			return nil
		}
		fmt.Fprintf(e.stdout, "Reminders: %d sent, %d failed, %d already had this step, %d schools have no contact email (rounds: %s).\n",
			run.Sent, run.Failed, run.AlreadyDone, run.NoEmail, strings.Join(run.Rounds, ", "))
		inv, rounds, err := a.Chase.InvitationsDue(ctx, now)
		if err != nil {
			return err
		}
		if inv.Sent+inv.Failed > 0 {
			fmt.Fprintf(e.stdout, "Invitations: %d sent, %d failed (rounds whose invitation day has come: %s).\n", inv.Sent, inv.Failed, strings.Join(rounds, ", "))
		}
		return nil
	}
}

// sendDueReminders runs the reminder schedule (the domain audits what it sent).
func (a *app) sendDueReminders(ctx context.Context, now time.Time) (forms.ReminderRun, error) {
	return a.Chase.RunDue(ctx, now)
}

// remindReturns runs the reminder schedule, and sends the invitations of rounds whose
// invitation day has come, every interval until ctx ends.
func remindReturns(ctx context.Context, a *app, every time.Duration) {
	if every <= 0 {
		return
	}
	for {
		run, err := a.sendDueReminders(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Warn("sending reminders", "err", err)
		case run.Sent+run.Failed > 0:
			a.log.Info("reminders sent", "sent", run.Sent, "failed", run.Failed, "rounds", strings.Join(run.Rounds, ","))
		}
		inv, rounds, err := a.Chase.InvitationsDue(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Warn("sending invitations", "err", err)
		case inv.Sent+inv.Failed > 0:
			a.log.Info("invitations sent", "sent", inv.Sent, "failed", inv.Failed, "rounds", strings.Join(rounds, ","))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

func exportReturnsFlags(fs *flag.FlagSet) action {
	year := fs.String("round", "", "the round's academic year, like 2022-23")
	out := fs.String("out", "", "file to write (- for standard output)")
	format := fs.String("format", "xlsx", "xlsx (the workbook) or csv (the school rows)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *format != "xlsx" && *format != "csv" {
			return fmt.Errorf("--format %q must be xlsx or csv", *format)
		}
		if *out == "" {
			return errors.New("give the file to write with --out")
		}
		req := forms.ReturnsExport{Partnership: a.cfg.Partnership, Year: *year, Format: forms.ReturnsFormat(*format), Now: time.Now()}
		var rep forms.RoundReport
		err := writeOut(*out, e.stdout, func(w io.Writer) (err error) {
			rep, err = a.Rounds.ExportReturns(ctx, audit.CommandLine, req, w)
			return err
		})
		if err != nil {
			return err
		}
		if *out != "-" {
			all := rep.Figures.Summary[0].Now
			fmt.Fprintf(e.stdout, "Wrote %s: round %s, %d of %d returned (%d%%).\n", *out, *year, all.Returned, all.Expected, all.Percent())
		}
		return nil
	}
}

// writeOut writes a file through write, or standard output for "-". A file is written
// beside its target and renamed into place, so a failed export never leaves half a file.
func writeOut(out string, stdout io.Writer, write func(io.Writer) error) error {
	if out == "-" {
		bw := bufio.NewWriterSize(stdout, 1<<16)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".assure-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil { // on disk before it takes the name: a backup must be whole
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), out)
}
