package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/lscp/assure/internal/demo/joso"
	"github.com/lscp/assure/internal/loadtest"
	"github.com/lscp/assure/internal/store"
)

// loadOptions are a load test's sizes and where it runs.
type loadOptions struct {
	// mode is "stress" (everyone at once, no pauses), "day" (a realistic deadline day:
	// loadtest.Day) or "all" (the one, then the other).
	mode                                       string
	governors, teachers, activities, downloads int
	// schools is the county's size (0: the demo county for the stress run, 1,000 for the day).
	schools int
	day     loadtest.Day
	// crashes > 0 splits the governors into that many waves and kills the server with
	// SIGKILL part-way through each, checking the store after every kill.
	crashes int
	dir     string
	keep    bool
	// ratio measures the writes-per-action ratio after the modes (ratioRun).
	ratio bool
	// server is the command line that runs `assure serve` (the test binary, in tests).
	server    []string
	serverEnv []string
}

// daySchools is the deadline day's county unless --schools says otherwise: a round of a
// thousand schools, a large county's.
const daySchools = 1000

func loadtestFlags(fs *flag.FlagSet) action {
	o := loadOptions{}
	fs.BoolVar(&o.ratio, "ratio", true, "after the modes, measure section saves/s through HTTP at p99 under 250 ms against bare driver updates/s on a store of its own")
	fs.StringVar(&o.mode, "mode", "stress", "stress: everyone at once with no pauses; day: a realistic deadline day; all: both, one after the other")
	fs.IntVar(&o.governors, "governors", 200, "stress run: governors opening their link, saving every section and submitting, all at once (the day has every school's)")
	fs.IntVar(&o.teachers, "teachers", 20, "JOSO link teachers logging activities (at most 28)")
	fs.IntVar(&o.activities, "activities", 5, "activities each link teacher logs and sends for approval")
	fs.IntVar(&o.downloads, "downloads", 3, "stress run: times the admin downloads the returns workbook (on the day the admins download every round of their pages)")
	fs.IntVar(&o.schools, "schools", 0, "schools in the county and its round (default: the demo county's 386 for the stress run, 1000 for the day)")
	fs.DurationVar(&o.day.Length, "day", 5*time.Minute, "day: the stretch over which governors and teachers arrive (a Poisson process)")
	fs.DurationVar(&o.day.PauseMin, "pause-min", 2*time.Second, "day: the shortest think between two pages")
	fs.DurationVar(&o.day.PauseMax, "pause-max", time.Minute, "day: the longest think between two pages (log-uniform between the two; 0: no pauses)")
	fs.Float64Var(&o.day.SubmitShare, "submit", 0.6, "day: the share of governors who submit (the rest save some sections and leave)")
	fs.Float64Var(&o.day.StopShare, "stop", 0.4, "day: the share of submitting governors who stop part-way and come back later with their link")
	fs.IntVar(&o.day.Burst, "burst", 200, "day: governors opening their links in the same second before the day begins (0: none)")
	fs.IntVar(&o.day.Admins, "admins", 1, "day: admins going round the dashboard, round page, chase list, a return page and the downloads")
	fs.IntVar(&o.crashes, "crash", 0, "stress run: kill the server with SIGKILL this many times mid-run, restarting it on the same data each time")
	fs.StringVar(&o.dir, "dir", "", "working directory for the store and the server's log (default: a new temporary one)")
	fs.BoolVar(&o.keep, "keep", false, "keep the working directory (or MongoDB database) afterwards")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		o.server = []string{exe, "serve"}
		return loadTest(ctx, e, a.cfg, o)
	}
}

// ratioGovernors is how many governors save over and over while the ratio is measured:
// enough for every rate the embedded store can take to find an idle one.
const ratioGovernors = 100

