package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const fixtureRel = "gias/hampshire-surrey-primary-2022-04-20.csv"

// fixture finds a file under ../shared/fixtures; a missing fixture fails the test.
func fixture(t testing.TB, rel string) string {
	t.Helper()
	p, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "fixtures", rel))
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("fixture %s is missing (the shared/ folder must sit beside the project): %v", rel, err)
	}
	return p
}

// assure runs a command in-process against the given data directory.
func assure(t *testing.T, dataDir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		switch k {
		case "DATA_DIR":
			return dataDir
		case "DEMO":
			return "false"
		}
		return ""
	}
	code = run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// demoTemplate is a data directory the demo command loaded once for this test binary:
// loading the demo takes seconds of CPU, and most tests only start from it.
var demoTemplate struct {
	once     sync.Once
	dir, out string
	err      error
}

// demoDir is a fresh copy of the demo's data directory, for this test alone, and what the
// demo command printed as it loaded it (the demo admin's password among it).
// TestDemoLoadsTheCounty runs the command itself.
func demoDir(t *testing.T) (dir, out string) {
	t.Helper()
	d := &demoTemplate
	d.once.Do(func() {
		if d.dir, d.err = os.MkdirTemp("", "assure-demo-"); d.err != nil {
			return
		}
		var stdout, stderr strings.Builder
		getenv := func(k string) string { return map[string]string{"DATA_DIR": d.dir, "DEMO": "false"}[k] }
		if code := run(context.Background(), []string{"demo"}, getenv, strings.NewReader(""), &stdout, &stderr); code != 0 {
			d.err = fmt.Errorf("demo exited %d: %s", code, stderr.String())
		}
		d.out = stdout.String()
	})
	if d.err != nil {
		t.Fatalf("loading the demo: %v", d.err)
	}
	dir = t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(d.dir)); err != nil {
		t.Fatalf("copying the demo's data directory: %v", err)
	}
	return dir, d.out
}

// removeDemoTemplate removes the template directory, if a test made it (TestMain).
func removeDemoTemplate() {
	if demoTemplate.dir != "" {
		_ = os.RemoveAll(demoTemplate.dir)
	}
}

