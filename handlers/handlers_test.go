package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/kv"
	"github.com/lscp/assure/internal/loadtest"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/missions"
)

const (
	testEmail    = "officer@example.org"
	testPassword = "correct horse battery staple"
	// testRequestWait is how long a test's request may take: a bound on a hang, not a
	// figure to meet.
	testRequestWait = 2 * time.Minute
)

type testServer struct {
	app      *fiber.App
	register *forms.Register
	rounds   *forms.Rounds
	mail     *mail.Mailer
	audit    *audit.Log
	store    *store.Store
	joso     *missions.Programme
	accounts *accounts.Accounts
}

func newTestServer(t testing.TB) *testServer {
	t.Helper()
	return newTestServerWith(t, Config{Partnership: "Test Partnership"})
}

func newTestServerWith(t testing.TB, cfg Config) *testServer {
	t.Helper()
	return newTestServerOn(t, cfg, storetest.New(t))
}

// newTestServerOn is a test server on a given store.
func newTestServerOn(t testing.TB, cfg Config, st *store.Store) *testServer {
	t.Helper()
	return newTestServerWrapping(t, cfg, st, nil)
}

// newTestServerWrapping is a test server whose pages reach the register through wrap
// (a spy around the real one), when wrap is not nil. Its services are the service's own,
// built by internal/app.
func newTestServerWrapping(t testing.TB, cfg Config, st *store.Store, wrap func(*forms.Register) schoolsRegister) *testServer {
	t.Helper()
	return newTestServerApp(t, cfg, st, app.Config{Partnership: cfg.Partnership, PublicURL: cfg.PublicURL}, wrap)
}

// newTestServerApp is a test server whose services are built with acfg (a mail server, say).
func newTestServerApp(t testing.TB, cfg Config, st *store.Store, acfg app.Config, wrap func(*forms.Register) schoolsRegister) *testServer {
	t.Helper()
	s := app.New(st, acfg)
	var pages schoolsRegister = s.Register
	if wrap != nil {
		pages = wrap(s.Register)
	}
	if _, err := s.Accounts.Create(context.Background(), audit.System, testEmail, testPassword); err != nil && !errors.Is(err, accounts.ErrExists) {
		t.Fatal(err)
	}
	key, err := st.Secret(context.Background(), "csrf")
	if err != nil {
		t.Fatal(err)
	}
	cfg.StoreKind, cfg.CSRFKey = st.Kind, key
	if cfg.signInDelayBase == 0 {
		cfg.signInDelayBase = time.Millisecond // the growing delay's shape is tested on its own
	}
	if cfg.RequestTimeout == 0 {
		// Tests run side by side on a busy machine: a page must not fail for being slow
		// there. The deadline's own behaviour is tested on its own (deadline_test.go).
		cfg.RequestTimeout = testRequestWait
	}
	web, err := New(cfg, Deps{Store: st, Register: pages, Rounds: s.Rounds, Returns: s.Returns, Links: s.Links, Assurance: s.Assurance, Mail: s.Mail, Chase: s.Chase, Contacts: s.Contacts, Accounts: s.Accounts, Audit: s.Audit, Storage: kv.New(st, "kv", "web"),
		JOSO: JOSOServices(s.JOSO)})
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{app: web, register: s.Register, rounds: s.Rounds, mail: s.Mail, audit: s.Audit, store: st, joso: s.JOSO, accounts: s.Accounts}
}

// client is a browser of sorts: it keeps cookies and reads CSRF tokens from forms.
type client struct {
	t       testing.TB
	srv     *testServer
	cookies map[string]string
	csrf    string
}