// ratioRun measures the ratio (issue 15, "writes per action", loadtest.SaveRatio) on a
// store of its own: section saves a second through HTTP at p99 under 250 ms, against the
// same number of bare driver updates on the same store. Every acknowledged save is then
// checked like a mode's.
func ratioRun(ctx context.Context, e env, cfg config, o loadOptions) (loadtest.Ratio, error) {
	fmt.Fprintf(e.stdout, "\nLoad test, writes per action: %d governors saving their sections at rising rates, on %s\n", ratioGovernors, where(cfg))
	plan, err := prepareLoad(ctx, e, cfg, loadtest.Sizes{Governors: ratioGovernors})
	if err != nil {
		return loadtest.Ratio{}, err
	}
	log, err := serverLog(o.dir)
	if err != nil {
		return loadtest.Ratio{}, err
	}
	defer log.Close()
	srv, err := startLoadServer(ctx, cfg, o, log)
	if err != nil {
		return loadtest.Ratio{}, err
	}
	plan.BaseURL = srv.URL
	acks := loadtest.NewAcks()
	r, err := loadtest.SaveRatio(ctx, plan.Plan, acks, srv.Stop, func(ctx context.Context) (*store.Store, func(), error) {
		a, err := openStore(ctx, e, cfg)
		if err != nil {
			return nil, nil, err
		}
		return a.Store, a.close, nil
	})
	r.Print(e.stdout)
	if err != nil {
		_ = srv.Stop()
		return r, err
	}
	_, err = verifyLoad(ctx, e, cfg, plan, acks)
	return r, err
}

// modes are the runs --mode asks for, in order.
func (o loadOptions) modes() ([]string, error) {
	switch o.mode {
	case "":
		return []string{"stress"}, nil
	case "stress", "day":
		return []string{o.mode}, nil
	case "all":
		return []string{"stress", "day"}, nil
	}
	return nil, fmt.Errorf("loadtest: --mode is stress, day or all, not %q", o.mode)
}

// loadTest runs each mode on a fresh store of its own (the county, an open round, the demo
// JOSO year) with the server as a separate process, checks the store against every
// acknowledged write, and ends with a table of targets per mode. It fails if any write
// is missing, changed or doubled.
func loadTest(ctx context.Context, e env, cfg config, o loadOptions) error {
	modes, err := o.modes()
	if err != nil {
		return err
	}
	if o.governors < 1 || o.teachers < 0 || o.teachers > joso.Schools2223 || o.crashes < 0 || o.schools < 0 ||
		o.day.Length < 0 || o.day.PauseMin < 0 || o.day.PauseMax < 0 || o.day.Burst < 0 || o.day.Admins < 0 {
		return fmt.Errorf("loadtest: --governors must be at least 1, --teachers 0 to %d, and --crash, --schools, --day, the pauses, --burst and --admins 0 or more", joso.Schools2223)
	}
	if o.day.SubmitShare < 0 || o.day.SubmitShare > 1 || o.day.StopShare < 0 || o.day.StopShare > 1 {
		return errors.New("loadtest: --submit and --stop are shares, from 0 to 1")
	}
	if o.crashes > 0 && slices.Contains(modes, "day") {
		return errors.New("loadtest: --crash is for the stress run (--mode stress)")
	}
	ownDir := o.dir == ""
	if ownDir {
		if o.dir, err = os.MkdirTemp("", "assure-loadtest-"); err != nil {
			return err
		}
	}
	at := stores{cfg: cfg, dir: o.dir, stamp: time.Now().Unix()}
	var sums []loadtest.Summary
	defer func() { printSummaries(e, sums) }()
	for _, m := range modes {
		run := stressRun
		if m == "day" {
			run = dayRun
		}
		s, err := run(ctx, e, at.of(m), o)
		sums = append(sums, s)
		if err != nil {
			return err
		}
	}
	if o.ratio {
		s, err := ratioSummary(ctx, e, at, o)
		sums = append(sums, s)
		if err != nil {
			return err
		}
	}
	if o.keep {
		fmt.Fprintf(e.stdout, "Kept %s\n", o.dir)
		return nil
	}
	if o.ratio {
		modes = append(modes, "ratio")
	}
	for _, m := range modes {
		if err := dropLoadStore(ctx, e, at.of(m)); err != nil {
			return err
		}
	}
	if ownDir {
		return os.RemoveAll(o.dir)
	}
	return nil
}

