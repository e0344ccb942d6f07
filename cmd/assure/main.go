package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	services "github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a command runs with, so tests can run commands in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand. Its flags function defines the command's own flags on fs
// and returns the action, which runs once the settings are read and the store is open.
type command struct {
	name, args, help string
	flags            func(fs *flag.FlagSet) action
	// ownStore: the command opens its own store(s) from a.cfg (a load test, a restore
	// into an empty store); runCommand opens none.
	ownStore bool
}

// action is a command's work: positional arguments in rest.
type action func(ctx context.Context, e env, a *app, rest []string) error

func commands() []command {
	return []command{
		{"serve", "", "serve the web service (the default)", serveFlags, false},
		{"import-schools", "[--la 925,...] FILE.csv", "import a GIAS extract into the schools register", importSchoolsFlags, false},
		{"schools list", "[--format csv|table] [--phase P] [--status S]", "print the schools register", schoolsListFlags, false},
		{"admin create", "--email E [--role administrator|officer|viewer]", "create a member of the partnership's team, an administrator unless --role says otherwise (password from stdin, or generated and printed)", adminCreateFlags, false},
		{"round create", "--year 2024-25 --opens 2024-10-01 --deadline 2024-12-13 [--grace-days N] [--two-person] [--carry-forward]", "create a draft assurance round", roundCreateFlags, false},
		{"round open", "--year 2024-25", "open a round: every open school of the register is expected to return", roundOpenFlags, false},
		{"round form", "--year 2024-25 [--load form.json]", "print a round's form as JSON, or load an edited one into a draft round", roundFormFlags, false},
		{"round links", "--year 2024-25 [--format csv|table] [--include-submitted] [--urn N]", "schools' links for a mail merge (the same each time until revoked)", roundLinksFlags, false},
		{"round deadline", "--year 2024-25 --deadline 2025-01-10", "move a round's deadline (lateness and reminders follow it)", roundDeadlineFlags, false},
		{"round extend", "--year 2024-25 --urn N --until 2025-01-10 --reason TEXT", "give one school its own deadline (empty --until takes it away)", roundExtendFlags, false},
		{"round reminders", "--year 2024-25 --days 21,7,1", "set a round's reminder schedule: days before the deadline (empty: none)", roundRemindersFlags, false},
		{"round contacts", "--year 2024-25 FILE.csv", "load schools' contact emails (columns urn,email) into a round; any bad line refuses the file", roundContactsFlags, false},
		{"round invite", "--year 2024-25 [--roles dsl,safeguarding-governor]", "email the invitation to each contact in the roles (default: the round's) of every school still to return, once each; prints the count", roundInviteFlags, false},
		{"contacts import", "FILE.csv", "load the contact book (columns urn,name,email,role); the file's contacts replace those of the schools in it; any bad line refuses the file", contactsImportFlags, false},
		{"contacts list", "[--format table|csv]", "print the contact book", contactsListFlags, false},
		{"round retention", "--year 2024-25 --years 6", "set how many years after the deadline a round's answers are kept", roundRetentionFlags, false},
		{"returns purge", "[--today yyyy-mm-dd]", "purge the answers of rounds whose retention has ended (the service also does this hourly)", returnsPurgeFlags, false},
		{"reminders run", "[--today yyyy-mm-dd]", "send the reminders due now (or on the given day) for every open round, once per school and step, and the invitations of rounds whose invitation day has come", remindersRunFlags, false},
		{"export returns", "--round 2022-23 --out FILE [--format xlsx|csv]", "write the return-rate workbook (or the school rows as CSV)", exportReturnsFlags, false},
		{"joso year create", "--year 2023-24", "create a JOSO programme year, starting from the last year's missions and XP rules", josoYearCreateFlags, false},
		{"joso year move", "--year 2023-24 open|close|reopen|archive", "move a JOSO programme year on (a closed year takes no new XP)", josoYearMoveFlags, false},
		{"joso enrol", "--year 2023-24 --urn N --teacher EMAIL --name NAME [--invite]", "enrol a school in a JOSO year with its link teacher (and email the invitation)", josoEnrolFlags, false},
		{"joso verify", "--year 2022-23 [--repair]", "rebuild XP totals from the ledger and report (or repair) any mismatch", josoVerifyFlags, false},
		{"joso anonymise", "[--today yyyy-mm-dd]", "anonymise JOSO names and evidence of closed years whose date has come", josoAnonymiseFlags, false},
		{"joso certificates", "--year 2022-23 [--urn N] --out FILE.pdf", "write the year's awarded certificates (or one school's) as PDF", josoCertificatesFlags, false},
		{"export joso", "--year 2022-23 --out FILE.xlsx", "write the JOSO programme's yearly workbook, the previous year beside", exportJOSOFlags, false},
		{"loadtest", "[--mode stress|day|all] [--governors 200] [--schools N] [--day 5m] [--burst 200] [--crash N] [--keep]", "simulate a deadline day against a server of its own on a fresh store, then check every acknowledged write is stored once", loadtestFlags, true},
		{"backup", "--out FILE", "write a consistent, compressed dump of every collection, evidence files included (the service can keep running)", backupFlags, true},
		{"restore", "FILE", "restore a backup into an empty store (a new DATA_DIR, or a new MongoDB database)", restoreFlags, true},
		{"store", "[--listen 127.0.0.1:27017] [--postgresql URL]", "run the embedded store (FerretDB on SQLite in DATA_DIR) as a server of its own, for several instances to share through MONGODB_URI", storeFlags, true},
		{"demo", "[--schools 24000] [--dir DIR]", "load the demo county, its rounds and a demo admin into an empty store (or, with --schools, an England-sized register and rounds)", demoFlags, false},
		{"help", "", "list commands and settings", nil, false},
	}
}

