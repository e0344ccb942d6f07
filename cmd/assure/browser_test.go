package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// syncBuffer collects a command's output while the server is still writing it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// liveServer runs `assure serve` in-process on a free port on a copy of the demo's data
// directory, and returns its base URL and the demo admin's password.
func liveServer(t *testing.T) (base, password string) {
	t.Helper()
	dir, out := demoDir(t)
	return serveOn(t, dir, &syncBuffer{}), demoPassword(t, out)
}

// liveServerOnEmptyStore is liveServer starting on an empty data directory, as on a first
// start: serve loads the demo itself.
func liveServerOnEmptyStore(t *testing.T) (base, password string) {
	t.Helper()
	var out syncBuffer
	base = serveOn(t, t.TempDir(), &out)
	return base, demoPassword(t, out.String())
}

// demoPassword is the demo admin's password from what loading the demo printed.
func demoPassword(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no demo password printed:\n%s", out)
	}
	return m[1]
}

// serveOn runs `assure serve` (DEMO=true) on dir, its output to out, and returns its base
// URL once it is healthy.
func serveOn(t *testing.T, dir string, out *syncBuffer) string {
	t.Helper()
	return serveOnWith(t, dir, out, nil)
}

// serveOnWith is serveOn with more settings (a mail server, say).
func serveOnWith(t *testing.T, dir string, out *syncBuffer, extra map[string]string) string {
	t.Helper()
	// The port is free when chosen, but a test running alongside may take it before serve
	// listens; serve then stops, and another port is tried.
	for range 3 {
		if base, ok := tryServe(t, dir, out, extra); ok {
			return base
		}
	}
	t.Fatal("serve could not listen on three free ports")
	return ""
}

// tryServe is serveOn's one attempt: ok is false when serve could not listen.
func tryServe(t *testing.T, dir string, out *syncBuffer, extra map[string]string) (base string, ok bool) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var errs syncBuffer
	done := make(chan int, 1)
	go func() {
		env := map[string]string{"ADDR": addr, "DATA_DIR": dir, "DEMO": "true", "PARTNERSHIP_NAME": "Test Safeguarding Children Partnership",
			// Tests run side by side on a busy machine: a page must not fail for being slow.
			"REQUEST_TIMEOUT": "2m"}
		for k, v := range extra {
			env[k] = v
		}
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), out, &errs)
	}()
	exited := false
	t.Cleanup(func() {
		cancel()
		if exited {
			return
		}
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d:\n%s", code, errs.String())
			}
		case <-time.After(40 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	base = "http://" + addr
	// Loading the demo takes a while on a busy machine; the bound only stops a hung start.
	deadline := time.Now().Add(10 * time.Minute)
	for {
		select {
		case code := <-done:
			exited = true
			if strings.Contains(errs.String(), "address already in use") {
				return "", false
			}
			t.Fatalf("serve exited %d before it was healthy:\n%s", code, errs.String())
		default:
		}
		// Healthy, and listening itself: not another server that took the port.
		if strings.Contains(errs.String(), "msg=serving") && healthy(base) {
			return base, true
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become healthy:\n%s", errs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func healthy(base string) bool {
	res, err := http.Get(base + "/healthz")
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// chromium finds the browser; a machine without it fails the test (CI installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is not installed: the browser tests need it (apt-get install chromium, or scripts/test installs it)")
	return ""
}

// axeSource is axe-core from static/node_modules; a missing copy fails the test.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "static", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is missing: run `npm ci --prefix static` (scripts/test does): %v", err)
	}
	return string(b)
}

// sharedChromium is the one Chromium every browser test of this binary uses: starting a
// browser costs seconds of CPU, and tests run side by side in browser contexts of their own.
var sharedChromium struct {
	once    sync.Once
	ctx     context.Context // the browser's first tab, kept open while tests run
	err     error
	profile string
	stop    func()
}

// startChromium starts the shared browser once; path is the executable.
func startChromium(path string) (context.Context, error) {
	b := &sharedChromium
	b.once.Do(func() {
		// Not t.TempDir: the browser outlives every test, and Chromium may still be writing
		// its profile as it stops.
		b.profile, b.err = os.MkdirTemp("", "assure-chromium-")
		if b.err != nil {
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(b.profile),
			chromedp.WindowSize(1280, 1000),
		}
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelB := chromedp.NewContext(actx)
		b.ctx, b.stop = ctx, func() { cancelB(); cancelA(); _ = os.RemoveAll(b.profile) }
		b.err = chromedp.Run(ctx)
	})
	return b.ctx, b.err
}

// stopChromium closes the shared browser, if a test started it (TestMain, after the tests).
func stopChromium() {
	if b := &sharedChromium; b.stop != nil {
		b.stop()
	}
}

// newBrowser is a fresh browser for one person: a new browser context (its own cookies,
// storage and cache, as a separate profile would have) with one window, in the shared
// Chromium.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	root, err := startChromium(chromium(t))
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	var id target.ID
	var person cdp.BrowserContextID
	// In a window of its own: headless Chromium opens no tab in a new browser context that
	// has no window yet (chromedp's WithNewBrowserContext asks for a tab).
	if err := chromedp.Run(root, chromedp.ActionFunc(func(ctx context.Context) error {
		browser := cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser)
		var err error
		if person, err = target.CreateBrowserContext().Do(browser); err != nil {
			return err
		}
		id, err = target.CreateTarget("about:blank").WithBrowserContextID(person).WithNewWindow(true).Do(browser)
		return err
	})); err != nil {
		t.Fatalf("opening a browser context: %v", err)
	}
	ctx, cancelB := chromedp.NewContext(root, chromedp.WithTargetID(id))
	// A bound on a hung browser, under go test's own timeout; not a figure to meet.
	ctx, cancelC := context.WithTimeout(ctx, 15*time.Minute)
	t.Cleanup(func() {
		cancelC()
		cancelB()
		_ = chromedp.Run(root, chromedp.ActionFunc(func(ctx context.Context) error {
			return target.DisposeBrowserContext(person).Do(cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser))
		}))
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("opening a browser window: %v", err)
	}
	return ctx
}

