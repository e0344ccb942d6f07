package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/lscp/assure/internal/demo/joso"
	"github.com/lscp/assure/internal/loadtest"
)

// loadOptions are a load test's sizes and where it runs.
type loadOptions struct {
	governors, teachers, activities, downloads int
	// crashes > 0 splits the governors into that many waves and kills the server with
	// SIGKILL part-way through each, checking the store after every kill.
	crashes int
	dir     string
	keep    bool
	// server is the command line that runs `assure serve` (the test binary, in tests).
	server    []string
	serverEnv []string
}

func loadtestFlags(fs *flag.FlagSet) action {
	o := loadOptions{}
	fs.IntVar(&o.governors, "governors", 200, "governors opening their link, saving every section and submitting, all at once")
	fs.IntVar(&o.teachers, "teachers", 20, "JOSO link teachers logging activities at the same time (at most 28)")
	fs.IntVar(&o.activities, "activities", 5, "activities each link teacher logs and sends for approval")
	fs.IntVar(&o.downloads, "downloads", 3, "times the admin downloads the returns workbook during the run")
	fs.IntVar(&o.crashes, "crash", 0, "kill the server with SIGKILL this many times mid-run, restarting it on the same data each time")
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

// loadTest prepares a fresh store (the demo county, an open round, the demo JOSO year),
// runs the server on it as a separate process, drives the load, and checks the store
// against every acknowledged write. It fails if any write is missing, changed or doubled.
func loadTest(ctx context.Context, e env, cfg config, o loadOptions) error {
	if o.governors < 1 || o.teachers < 0 || o.teachers > joso.Schools2223 || o.crashes < 0 {
		return fmt.Errorf("loadtest: --governors must be at least 1, --teachers 0 to %d, --crash 0 or more", joso.Schools2223)
	}
	dir := o.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "assure-loadtest-"); err != nil {
			return err
		}
	}
	cfg.Demo = "false"
	where := "the embedded store in " + filepath.Join(dir, "data")
	if cfg.MongoURI == "" {
		cfg.DataDir = filepath.Join(dir, "data")
	} else {
		cfg.MongoDB = fmt.Sprintf("assure_loadtest_%d", time.Now().Unix())
		where = "MongoDB at " + redactURI(cfg.MongoURI) + ", database " + cfg.MongoDB
	}
	fmt.Fprintf(e.stdout, "Load test: %d governors, %d link teachers (%d activities each), %d workbook downloads, on %s\n",
		o.governors, o.teachers, o.activities, o.downloads, where)
	start := time.Now()
	plan, err := prepareLoad(ctx, e, cfg, o)
	if err != nil {
		return fmt.Errorf("loadtest: preparing: %w", err)
	}
	fmt.Fprintf(e.stdout, "Prepared in %s: demo county, round %s open, JOSO year %s, %d links issued\n",
		time.Since(start).Round(100*time.Millisecond), plan.Round, plan.JOSOYear, len(plan.Governors))

	log, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer log.Close()
	env := append(slices.Clone(o.serverEnv), "DATA_DIR="+cfg.DataDir, "MONGODB_URI="+cfg.MongoURI, "MONGODB_DB="+cfg.MongoDB,
		"DEMO=false", "REMINDER_INTERVAL=0", "LOG_FORMAT=json", "TRUST_PROXY=127.0.0.1,::1")
	acks := loadtest.NewAcks()
	waves := max(1, o.crashes)
	for wave := range waves {
		part := plan.wave(wave, waves)
		addr, err := loadtest.FreeAddr()
		if err != nil {
			return err
		}
		srv, err := loadtest.StartServer(ctx, o.server, append(env, "ADDR="+addr), addr, log)
		if err != nil {
			return fmt.Errorf("loadtest: %w (its log: %s)", err, log.Name())
		}
		part.BaseURL = srv.URL
		rep, killedAt := runWave(ctx, srv, part, acks, o.crashes > 0)
		if o.crashes > 0 {
			fmt.Fprintf(e.stdout, "\nWave %d of %d: server killed with SIGKILL after %s, %d submissions acknowledged so far\n",
				wave+1, waves, killedAt.Round(time.Millisecond), submissions(acks))
		} else {
			if err := srv.Stop(); err != nil {
				return fmt.Errorf("loadtest: the server did not stop cleanly: %w", err)
			}
			fmt.Fprintln(e.stdout)
		}
		rep.Print(e.stdout)
		if err := verifyLoad(ctx, e, cfg, plan, acks); err != nil {
			return err
		}
	}
	if !o.keep {
		if err := dropLoadStore(ctx, e, cfg, dir, o.dir == ""); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "Kept %s\n", dir)
	}
	return nil
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
func verifyLoad(ctx context.Context, e env, cfg config, plan loadPlan, acks *loadtest.Acks) error {
	a, err := openStore(ctx, e, cfg)
	if err != nil {
		return fmt.Errorf("loadtest: the store does not open: %w", err)
	}
	defer a.close()
	checked, problems, err := loadtest.Verify(ctx, a.App, plan.Plan, acks)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		for _, p := range problems[:min(len(problems), 20)] {
			fmt.Fprintln(e.stdout, "  LOST OR CHANGED:", p)
		}
		return fmt.Errorf("loadtest: %d acknowledged writes are not in the store as acknowledged", len(problems))
	}
	fmt.Fprintf(e.stdout, "Store checked: all %d acknowledged section saves, %d submissions (one each, with its reference and one kept version) and %d activities are there exactly once, as sent.\n",
		checked.Sections, checked.Submissions, checked.Activities)
	return nil
}

// dropLoadStore removes what the load test made: the temporary directory, or the MongoDB
// database.
func dropLoadStore(ctx context.Context, e env, cfg config, dir string, ownDir bool) error {
	if cfg.MongoURI != "" {
		a, err := openStore(ctx, e, cfg)
		if err != nil {
			return err
		}
		defer a.close()
		return a.Store.DB.Drop(ctx)
	}
	if ownDir {
		return os.RemoveAll(dir)
	}
	return nil
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

// prepareLoad fills a fresh store for the load (loadtest.Prepare).
func prepareLoad(ctx context.Context, e env, cfg config, o loadOptions) (loadPlan, error) {
	a, err := openStore(ctx, e, cfg)
	if err != nil {
		return loadPlan{}, err
	}
	defer a.close()
	p, err := loadtest.Prepare(ctx, a.App, loadtest.Sizes{Governors: o.governors, Teachers: o.teachers, Activities: o.activities, Downloads: o.downloads}, time.Now())
	return loadPlan{p}, err
}