func (s *testServer) client(t testing.TB) *client {
	return &client{t: t, srv: s, cookies: map[string]string{}}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) (int, string, http.Header) {
	c.t.Helper()
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.srv.app.Test(req, int(testRequestWait/time.Millisecond)+5000)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	body, _ := io.ReadAll(res.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return res.StatusCode, string(body), res.Header
}

func (c *client) get(path string) (int, string, http.Header) {
	c.t.Helper()
	return c.do(httptestRequest("GET", path, nil, ""))
}

func (c *client) post(path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	return c.do(httptestRequest("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"))
}

func httptestRequest(method, path string, body io.Reader, contentType string) *http.Request {
	req, _ := http.NewRequest(method, "http://assure.test"+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func (c *client) signIn() {
	c.t.Helper()
	c.signInAs(testEmail, testPassword)
}

// signInAs signs in a team member without two-factor sign-in.
func (c *client) signInAs(email, password string) {
	c.t.Helper()
	c.get("/sign-in")
	code, body, h := c.post("/sign-in", url.Values{"_csrf": {c.csrf}, "email": {email}, "password": {password}})
	if code != http.StatusSeeOther || h.Get("Location") != "/admin" {
		c.t.Fatalf("sign-in: %d %s\n%s", code, h.Get("Location"), body)
	}
}

// returnAction has a signed-in admin post an action from a school's return page in the
// 2024-25 round, as its form does (the page read first for its CSRF token), and gives the
// status and headers.
func (c *client) returnAction(urn int, action string, form url.Values) (int, http.Header) {
	c.t.Helper()
	page := "/admin/rounds/2024-25/returns/" + strconv.Itoa(urn)
	c.get(page)
	f := url.Values{"_csrf": {c.csrf}}
	for k, v := range form {
		f[k] = v
	}
	code, _, h := c.post(page+"/"+action, f)
	return code, h
}

func TestAccessToEveryRoute(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ex, err := forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.register.Import(context.Background(), ex, forms.ImportOptions{By: audit.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	job, err := srv.register.CreateJob(context.Background(), audit.Actor{Name: "test"}, "x.csv", ex)
	if err != nil {
		t.Fatal(err)
	}
	adminOnly := []string{"/admin", "/admin/schools", "/admin/schools?phase=special&q=academy", "/admin/schools/990001",
		"/admin/schools/import", "/admin/schools/import/" + job.ID, "/admin/schools/import/" + job.ID + "/status", "/admin/audit", "/sign-out", "/admin/joso", "/admin/contacts", "/admin/contacts.csv"}
	public := []string{"/", "/sign-in", "/healthz", "/assets/assure.css", "/assets/app.js"}

	anon := srv.client(t)
	for _, p := range adminOnly {
		code, _, h := anon.get(p)
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in?next=") {
			t.Errorf("anonymous GET %s: %d %s, want a redirect to sign in", p, code, h.Get("Location"))
		}
	}
	for _, p := range public {
		if code, _, _ := anon.get(p); code != http.StatusOK {
			t.Errorf("anonymous GET %s: %d", p, code)
		}
	}
	if code, _, _ := anon.get("/templates/layout.html"); code != http.StatusNotFound {
		t.Errorf("template source reachable: %d", code)
	}
	if code, _, _ := anon.get("/assets/../templates/layout.html"); code == http.StatusOK {
		t.Error("template source reachable through the asset route")
	}

	admin := srv.client(t)
	admin.signIn()
	for _, p := range adminOnly {
		if code, body, _ := admin.get(p); code != http.StatusOK {
			t.Errorf("admin GET %s: %d\n%s", p, code, body)
		}
	}
	for _, p := range []string{"/", "/sign-in"} {
		if code, _, h := admin.get(p); code != http.StatusSeeOther || h.Get("Location") != "/admin" {
			t.Errorf("signed-in GET %s: %d %s, want a redirect to /admin", p, code, h.Get("Location"))
		}
	}
	if code, _, _ := admin.get("/admin/schools/123"); code != http.StatusNotFound {
		t.Errorf("unknown URN: %d", code)
	}
	if code, _, _ := admin.get("/admin/schools/import/nope"); code != http.StatusNotFound {
		t.Errorf("unknown job: %d", code)
	}
	if code, _, _ := admin.get("/no/such/page"); code != http.StatusNotFound {
		t.Errorf("unknown page: %d", code)
	}
}

func TestSignInSignOutAndAudit(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := srv.client(t)
	c.get("/sign-in")
	before := c.cookies["assure_session"]

	code, body, _ := c.post("/sign-in", url.Values{"_csrf": {c.csrf}, "email": {"not-an-email"}, "password": {""}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter an email address in the correct format") ||
		!strings.Contains(body, "Enter your password") || !strings.Contains(body, `value="not-an-email"`) ||
		!strings.Contains(body, `govuk-error-summary`) || !strings.Contains(body, "<title>Error: ") {
		t.Fatalf("invalid form: %d\n%s", code, body)
	}
	code, body, _ = c.post("/sign-in", url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {"wrong password!"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "The email address or password is not right") {
		t.Fatalf("wrong password: %d", code)
	}
	c.signIn()
	if c.cookies["assure_session"] == "" || c.cookies["assure_session"] == before {
		t.Fatal("sign-in did not issue a fresh session ID")
	}
	if code, _, _ := c.get("/admin"); code != http.StatusOK {
		t.Fatalf("after sign-in: %d", code)
	}
	c.get("/sign-out")
	if code, _, h := c.post("/sign-out", url.Values{"_csrf": {c.csrf}}); code != http.StatusSeeOther || h.Get("Location") != "/" {
		t.Fatalf("sign-out: %d", code)
	}
	if code, _, _ := c.get("/admin"); code != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d", code)
	}
	entries, err := srv.audit.Recent(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "sign-out,sign-in,sign-in-failed,admin-created" { // the last made by the test server
		t.Fatalf("audit: %s", got)
	}
}

func TestCSRFRefused(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := srv.client(t)
	c.get("/sign-in")
	for name, form := range map[string]url.Values{
		"no token":    {"email": {testEmail}, "password": {testPassword}},
		"wrong token": {"_csrf": {"x" + c.csrf}, "email": {testEmail}, "password": {testPassword}},
	} {
		if code, body, _ := c.post("/sign-in", form); code != http.StatusForbidden || !strings.Contains(body, "This form has expired") {
			t.Errorf("%s: %d", name, code)
		}
	}
	// A token from another browser (another cookie) is no good either.
	other := srv.client(t)
	other.get("/sign-in")
	if code, _, _ := c.post("/sign-in", url.Values{"_csrf": {other.csrf}, "email": {testEmail}, "password": {testPassword}}); code != http.StatusForbidden {
		t.Errorf("someone else's token: %d", code)
	}
	// A cross-site Origin is refused even with a good token.
	req := httptestRequest("POST", "/sign-in", strings.NewReader(url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {testPassword}}.Encode()), "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if code, _, _ := c.do(req); code != http.StatusForbidden {
		t.Errorf("cross-site origin: %d", code)
	}
	if code, _, _ := c.get("/admin"); code != http.StatusSeeOther {
		t.Error("a refused request signed someone in")
	}
}

func TestSignInRateLimited(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := srv.client(t)
	c.get("/sign-in")
	var code int
	var body string
	for range 11 {
		code, body, _ = c.post("/sign-in", url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {"guess guess guess"}})
	}
	if code != http.StatusTooManyRequests || !strings.Contains(body, "too many attempts") {
		t.Fatalf("11th wrong password: %d", code)
	}
	// The right password does not get through the limit either.
	if code, _, _ = c.post("/sign-in", url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {testPassword}}); code != http.StatusTooManyRequests {
		t.Fatalf("right password while limited: %d", code)
	}
	entries, _ := srv.audit.Recent(context.Background(), 1)
	if len(entries) != 1 || !strings.HasPrefix(entries[0].Detail, "rate limited") {
		t.Fatalf("rate limit not audited: %+v", entries)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	_, _, h := srv.client(t).get("/sign-in")
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'",
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-store",
	} {
		if !strings.Contains(h.Get(k), want) {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	found := false
	for _, ck := range (&http.Response{Header: h}).Cookies() {
		if ck.Name == csrfCookie {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
				t.Errorf("CSRF cookie flags over plain HTTP: %+v", ck)
			}
		}
	}
	if !found {
		t.Error("no CSRF cookie set")
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	code, body, _ := srv.client(t).get("/healthz")
	var got map[string]string
	_ = json.Unmarshal([]byte(body), &got)
	if code != 200 || got["status"] != "ok" || (got["store"] != "embedded" && got["store"] != "mongodb") {
		t.Fatalf("healthz: %d %s", code, body)
	}
}

// A store that has gone away: /healthz says so with 503, pages say so with 503, no panic.
func TestStoreGoneAway(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := srv.client(t)
	c.signIn()
	if err := srv.store.Client.Disconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := c.get("/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"unavailable"`) {
		t.Fatalf("healthz: %d %s", code, body)
	}
	if code, body, _ := c.get("/admin"); code != http.StatusServiceUnavailable || !strings.Contains(body, "the service is unavailable") {
		t.Fatalf("page: %d\n%s", code, body)
	}
}

// An external store that stops and comes back: 503s and a failing /healthz while it is
// away, no panic, and the same running service recovers by itself when it returns.
// Not parallel: the store comes back on the port it had, which a test running alongside
// could take while it is away.
func TestExternalStoreStopsAndReturns(t *testing.T) {
	dir := t.TempDir()
	addr, err := loadtest.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	_, stop, err := embedded.StartOn(dir, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.OpenStore(context.Background(), app.Config{MongoURI: "mongodb://" + addr + "/", Database: "assure"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	srv := newTestServerOn(t, Config{Partnership: "Test Partnership"}, st)
	c := srv.client(t)
	c.signIn()
	if code, _, _ := c.get("/healthz"); code != http.StatusOK {
		t.Fatalf("healthz before: %d", code)
	}
	stop()
	if code, body, _ := c.get("/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "unavailable") {
		t.Fatalf("healthz while away: %d %s", code, body)
	}
	for _, p := range []string{"/admin", "/admin/schools", "/admin/audit"} {
		if code, body, _ := c.get(p); code != http.StatusServiceUnavailable || !strings.Contains(body, "the service is unavailable") {
			t.Fatalf("%s while away: %d", p, code)
		}
	}
	if _, stop, err = embedded.StartOn(dir, addr, nil); err != nil {
		t.Fatal(err)
	}
	defer stop()
	deadline := time.Now().Add(time.Minute)
	for {
		code, _, _ := c.get("/healthz")
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery within a minute: %d", code)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The admin's session (in the store) survived, and pages work again.
	if code, _, _ := c.get("/admin/schools"); code != http.StatusOK {
		t.Fatalf("after recovery: %d", code)
	}
}

// Behind a TLS-terminating proxy the session cookie is Secure; on plain HTTP it cannot be.
func TestSecureCookiesOverTLS(t *testing.T) {
	t.Parallel()
	srv := newTestServerWith(t, Config{Partnership: "Test Partnership", TrustProxy: []string{"0.0.0.0"}})
	c := srv.client(t)
	c.get("/sign-in")
	req := httptestRequest("POST", "/sign-in", strings.NewReader(url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {testPassword}}.Encode()), "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := srv.app.Test(req, 30000)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ck := range res.Cookies() {
		if ck.Name == "assure_session" {
			found = true
			if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Fatalf("session cookie over TLS: %+v", ck)
			}
		}
	}
	if !found || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in over TLS: %d, cookie set %v", res.StatusCode, found)
	}
}

func TestOversizedFormRefused(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := srv.client(t)
	c.get("/sign-in")
	big := url.Values{"_csrf": {c.csrf}, "email": {strings.Repeat("a", maxFormBytes)}}
	if code, _, _ := c.post("/sign-in", big); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized form: %d", code)
	}
}

func (c *client) upload(name string, data []byte) (int, string, http.Header) {
	c.t.Helper()
	return c.uploadTo("/admin/schools/import", "file", name, data)
}

// uploadTo posts a file as a form's field, with the CSRF token.
func (c *client) uploadTo(path, field, name string, data []byte) (int, string, http.Header) {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.csrf)
	fw, _ := w.CreateFormFile(field, name)
	_, _ = fw.Write(data)
	_ = w.Close()
	return c.do(httptestRequest("POST", path, &buf, w.FormDataContentType()))
}

func TestUploadGIAS(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := srv.client(t)
	c.signIn()
	c.get("/admin/schools/import")

	fixture, err := os.ReadFile(filepath.Join("..", "..", "shared", "fixtures", "gias", "hampshire-surrey-primary-2022-04-20.csv"))
	if err != nil {
		t.Fatalf("fixture missing (shared/ must sit beside the project): %v", err)
	}
	broken := append(bytes.Clone(fixture), []byte("\"1\",\"850\"\r\n")...)
	code, body, _ := c.upload("broken.csv", broken)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Line 1098 of the file") || !strings.Contains(body, "Nothing was imported") {
		t.Fatalf("broken file: %d\n%s", code, body)
	}
	if n, _ := srv.register.Count(context.Background()); n != 0 {
		t.Fatalf("a broken file imported %d schools", n)
	}
	if code, body, _ = c.upload("schools.xlsx", []byte("PK\x03\x04")); code != http.StatusUnprocessableEntity || !strings.Contains(body, "must be a CSV file") {
		t.Fatalf("wrong type: %d", code)
	}

	code, _, h := c.upload("gias.csv", fixture)
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/admin/schools/import/") {
		t.Fatalf("upload: %d %s", code, h.Get("Location"))
	}
	jobPath := h.Get("Location")
	var job forms.ImportJob
	for range 600 {
		_, body, _ = c.get(jobPath + "/status")
		if err := json.Unmarshal([]byte(body), &job); err != nil {
			t.Fatal(err)
		}
		if job.State != forms.JobSaving {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if job.State != forms.JobDone || job.Report == nil || job.Report.Added != 1096 {
		t.Fatalf("job: %+v", job)
	}
	_, body, _ = c.get(jobPath)
	if !strings.Contains(body, "Register updated") || !strings.Contains(body, "1096") {
		t.Fatalf("job page:\n%s", body)
	}
	_, body, _ = c.get("/admin/schools?q=Alton+Infant")
	if !strings.Contains(body, "Alton Infant School") || !strings.Contains(body, "1 school matches") {
		t.Fatalf("search after import:\n%s", body)
	}
	// The audit entry is written just after the job's last progress; wait for it.
	var entries []audit.Entry
	for range 200 {
		entries, _ = srv.audit.Recent(context.Background(), 10)
		for _, e := range entries {
			if e.Action == audit.ActionImport && strings.Contains(e.Detail, "added 1096") {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal(fmt.Sprint("import not audited: ", entries))
}