// disableJS switches the page's scripts off, and blocks the page's own script from even
// loading: axe switches execution back on for a moment, and app.js must not run then.
func disableJS(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	block := network.SetBlockedURLs().WithURLPatterns([]*network.BlockPattern{{URLPattern: base + "/assets/app.js", Block: true}})
	if err := chromedp.Run(ctx, network.Enable(), block, emulation.SetScriptExecutionDisabled(true)); err != nil {
		t.Fatal(err)
	}
}

// browserWithJS starts a browser, with the page's JavaScript on or off, and a runner of
// steps that fails the test with the step's name.
func browserWithJS(t *testing.T, base string, js bool) (context.Context, func(what string, actions ...chromedp.Action)) {
	t.Helper()
	ctx := newBrowser(t)
	if !js {
		disableJS(t, ctx, base)
		ctx = context.WithValue(ctx, noJSKey{}, true)
	}
	return ctx, func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// noJSKey marks a browser context whose page scripts are switched off.
type noJSKey struct{}

type axeViolation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the current page for WCAG 2.2 A and AA and fails on any
// violation. It runs through DevTools, so it works with the page's JavaScript off too.
func checkAxe(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	if noJS, _ := ctx.Value(noJSKey{}).(bool); noJS {
		// axe needs timers, which do not run while scripts are off. The page's own scripts
		// did not run when it loaded, so switching execution on for axe leaves it as a
		// no-JavaScript visitor sees it.
		if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(false)); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(true)); err != nil {
				t.Fatal(err)
			}
		}()
	}
	var loaded bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(axe+";true", &loaded)); err != nil {
		t.Fatalf("%s: injecting axe: %v", page, err)
	}
	var raw string
	// resultTypes: only violations are read, so axe lists every violating node but only
	// one node each for passes and the rest, which saves it work on long pages.
	script := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations))`
	if err := chromedp.Run(ctx, chromedp.Evaluate(script, &raw, func(p *runtimeEvaluateParams) *runtimeEvaluateParams {
		return p.WithAwaitPromise(true)
	})); err != nil {
		t.Fatalf("%s: running axe: %v", page, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe %s: %s at %v", page, v.ID, v.Help, v.Nodes)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	if err := chromedp.Run(ctx, chromedp.Text(sel, &s, chromedp.ByQuery)); err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// tryText reads an element's text, or "" while the page is between documents.
func tryText(ctx context.Context, sel string) string {
	var s string
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := chromedp.Run(tctx, chromedp.Text(sel, &s, chromedp.ByQuery)); err != nil {
		return ""
	}
	return s
}

// load runs actions that end in a navigation (a click on a link or a submit button) and
// returns once the new page has loaded, so nothing that follows reads the old page.
func load(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res != nil && res.Status >= 500 {
		t.Fatalf("%s: HTTP %d", what, res.Status)
	}
	if err := chromedp.Run(ctx, chromedp.WaitReady("body", chromedp.ByQuery)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	var u string
	if err := chromedp.Run(ctx, chromedp.Location(&u)); err != nil {
		t.Fatal(err)
	}
	return u
}

// The admin journey in a real browser: sign in (after a validation error), upload a GIAS
// file, watch it import, search and filter the register, open a school, read the audit
// log; axe-core finds nothing on any page. Then the same with JavaScript switched off.
// The service starts on an empty store, so it loads the demo as on a first start.
func TestBrowserAdminJourney(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	gias := fixture(t, fixtureRel)
	base, password := liveServerOnEmptyStore(t)
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			ctx, run := browserWithJS(t, base, js)
			load(t, ctx, "open the start page", chromedp.Navigate(base+"/"))
			checkAxe(t, ctx, axe, "start page")

			load(t, ctx, "go to sign in", chromedp.Click(`a.govuk-button--start`, chromedp.ByQuery))
			checkAxe(t, ctx, axe, "sign-in page")

			run("type the email", chromedp.SendKeys("#email", demoAdminEmail, chromedp.ByQuery))
			load(t, ctx, "sign in with no password", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Enter your password") {
				t.Fatalf("error summary: %q", s)
			}
			var kept string
			run("read the kept email", chromedp.Value("#email", &kept, chromedp.ByQuery))
			if kept != demoAdminEmail {
				t.Fatalf("typed email not kept: %q", kept)
			}
			checkAxe(t, ctx, axe, "sign-in page with errors")

			run("type the password", chromedp.SendKeys("#password", password, chromedp.ByQuery))
			load(t, ctx, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			if h := text(t, ctx, "h1"); !strings.Contains(h, "Partnership overview") {
				t.Fatalf("after sign-in: %q", h)
			}
			checkAxe(t, ctx, axe, "overview")

			load(t, ctx, "open the upload page", chromedp.Navigate(base+"/admin/schools/import"))
			checkAxe(t, ctx, axe, "upload page")
			run("choose the GIAS file", chromedp.SetUploadFiles("#file", []string{gias}, chromedp.ByQuery))
			load(t, ctx, "upload the GIAS file", chromedp.Click(`form[enctype] button[type=submit]`, chromedp.ByQuery))
			for i := 0; !strings.Contains(tryText(ctx, "h1"), "Register updated"); i++ {
				h := tryText(ctx, "h1")
				if i > 300 || strings.Contains(h, "did not finish") {
					t.Fatalf("import did not finish: %s", tryText(ctx, "main"))
				}
				if i == 0 && strings.HasPrefix(h, "Importing") {
					checkAxe(t, ctx, axe, "import progress page")
				}
				if js || !strings.HasPrefix(h, "Importing") {
					// The page polls and reloads itself when the import ends.
					time.Sleep(200 * time.Millisecond)
					continue
				}
				load(t, ctx, "check progress", chromedp.Click(`//button[contains(., "Check progress")]`))
			}
			summary := text(t, ctx, ".govuk-summary-list")
			if js && !strings.Contains(summary, "1096") {
				t.Fatalf("first import report: %s", summary)
			}
			if !js && !strings.Contains(summary, "Unchanged") {
				t.Fatalf("second import report: %s", summary)
			}
			checkAxe(t, ctx, axe, "import report")

			load(t, ctx, "open the register", chromedp.Navigate(base+"/admin/schools"))
			run("fill in the filter", chromedp.SendKeys("#q", "Alton", chromedp.ByQuery), chromedp.SetValue("#status", "open", chromedp.ByQuery))
			load(t, ctx, "filter", chromedp.Click(`//button[contains(., "Filter")]`))
			if u := location(t, ctx); !strings.Contains(u, "q=Alton") || !strings.Contains(u, "status=open") {
				t.Fatalf("filter not in the address: %s", u)
			}
			if s := text(t, ctx, "table"); !strings.Contains(s, "Alton Infant School") || strings.Contains(s, "Boston") {
				t.Fatalf("search results: %s", s)
			}
			checkAxe(t, ctx, axe, "register, filtered")

			load(t, ctx, "open a school", chromedp.Click(`//a[contains(., "Alton Infant School")]`))
			if s := text(t, ctx, "main"); !strings.Contains(s, "URN 115850") || !strings.Contains(s, "Primary") {
				t.Fatalf("school page: %s", s)
			}
			checkAxe(t, ctx, axe, "school page")

			load(t, ctx, "filter by phase", chromedp.Navigate(base+"/admin/schools?phase=special"))
			if s := text(t, ctx, "main p"); !strings.Contains(s, "18 schools match") {
				t.Fatalf("special schools: %s", s)
			}
			load(t, ctx, "open the register", chromedp.Navigate(base+"/admin/schools"))
			load(t, ctx, "next page", chromedp.Click(`a[rel=next]`, chromedp.ByQuery))
			if s := text(t, ctx, "caption"); !strings.Contains(s, "Schools 51 to 100") {
				t.Fatalf("page 2: %s", s)
			}
			checkAxe(t, ctx, axe, "register, page 2")

			load(t, ctx, "audit log", chromedp.Navigate(base+"/admin/audit"))
			if s := text(t, ctx, "table"); !strings.Contains(s, "register-import") || !strings.Contains(s, "sign-in") {
				t.Fatalf("audit log: %s", s)
			}
			checkAxe(t, ctx, axe, "audit log")

			load(t, ctx, "sign out", chromedp.Navigate(base+"/sign-out"))
			checkAxe(t, ctx, axe, "sign-out page")
			load(t, ctx, "confirm", chromedp.Click(`form[action="/sign-out"] button`, chromedp.ByQuery))
			if h := text(t, ctx, "h1"); !strings.Contains(h, "Safeguarding assurance") {
				t.Fatalf("after sign-out: %s", h)
			}

			load(t, ctx, "not found page", chromedp.Navigate(base+"/nowhere"))
			checkAxe(t, ctx, axe, "not found page")
		})
	}
}