// printSummaries ends the output with each mode's table of targets and a verdict. A
// missed timing does not fail the command (the figures depend on the machine); a lost
// write does, in loadTest.
func printSummaries(e env, sums []loadtest.Summary) {
	missed := 0
	for _, s := range sums {
		s.Print(e.stdout)
		missed += s.Missed()
	}
	if missed == 0 {
		fmt.Fprintln(e.stdout, "\nEvery target measured was met.")
	} else {
		fmt.Fprintf(e.stdout, "\n%d targets missed (FAIL above).\n", missed)
	}
}

// stores says where each mode of one load test keeps its store: a directory of its own
// under dir, or a MongoDB database of its own named after the test's start.
type stores struct {
	cfg   config
	dir   string
	stamp int64
}

func (s stores) of(mode string) config {
	cfg := s.cfg
	cfg.Demo = "false"
	sub := "data" // the stress run's, as before there were modes
	if mode != "stress" {
		sub = mode + "-data"
	}
	if cfg.MongoURI == "" {
		cfg.DataDir = filepath.Join(s.dir, sub)
	} else {
		cfg.MongoDB = fmt.Sprintf("assure_loadtest_%d_%s", s.stamp, mode)
	}
	return cfg
}

func where(cfg config) string {
	if cfg.MongoURI == "" {
		return "the embedded store in " + cfg.DataDir
	}
	return "MongoDB at " + redactURI(cfg.MongoURI) + ", database " + cfg.MongoDB
}

// stressRun is everyone at once with no pauses: governors, teachers and the admin's
// downloads; with --crash, in waves each cut short by SIGKILL.
func stressRun(ctx context.Context, e env, cfg config, o loadOptions) (loadtest.Summary, error) {
	sum := loadtest.Summary{Title: fmt.Sprintf("Summary: stress run (%d governors at once, no pauses)", o.governors)}
	fmt.Fprintf(e.stdout, "Load test, stress run: %d governors, %d link teachers (%d activities each), %d workbook downloads, on %s\n",
		o.governors, o.teachers, o.activities, o.downloads, where(cfg))
	plan, err := prepareLoad(ctx, e, cfg, loadtest.Sizes{Schools: o.schools, Governors: o.governors, Teachers: o.teachers,
		Activities: o.activities, Downloads: o.downloads})
	if err != nil {
		return sum, err
	}
	log, err := serverLog(o.dir)
	if err != nil {
		return sum, err
	}
	defer log.Close()
	acks := loadtest.NewAcks()
	waves := max(1, o.crashes)
	var reps []loadtest.Report
	for wave := range waves {
		part := plan.wave(wave, waves)
		srv, err := startLoadServer(ctx, cfg, o, log)
		if err != nil {
			return sum, err
		}
		part.BaseURL = srv.URL
		rep, killedAt := runWave(ctx, srv, part, acks, o.crashes > 0)
		reps = append(reps, rep)
		if o.crashes > 0 {
			fmt.Fprintf(e.stdout, "\nWave %d of %d: server killed with SIGKILL after %s, %d submissions acknowledged so far\n",
				wave+1, waves, killedAt.Round(time.Millisecond), submissions(acks))
		} else {
			if err := srv.Stop(); err != nil {
				return sum, fmt.Errorf("loadtest: the server did not stop cleanly: %w", err)
			}
			fmt.Fprintln(e.stdout)
		}
		rep.Print(e.stdout)
		if o.crashes == 0 {
			fmt.Fprintln(e.stdout, rep.BurstLine("governor: open link", len(part.Governors)))
		}
		checked, err := verifyLoad(ctx, e, cfg, plan, acks)
		if err != nil {
			sum.Targets = append(sum.Targets, loadtest.WritesTarget(checked, 1))
			return sum, err
		}
		if wave == waves-1 {
			sum.Targets = append(sum.Targets, loadtest.WritesTarget(checked, 0))
		}
	}
	if o.crashes > 0 { // killed requests fail by design: the figures that count are the store's
		sum.Title += fmt.Sprintf(", killed %d times", o.crashes)
		return sum, nil
	}
	rep := reps[0]
	sum.Targets = append([]loadtest.Target{rep.ErrorTarget()}, sum.Targets...)
	sum.Targets = append(sum.Targets, rep.BurstTarget("governor: open link", o.governors))
	return sum, nil
}