// runCommand reads the settings and the command's flags, opens the store, runs the action
// and closes the store.
func runCommand(ctx context.Context, e env, c command, args []string) error {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	act := c.flags(fs)
	defineSettings(fs, e.getenv)
	if c.ownStore {
		cfg, err := loadConfig(fs, interspersed(fs, args))
		if err != nil {
			return err
		}
		return act(ctx, e, &app{cfg: cfg, log: newLogger(e.stderr, cfg.LogFormat, slog.LevelInfo)}, fs.Args())
	}
	a, err := open(ctx, e, fs, interspersed(fs, args))
	if err != nil {
		return err
	}
	defer a.close()
	return act(ctx, e, a, fs.Args())
}

// interspersed moves positional arguments after the flags, so `import-schools FILE --la 925`
// works as well as `import-schools --la 925 FILE` (Go's flag package stops at the first
// positional argument). The settings flags are defined on fs by the time this is called.
func interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			rest = append(rest, arg)
			continue
		}
		flags = append(flags, arg)
		name := strings.TrimLeft(arg, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(flags, rest...)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"serve"}, args...)
	}
	if args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name && c.flags != nil {
			if err := runCommand(ctx, e, c, args[len(words):]); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return 0
				}
				fmt.Fprintln(stderr, "assure:", err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "assure: unknown command %q\n\n", strings.Join(args, " "))
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Assure: schools' safeguarding assurance and the JOSO programme, for a safeguarding children partnership.")
	fmt.Fprintln(w, "\nUsage: assure [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s %s\t%s\n", c.name, c.args, c.help)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nSettings (environment variable, or the flag of the same name on any command):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "unset"
		}
		fmt.Fprintf(tw, "  %s\t--%s\t%s (default: %s)\n", s.env, s.flag, s.help, def)
	}
	_ = tw.Flush()
}

// app is what every command opens: the configuration, logger, store and services (built
// by internal/app, which the handler tests and the load test use too).
type app struct {
	cfg config
	log *slog.Logger
	// App is the store and every service, as internal/app opened and built them.
	*services.App
}

// open parses the settings and the command's flags (all defined on fs already) and opens
// the store. The caller closes it.
func open(ctx context.Context, e env, fs *flag.FlagSet, args []string) (*app, error) {
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return nil, err
	}
	return openStore(ctx, e, cfg)
}

// openStore opens the store cfg names, with every domain package over it.
func openStore(ctx context.Context, e env, cfg config) (*app, error) {
	log := newLogger(e.stderr, cfg.LogFormat, slog.LevelInfo)
	s, err := services.Open(ctx, cfg.services(e))
	if err != nil {
		return nil, err
	}
	return &app{cfg: cfg, log: log, App: s}, nil
}

// services is what internal/app opens the store and builds the services with.
func (cfg config) services(e env) services.Config {
	return services.Config{MongoURI: cfg.MongoURI, Database: cfg.MongoDB, DataDir: cfg.DataDir,
		// The embedded FerretDB logs every connection at info and every error reply (a
		// missing collection on first start, say) at warn; only its own errors matter here.
		StoreLogger: newLogger(e.stderr, cfg.LogFormat, slog.LevelError).With("component", "embedded-store"),
		Partnership: cfg.Partnership, PublicURL: cfg.PublicURL, SMTP: cfg.SMTP}
}

func (a *app) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Store.Close(ctx); err != nil {
		a.log.Warn("closing the store", "err", err)
	}
}

func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// storeDescription says which store is in use, for logs.
func (a *app) storeDescription() string {
	if a.Store.Kind == store.KindEmbedded {
		return "embedded store (FerretDB on SQLite) in " + a.cfg.DataDir
	}
	return "MongoDB at " + redactURI(a.cfg.MongoURI)
}

// redactURI hides a password in a connection string before it is logged.
func redactURI(uri string) string {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return "(unparseable URI)"
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = "***@" + rest[at+1:]
	}
	return scheme + "://" + rest
}

// readLine reads one line from stdin, for a password.
func readLine(r io.Reader) string {
	s := bufio.NewScanner(r)
	if s.Scan() {
		return strings.TrimRight(s.Text(), "\r\n")
	}
	return ""
}
