package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/loadtest"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/store"
)

const (
	instances           = 3
	governorsPerServer  = 10
	remindedOthers      = 20               // schools without a governor in the load that get reminders
	multiInstanceWithin = 20 * time.Second // how long another instance may take to show a change
	reminderEvery       = 10 * time.Second // each instance's reminder schedule
)

// Three instances of the service share one store (`assure store`: FerretDB on a
// PostgreSQL of the test's own, a server shared as a MongoDB would be), with the load spread across them and
// every instance running the reminder schedule every ten seconds. No request fails; every
// acknowledged save and submission is in the store once; each school gets each reminder
// step once; and a change made on one instance shows on the others' dashboards.
func TestThreeInstancesShareOneStore(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	start := time.Now()
	stage := func(what string) { t.Logf("%s after %s", what, time.Since(start).Round(100*time.Millisecond)) }
	uri := startStoreServer(ctx, t, dir, startPostgreSQL(ctx, t))
	stage("PostgreSQL and the store server started")
	plan, reminded := prepareShared(ctx, t, uri)
	stage("prepared")
	urls := startInstances(ctx, t, dir, uri)
	t.Cleanup(func() {
		if t.Failed() {
			logProblems(t, dir)
		}
	})
	stage("store and instances started")

	// The admin signs in on one instance; the session is in the store, so the same cookie
	// reads the others' dashboards. Each instance's round lists are cached from here on.
	admin := newAdminClient(t)
	admin.signIn(ctx, t, urls[0], plan.Admin.Email, plan.Admin.Password)
	before := make([]dashboardCounts, instances)
	for i, u := range urls {
		before[i] = admin.dashboard(ctx, t, u, plan.Round)
	}
	for i := range before[1:] {
		if before[i+1] != before[0] {
			t.Fatalf("instances disagree before the load: %+v", before)
		}
	}

	acks := runSpread(ctx, t, plan, urls)
	_, submitted, _ := acks.Counts()
	if submitted != len(plan.Governors) {
		t.Fatalf("%d submissions acknowledged of %d governors", submitted, len(plan.Governors))
	}
	stage("load run")
	verifyShared(ctx, t, uri, plan, acks)
	stage("store checked")

	// Every instance shows every submission, wherever it was made.
	for i, u := range urls {
		want := dashboardCounts{Returned: before[0].Returned + submitted, Expected: before[0].Expected}
		admin.waitForDashboard(ctx, t, u, plan.Round, want, fmt.Sprintf("instance %d after the load", i+1))
	}
	// A school marked exempt on instance 1 is no longer expected on instances 2 and 3.
	exempt := admin.markExempt(ctx, t, urls[0], plan.Round, otherSchool(ctx, t, uri, plan, reminded))
	for i, u := range urls[1:] {
		want := dashboardCounts{Returned: before[0].Returned + submitted, Expected: before[0].Expected - 1}
		admin.waitForDashboard(ctx, t, u, plan.Round, want, fmt.Sprintf("instance %d after URN %d was marked exempt on instance 1", i+2, exempt))
	}

	stage("dashboards agree")
	checkRemindersOnce(ctx, t, uri, plan.Round, reminded)
	stage("reminders checked")
}

// prepareShared fills the store at uri for the load (loadtest.Prepare, the
// county's 20-day deadline), sets a reminder step 21 days before the deadline, which is
// due today, and gives a contact email to every governor's school and remindedOthers
// more. It returns the plan and the schools with an email.
func prepareShared(ctx context.Context, t *testing.T, uri string) (loadtest.Plan, []int) {
	t.Helper()
	a := openShared(ctx, t, uri)
	plan, err := loadtest.Prepare(ctx, a.App, loadtest.Sizes{Governors: instances * governorsPerServer, Downloads: 1}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Rounds.SetReminderDays(ctx, audit.CommandLine, plan.Round, []int{21}); err != nil {
		t.Fatal(err)
	}
	all, err := a.Returns.OfRound(ctx, plan.Round)
	if err != nil {
		t.Fatal(err)
	}
	var urns []int
	for _, g := range plan.Governors {
		urns = append(urns, g.URN)
	}
	for _, r := range all {
		if len(urns) == len(plan.Governors)+remindedOthers {
			break
		}
		if !r.Exempt && !slices.Contains(urns, r.URN) {
			urns = append(urns, r.URN)
		}
	}
	var contacts []forms.SchoolContact
	for i, urn := range urns {
		contacts = append(contacts, forms.SchoolContact{URN: urn, Email: fmt.Sprintf("head%d@school.example.org", urn), Line: i + 2})
	}
	if err := a.Rounds.SetContactEmails(ctx, audit.CommandLine, plan.Round, contacts, "multi-instance test"); err != nil {
		t.Fatal(err)
	}
	return plan, urns
}

// startStoreServer runs `assure store` (this test binary) on the PostgreSQL database at
// pgURL and waits until it answers; it is stopped with SIGTERM when the test ends.
func startStoreServer(ctx context.Context, t *testing.T, dir, pgURL string) string {
	t.Helper()
	addr, err := loadtest.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "store.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "store", "--listen", addr, "--postgresql", pgURL)
	cmd.Env = append(os.Environ(), "ASSURE_TEST_MAIN=1")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		_ = log.Close()
	})
	uri := "mongodb://" + addr + "/"
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	if err := client.Ping(ctx, nil); err != nil {
		t.Fatalf("the store server does not answer: %v (its log: %s)", err, log.Name())
	}
	return uri
}