// dayRun is a realistic deadline day (loadtest.Day) on a county of --schools.
func dayRun(ctx context.Context, e env, cfg config, o loadOptions) (loadtest.Summary, error) {
	schools := cmp.Or(o.schools, daySchools)
	d := o.day
	sum := loadtest.Summary{Title: fmt.Sprintf("Summary: deadline day (%d schools, arrivals over %s, pauses %s to %s)", schools, d.Length, d.PauseMin, d.PauseMax)}
	fmt.Fprintf(e.stdout, "\nLoad test, deadline day: %d schools, every governor arriving over %s (a Poisson process), thinking %s to %s between pages; "+
		"%.0f%% submit, %.0f%% of those in two visits; %d link teachers (%d activities each); %d admins; a burst of %d first; on %s\n",
		schools, d.Length, d.PauseMin, d.PauseMax, 100*d.SubmitShare, 100*d.StopShare, o.teachers, o.activities, d.Admins, d.Burst, where(cfg))
	plan, err := prepareLoad(ctx, e, cfg, loadtest.Sizes{Schools: schools, Teachers: o.teachers, Activities: o.activities})
	if err != nil {
		return sum, err
	}
	log, err := serverLog(o.dir)
	if err != nil {
		return sum, err
	}
	defer log.Close()
	srv, err := startLoadServer(ctx, cfg, o, log)
	if err != nil {
		return sum, err
	}
	plan.BaseURL = srv.URL
	acks := loadtest.NewAcks()
	rep := loadtest.RunDay(ctx, plan.Plan, d, acks)
	if err := srv.Stop(); err != nil {
		return sum, fmt.Errorf("loadtest: the server did not stop cleanly: %w", err)
	}
	fmt.Fprintln(e.stdout)
	rep.Print(e.stdout)
	burst := min(d.Burst, len(plan.Governors))
	if burst > 0 {
		fmt.Fprintln(e.stdout, rep.BurstLine(loadtest.BurstStep, burst))
	}
	sum.Targets = append(rep.StepTargets(), rep.ErrorTarget())
	checked, err := verifyLoad(ctx, e, cfg, plan, acks)
	sum.Targets = append(sum.Targets, loadtest.WritesTarget(checked, btoi(err != nil)))
	if burst > 0 {
		sum.Targets = append(sum.Targets, rep.BurstTarget(loadtest.BurstStep, burst))
	}
	return sum, err
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ratioSummary runs the ratio measurement (ratioRun) and tables it.
func ratioSummary(ctx context.Context, e env, at stores, o loadOptions) (loadtest.Summary, error) {
	t := loadtest.Target{Goal: fmt.Sprintf("section saves/s through HTTP at p99 under 250 ms vs bare driver updates/s, at least %.1f", loadtest.MinRatio), Measured: true}
	r, err := ratioRun(ctx, e, at.of("ratio"), o)
	if err != nil {
		t.Figure = "failed: " + err.Error()
	} else {
		t.Figure, t.Met = fmt.Sprintf("%.0f/s vs %.0f/s: %.2f", r.HTTPRate, r.BareRate, r.Ratio), r.Ratio >= loadtest.MinRatio
	}
	fmt.Fprintf(e.stdout, "\nratio: %s\n", t.Figure)
	return loadtest.Summary{Title: "Summary: writes per action", Targets: []loadtest.Target{t}}, err
}

// serverLog is the servers' log in the working directory, every run's appended.
func serverLog(dir string) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
}

// startLoadServer runs `assure serve` on cfg's store at a free address.
func startLoadServer(ctx context.Context, cfg config, o loadOptions, log *os.File) (*loadtest.Server, error) {
	addr, err := loadtest.FreeAddr()
	if err != nil {
		return nil, err
	}
	env := append(slices.Clone(o.serverEnv), "DATA_DIR="+cfg.DataDir, "MONGODB_URI="+cfg.MongoURI, "MONGODB_DB="+cfg.MongoDB,
		"DEMO=false", "REMINDER_INTERVAL=0", "LOG_FORMAT=json", "TRUST_PROXY=127.0.0.1,::1", "ADDR="+addr)
	srv, err := loadtest.StartServer(ctx, o.server, env, addr, log)
	if err != nil {
		return nil, fmt.Errorf("loadtest: %w (its log: %s)", err, log.Name())
	}
	return srv, nil
}