func TestImportSchoolsTwiceThenList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := fixture(t, fixtureRel)
	code, out, errs := assure(t, dir, "", "import-schools", "--la", "850,936", file)
	if code != 0 || !strings.Contains(out, "added 1096\n") {
		t.Fatalf("first import: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = assure(t, dir, "", "import-schools", file, "--la=850,936")
	if code != 0 || !strings.Contains(out, "added 0\nupdated 0\nclosed 0\nunchanged 1096\n") || !strings.Contains(out, "nothing changed") {
		t.Fatalf("second import: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = assure(t, dir, "", "schools", "list", "--format", "csv")
	if code != 0 {
		t.Fatalf("list: %d", code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1097 || strings.Join(recs[0], ",") != "urn,name,la,phase,governance,all_through,status" {
		t.Fatalf("%d rows, header %v", len(recs), recs[0])
	}
	prev := 0
	for _, r := range recs[1:] {
		urn, err := strconv.Atoi(r[0])
		if err != nil || urn <= prev {
			t.Fatalf("not in URN order: %v after %d", r, prev)
		}
		prev = urn
	}
	count := map[string]int{}
	for _, r := range recs[1:] {
		count[r[3]+"/"+r[4]]++
		count[r[6]]++
		if r[5] == "true" {
			count["all-through"]++
		}
	}
	if count["primary/maintained"] != 929 || count["primary/academy"] != 160 || count["primary/free"] != 7 ||
		count["open"] != 728 || count["closed"] != 368 || count["all-through"] != 4 {
		t.Fatalf("classification counts %v", count)
	}
	code, out, _ = assure(t, dir, "", "schools", "list", "--status", "closed")
	if code != 0 || strings.Count(out, "\n") != 369 {
		t.Fatalf("closed table: %d, %d lines", code, strings.Count(out, "\n"))
	}
}

func TestBrokenFileImportsNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, err := os.ReadFile(fixture(t, fixtureRel))
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.csv")
	lines := strings.SplitAfter(string(good), "\r\n")
	lines[500] = strings.Replace(lines[500], `","`, `",`, 3) // a line with a stray quote
	_ = os.WriteFile(broken, []byte(strings.Join(lines, "")), 0o600)
	code, _, errs := assure(t, dir, "", "import-schools", broken)
	if code != 1 || !strings.Contains(errs, "line 501") {
		t.Fatalf("broken import: %d %s", code, errs)
	}
	_, out, _ := assure(t, dir, "", "schools", "list", "--format", "csv")
	if strings.TrimSpace(out) != "urn,name,la,phase,governance,all_through,status" {
		t.Fatalf("register after a broken file:\n%s", out)
	}
}

func TestAdminCreateAndHelp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, out, errs := assure(t, dir, "a long enough password\n", "admin", "create", "--email", "lead@example.org")
	if code != 0 || !strings.Contains(out, "Created admin lead@example.org") || strings.Contains(out, "Password:") {
		t.Fatalf("admin create: %d %s %s", code, out, errs)
	}
	code, out, _ = assure(t, dir, "", "admin", "create", "--email", "second@example.org")
	if code != 0 || !strings.Contains(out, "Password: ") {
		t.Fatalf("generated password: %d %s", code, out)
	}
	if code, _, errs = assure(t, dir, "", "admin", "create", "--email", "lead@example.org", "--generate"); code != 1 || !strings.Contains(errs, "already exists") {
		t.Fatalf("duplicate admin: %d %s", code, errs)
	}
	code, out, errs = assure(t, dir, "", "admin", "create", "--email", "subgroup@example.org", "--role", "viewer", "--generate")
	if code != 0 || !strings.Contains(out, "Created admin subgroup@example.org (viewer)") {
		t.Fatalf("admin create --role viewer: %d %s %s", code, out, errs)
	}
	if code, _, errs = assure(t, dir, "", "admin", "create", "--email", "x@example.org", "--role", "owner"); code != 1 || !strings.Contains(errs, "viewer, officer or administrator") {
		t.Fatalf("unknown role: %d %s", code, errs)
	}
	if code, _, errs = assure(t, dir, "", "serve", "--require-2fa", "perhaps"); code != 1 || !strings.Contains(errs, "REQUIRE_2FA") {
		t.Fatalf("bad REQUIRE_2FA: %d %s", code, errs)
	}
	if code, out, _ = assure(t, dir, "", "help"); code != 0 || !strings.Contains(out, "PARTNERSHIP_LA") || !strings.Contains(out, "import-schools") ||
		!strings.Contains(out, "REQUIRE_2FA") {
		t.Fatalf("help: %s", out)
	}
	if code, _, errs = assure(t, dir, "", "serve", "--addr", "nonsense", "--partnership-la", "92x"); code != 1 ||
		!strings.Contains(errs, "ADDR") || !strings.Contains(errs, "three digits") {
		t.Fatalf("bad settings: %d %s", code, errs)
	}
	if code, _, _ = assure(t, dir, "", "frobnicate"); code != 2 {
		t.Fatalf("unknown command: %d", code)
	}
}

func TestDemoLoadsTheCounty(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, out, errs := assure(t, dir, "", "demo")
	if code != 0 || !strings.Contains(out, "386 schools") || !strings.Contains(out, demoAdminEmail) {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	if code, _, errs = assure(t, dir, "", "demo"); code != 1 || !strings.Contains(errs, "empty store") {
		t.Fatalf("second demo: %d %s", code, errs)
	}
	_, out, _ = assure(t, dir, "", "schools", "list", "--format", "csv", "--phase", "secondary")
	if strings.Count(out, "\n") != 54 {
		t.Fatalf("secondary schools: %d lines", strings.Count(out, "\n"))
	}
}

func TestRoundCommands(t *testing.T) {
	t.Parallel()
	dir, _ := demoDir(t)
	code, out, errs := assure(t, dir, "", "round", "create", "--year", "2024-25", "--opens", "2024-10-01", "--deadline", "2024-12-13")
	if code != 0 || !strings.Contains(out, "Created round 2024-25 (draft)") {
		t.Fatalf("create: %d %s %s", code, out, errs)
	}
	// Export the form, change a question's wording, load it back.
	_, form, _ := assure(t, dir, "", "round", "form", "--year", "2024-25")
	edited := strings.Replace(form, "Is the designated safeguarding lead (DSL) a member of the senior leadership team?", "Is the DSL on the SLT?", 1)
	file := filepath.Join(t.TempDir(), "form.json")
	_ = os.WriteFile(file, []byte(edited), 0o600)
	if code, out, errs = assure(t, dir, "", "round", "form", "--year", "2024-25", "--load", file); code != 0 || !strings.Contains(out, "21 sections") {
		t.Fatalf("load form: %d %s %s", code, out, errs)
	}
	_ = os.WriteFile(file, []byte(strings.Replace(edited, `"kind": "yes_no"`, `"kind": "slider"`, 1)), 0o600)
	if code, _, errs = assure(t, dir, "", "round", "form", "--year", "2024-25", "--load", file); code != 1 || !strings.Contains(errs, "unknown kind") {
		t.Fatalf("bad form accepted: %d %s", code, errs)
	}
	if code, _, errs = assure(t, dir, "", "round", "links", "--year", "2024-25"); code != 1 || !strings.Contains(errs, "round open") {
		t.Fatalf("links before opening: %d %s", code, errs)
	}
	if code, out, _ = assure(t, dir, "", "round", "open", "--year", "2024-25"); code != 0 || !strings.Contains(out, "386 schools") {
		t.Fatalf("open: %s", out)
	}
	code, out, _ = assure(t, dir, "", "round", "links", "--year", "2024-25", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 387 || strings.Join(recs[0], ",") != "urn,school,phase,status,contact_email,link" || !strings.Contains(recs[1][5], "/r/") {
		t.Fatalf("links: %d rows %v", len(recs), err)
	}
	// A second run gives the same links: they stay until revoked.
	if _, again, _ := assure(t, dir, "", "round", "links", "--year", "2024-25"); again != out {
		t.Fatalf("links changed on a second run:\n%s", again)
	}
	_, out, _ = assure(t, dir, "", "round", "links", "--year", "2024-25", "--urn", "990006")
	if strings.Count(out, "/r/") != 1 {
		t.Fatalf("one school's link:\n%s", out)
	}
	_ = os.WriteFile(file, []byte(edited), 0o600)
	if code, _, errs = assure(t, dir, "", "round", "form", "--year", "2024-25", "--load", file); code != 1 || !strings.Contains(errs, "only while the round is a draft") {
		t.Fatalf("form changed on an open round: %d %s", code, errs)
	}
}