// startInstances starts the service three times on the store at uri, each checking the
// reminder schedule every reminderEvery, and stops them cleanly when the test ends.
func startInstances(ctx context.Context, t *testing.T, dir, uri string) []string {
	t.Helper()
	urls := make([]string, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() {
			log, err := os.Create(filepath.Join(dir, fmt.Sprintf("server-%d.log", i+1)))
			if err != nil {
				errs[i] = err
				return
			}
			t.Cleanup(func() { _ = log.Close() })
			addr, err := loadtest.FreeAddr()
			if err != nil {
				errs[i] = err
				return
			}
			srv, err := loadtest.StartServer(ctx, []string{os.Args[0], "serve"}, []string{"ASSURE_TEST_MAIN=1", "ADDR=" + addr,
				"MONGODB_URI=" + uri, "DEMO=false", "REMINDER_INTERVAL=" + reminderEvery.String(), "LOG_FORMAT=json", "TRUST_PROXY=127.0.0.1,::1"}, addr, log)
			if err != nil {
				errs[i] = fmt.Errorf("instance %d: %w (its log: %s)", i+1, err, log.Name())
				return
			}
			t.Cleanup(func() {
				if err := srv.Stop(); err != nil {
					t.Errorf("instance %d did not stop cleanly: %v", i+1, err)
				}
			})
			urls[i] = srv.URL
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return urls
}

// runSpread gives each instance a third of the governors (the admin's download goes to
// the first) and runs them all at once, with one record of what was acknowledged.
func runSpread(ctx context.Context, t *testing.T, plan loadtest.Plan, urls []string) *loadtest.Acks {
	t.Helper()
	acks := loadtest.NewAcks()
	reports := make([]loadtest.Report, instances)
	var wg sync.WaitGroup
	for i, u := range urls {
		part := plan
		part.BaseURL = u
		part.Governors = plan.Governors[i*len(plan.Governors)/instances : (i+1)*len(plan.Governors)/instances]
		part.Teachers = plan.Teachers[i*len(plan.Teachers)/instances : (i+1)*len(plan.Teachers)/instances]
		if i > 0 {
			part.Admin = nil
		}
		wg.Go(func() { reports[i] = loadtest.Run(ctx, part, acks) })
	}
	wg.Wait()
	for i, rep := range reports {
		var out strings.Builder
		rep.Print(&out)
		t.Logf("instance %d:\n%s", i+1, out.String())
		if rep.Errors > 0 || rep.Requests == 0 {
			t.Fatalf("instance %d: %d errors in %d requests: %v", i+1, rep.Errors, rep.Requests, rep.Problems)
		}
	}
	return acks
}

// verifyShared checks every acknowledged write in the shared store (loadtest.Verify).
func verifyShared(ctx context.Context, t *testing.T, uri string, plan loadtest.Plan, acks *loadtest.Acks) {
	t.Helper()
	a := openShared(ctx, t, uri)
	checked, problems, err := loadtest.Verify(ctx, a.App, plan, acks)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("%d acknowledged writes are not in the store as acknowledged: %v", len(problems), problems[:min(len(problems), 10)])
	}
	if checked.Submissions != len(plan.Governors) || checked.Sections == 0 {
		t.Fatalf("checked only %+v", checked)
	}
	t.Logf("store checked: %d section saves and %d submissions, each once", checked.Sections, checked.Submissions)
}

// openShared opens the shared store as an instance does.
func openShared(ctx context.Context, t *testing.T, uri string) *app {
	t.Helper()
	cfg := testConfig(t, "")
	cfg.MongoURI = uri
	a, err := openStore(ctx, env{getenv: os.Getenv, stdout: io.Discard, stderr: io.Discard}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	return a
}

// otherSchool is a school of the round that is expected, not in the load, and gets no
// reminders, to mark exempt.
func otherSchool(ctx context.Context, t *testing.T, uri string, plan loadtest.Plan, reminded []int) int {
	t.Helper()
	all, err := openShared(ctx, t, uri).Returns.OfRound(ctx, plan.Round)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if expected, returned := r.Counted(); expected && !returned && !slices.Contains(reminded, r.URN) {
			return r.URN
		}
	}
	t.Fatal("no school left to mark exempt")
	return 0
}

// checkRemindersOnce waits until every school with a contact email that is still expected
// to return has its reminder, then checks that no school got the step twice.
func checkRemindersOnce(ctx context.Context, t *testing.T, uri, round string, reminded []int) {
	t.Helper()
	a := openShared(ctx, t, uri)
	deadline := time.Now().Add(multiInstanceWithin)
	for {
		sent, err := store.FindAll[mail.Message](ctx, a.Store.Collection("outbox"), bson.D{{Key: "purpose", Value: "reminder"}})
		if err != nil {
			t.Fatal(err)
		}
		per := map[string]int{}
		for _, m := range sent {
			per[m.About+" to "+m.To]++
		}
		for k, n := range per {
			if n > 1 {
				t.Fatalf("%s: %d reminders of one step", k, n)
			}
		}
		var missing []int
		for _, urn := range reminded {
			r, err := a.Returns.Get(ctx, forms.ReturnID{Round: round, URN: urn})
			if err != nil {
				t.Fatal(err)
			}
			if r.Chaseable() && per[r.ID+" to "+r.ContactEmail] != 1 {
				missing = append(missing, urn)
			}
		}
		if len(missing) == 0 {
			t.Logf("reminders: %d sent, none twice, every school still to return has its step", len(sent))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reminder after %s for %d schools still to return: %v", multiInstanceWithin, len(missing), missing)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// logProblems logs the warnings and errors of the store's and the instances' logs.
func logProblems(t *testing.T, dir string) {
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	for _, name := range logs {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, "WARN") || strings.Contains(l, "ERROR") || strings.Contains(l, "panic") {
				lines = append(lines, l)
			}
		}
		t.Logf("%s: %d warnings and errors, the last:\n%s", filepath.Base(name), len(lines), strings.Join(lines[max(0, len(lines)-10):], "\n"))
	}
}