// runWave runs one wave of the load; with kill, it kills the server once a random share
// (a quarter to three quarters) of the wave's submissions have been acknowledged.
func runWave(ctx context.Context, srv *loadtest.Server, p loadPlan, acks *loadtest.Acks, kill bool) (loadtest.Report, time.Duration) {
	if !kill {
		return loadtest.Run(ctx, p.Plan, acks), 0
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	before := submissions(acks)
	target := before + max(1, len(p.Governors)/4+rand.IntN(len(p.Governors)/2+1))
	start := time.Now()
	killed := make(chan time.Duration, 1)
	go func() {
		for submissions(acks) < target && runCtx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(200)) * time.Millisecond) // somewhere between two writes
		_ = srv.Kill()
		killed <- time.Since(start)
		cancel()
	}()
	rep := loadtest.Run(runCtx, p.Plan, acks)
	cancel()
	return rep, <-killed
}

func submissions(acks *loadtest.Acks) int {
	_, n, _ := acks.Counts()
	return n
}

// verifyLoad opens the store afresh (after a kill: proving it opens cleanly) and checks
// every acknowledged write.
func verifyLoad(ctx context.Context, e env, cfg config, plan loadPlan, acks *loadtest.Acks) (loadtest.Checked, error) {
	a, err := openStore(ctx, e, cfg)
	if err != nil {
		return loadtest.Checked{}, fmt.Errorf("loadtest: the store does not open: %w", err)
	}
	defer a.close()
	checked, problems, err := loadtest.Verify(ctx, a.App, plan.Plan, acks)
	if err != nil {
		return checked, err
	}
	if len(problems) > 0 {
		for _, p := range problems[:min(len(problems), 20)] {
			fmt.Fprintln(e.stdout, "  LOST OR CHANGED:", p)
		}
		return checked, fmt.Errorf("loadtest: %d acknowledged writes are not in the store as acknowledged", len(problems))
	}
	fmt.Fprintf(e.stdout, "Store checked: all %d acknowledged section saves, %d submissions (one each, with its reference and one kept version) and %d activities are there exactly once, as sent.\n",
		checked.Sections, checked.Submissions, checked.Activities)
	return checked, nil
}

// dropLoadStore removes a mode's MongoDB database (the embedded stores go with the
// working directory).
func dropLoadStore(ctx context.Context, e env, cfg config) error {
	if cfg.MongoURI == "" {
		return nil
	}
	a, err := openStore(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	return a.Store.DB.Drop(ctx)
}

// loadPlan is the load, split into waves here.
type loadPlan struct {
	loadtest.Plan
}

// wave is the share of the governors and teachers that run in wave i of n (the admin
// downloads in every wave).
func (p loadPlan) wave(i, n int) loadPlan {
	part := p
	part.Governors = p.Governors[i*len(p.Governors)/n : (i+1)*len(p.Governors)/n]
	part.Teachers = p.Teachers[i*len(p.Teachers)/n : (i+1)*len(p.Teachers)/n]
	return part
}

// prepareLoad fills a fresh store for the load (loadtest.Prepare) and says what it made.
func prepareLoad(ctx context.Context, e env, cfg config, sz loadtest.Sizes) (loadPlan, error) {
	start := time.Now()
	a, err := openStore(ctx, e, cfg)
	if err != nil {
		return loadPlan{}, err
	}
	defer a.close()
	p, err := loadtest.Prepare(ctx, a.App, sz, start)
	if err != nil {
		return loadPlan{p}, fmt.Errorf("loadtest: preparing: %w", err)
	}
	county := "demo county"
	if sz.Schools > 0 {
		county = fmt.Sprintf("a county of %d schools", sz.Schools)
	}
	fmt.Fprintf(e.stdout, "Prepared in %s: %s, round %s open, JOSO year %s, %d links issued\n",
		time.Since(start).Round(100*time.Millisecond), county, p.Round, p.JOSOYear, len(p.Governors))
	return loadPlan{p}, nil
}
