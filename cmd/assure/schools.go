package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
)

func importSchoolsFlags(fs *flag.FlagSet) action {
	las := fs.String("la", "", "local authority codes to keep, comma-separated (default: PARTNERSHIP_LA)")
	return func(ctx context.Context, e env, a *app, rest []string) error {
		if len(rest) != 1 {
			return errors.New("import-schools needs one GIAS CSV file: assure import-schools [--la 925] FILE.csv")
		}
		keep := a.cfg.LAs
		if *las != "" {
			var err error
			if keep, err = parseLAs(*las); err != nil {
				return err
			}
		}
		return importSchools(ctx, e, a, rest[0], keep)
	}
}

func importSchools(ctx context.Context, e env, a *app, file string, keep []string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	ex, err := a.Register.ReadFile(ctx, audit.CommandLine, file, f, keep)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Read %d establishments from %s; %d to compare with the register.\n", ex.Total, file, len(ex.Rows))
	bar := newProgressBar(e)
	rep, err := a.Register.Import(ctx, ex, forms.ImportOptions{File: file, By: audit.CommandLine, Progress: bar.update})
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added %d\nupdated %d\nclosed %d\nunchanged %d\nskipped %d\n", rep.Added, rep.Updated, rep.Closed, rep.Unchanged, rep.SkippedTotal())
	for _, reason := range rep.SkipReasons() {
		fmt.Fprintf(e.stdout, "  skipped, %s: %d\n", reason, rep.Skipped[reason])
	}
	if !rep.Changed() {
		fmt.Fprintln(e.stdout, "The register already matched this file: nothing changed.")
	}
	return nil
}

// progressBar draws the import's progress on a terminal, and nothing when output is a file.
type progressBar struct {
	e      env
	tty    bool
	shown  bool
	last   int
	stderr *os.File
}

func newProgressBar(e env) *progressBar {
	f, ok := e.stderr.(*os.File)
	return &progressBar{e: e, tty: ok && term.IsTerminal(int(f.Fd())), stderr: f}
}

func (p *progressBar) update(done, total int) {
	if !p.tty || total == 0 {
		return
	}
	const width = 40
	filled := done * width / total
	if filled == p.last && p.shown && done != total {
		return
	}
	p.last, p.shown = filled, true
	fmt.Fprintf(p.stderr, "\r[%s%s] %d/%d schools written", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total)
}

func (p *progressBar) finish() {
	if p.shown {
		fmt.Fprintln(p.stderr)
	}
}

func schoolsListFlags(fs *flag.FlagSet) action {
	format := fs.String("format", "table", "csv or table")
	phase := fs.String("phase", "", "only this phase")
	status := fs.String("status", "", "only this status: open, closed or proposed")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		return schoolsList(ctx, e, a, *format, *phase, *status)
	}
}

func schoolsList(ctx context.Context, e env, a *app, format, phase, status string) error {
	f := forms.SchoolFilter{Phase: forms.Phase(phase), Status: forms.Status(status)}
	if f.Phase != "" && !slices.Contains(forms.Phases, f.Phase) {
		return fmt.Errorf("--phase %q is not a phase (%v)", phase, forms.Phases)
	}
	if f.Status != "" && !slices.Contains(forms.Statuses, f.Status) {
		return fmt.Errorf("--status %q is not a status (%v)", status, forms.Statuses)
	}
	list, _, err := a.Register.List(ctx, f)
	if err != nil {
		return err
	}
	// URN order: stable, and easy to compare with a GIAS file.
	slices.SortFunc(list, func(x, y forms.School) int { return x.URN - y.URN })
	rows := make([]exports.SchoolRow, len(list))
	for i, s := range list {
		rows[i] = exports.SchoolRow{URN: s.URN, Name: s.Name, LA: s.LACode, Phase: string(s.Phase),
			Governance: string(s.Governance), AllThrough: s.AllThrough, Status: string(s.Status)}
	}
	switch format {
	case "csv":
		return exports.WriteSchoolsCSV(e.stdout, rows)
	case "table":
		return exports.WriteSchoolsTable(e.stdout, rows)
	}
	return fmt.Errorf("--format %q must be csv or table", format)
}
