package handlers

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/store"
)

// Session fixation: a session ID an attacker planted before sign-in (or before a governor
// opens a link) is never the one that becomes signed in.
func TestPlantedSessionIsNeverSignedIn(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	tok, _ := forms.NewLinks(rs).IssueLink(context.Background(), audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA})
	for name, enter := range map[string]func(c *client){
		"admin sign-in": func(c *client) { c.signIn() },
		"governor link": func(c *client) { c.openLink(tok) },
	} {
		victim := srv.client(t)
		victim.get("/sign-in")
		planted := "attacker-chosen-session-id-0123456789"
		victim.cookies["assure_session"] = planted
		enter(victim)
		if got := victim.cookies["assure_session"]; got == "" || got == planted {
			t.Fatalf("%s: session ID after entering is %q", name, got)
		}
		attacker := srv.client(t)
		attacker.cookies["assure_session"] = planted
		if code, _, _ := attacker.get("/admin"); code != http.StatusSeeOther {
			t.Errorf("%s: the planted ID reached /admin: %d", name, code)
		}
		if code, _, _ := attacker.get("/return"); code != http.StatusForbidden {
			t.Errorf("%s: the planted ID reached /return: %d", name, code)
		}
	}
}

// Guessing links: after 30 failed openings from one address in ten minutes every
// opening is refused (a right one too), and the refusal is in the audit log.
func TestLinkGuessingIsLimitedAndAudited(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	tok, _ := forms.NewLinks(rs).IssueLink(context.Background(), audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA})
	c := srv.client(t)
	for i := range 30 {
		if code, _ := c.openLink("AAAAAAAAAAAAAAAAAAAA" + string(rune('A'+i%26)) + "A"); code != http.StatusNotFound {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code, body := c.openLink(tok); code != http.StatusTooManyRequests || !strings.Contains(body, "Too many attempts") {
		t.Fatalf("31st opening: %d", code)
	}
	if code, _, _ := c.get("/joso/link/AAAAAAAAAAAAAAAAAAAAAA"); code != http.StatusTooManyRequests {
		t.Fatalf("teacher link from the same address: %d", code)
	}
	var limited []audit.Entry
	_ = srv.audit.Each(context.Background(), audit.Filter{Action: "link-rate-limited"}, 0, func(e audit.Entry) error { limited = append(limited, e); return nil })
	if len(limited) != 1 || limited[0].Count != 2 {
		t.Fatalf("refusals audited: %+v", limited)
	}
}

// CSRF: every state-changing governor and teacher request without the token is refused
// and changes nothing.
func TestGovernorSaveWithoutTokenChangesNothing(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	tok, _ := forms.NewLinks(rs).IssueLink(context.Background(), audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA})
	g := srv.client(t)
	g.openLink(tok)
	before, _ := rs.Returns().Get(context.Background(), forms.ReturnID{Round: "2024-25", URN: urnA})
	for _, path := range []string{"/return/section/dsl", "/return/submit", "/return/sign-out"} {
		if code, _, _ := g.post(path, url.Values{"version": {"0"}, "dsl.on_slt": {"no"}}); code != http.StatusForbidden {
			t.Errorf("%s without a token: %d", path, code)
		}
		if code, _, _ := g.post(path, url.Values{"_csrf": {"forged"}, "version": {"0"}, "dsl.on_slt": {"no"}}); code != http.StatusForbidden {
			t.Errorf("%s with a forged token: %d", path, code)
		}
	}
	after, _ := rs.Returns().Get(context.Background(), forms.ReturnID{Round: "2024-25", URN: urnA})
	if after.Version != before.Version || len(after.Answers) != 0 {
		t.Fatalf("a refused request changed the return: v%d → v%d", before.Version, after.Version)
	}
}

// The page to return to after sign-in comes from the address bar, so anyone can write it
// into a link: it must never inject a header (CR/LF), plant a cookie or lead to another
// site, whichever way the browser would read it.
func TestSignInNextIsOnlyALocalPath(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	hostile := []string{
		"/admin\r\nSet-Cookie: planted=1", "/admin\nSet-Cookie: planted=1", "/admin\rX-Evil: 1",
		"/%0d%0aSet-Cookie:%20planted=1", "%0d%0a/admin", "/admin%0aX-Evil:%201",
		"//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example", " //evil.example",
		"/\x00/evil.example", "/\x7f/evil.example", "/\u0085/evil.example",
		"https://evil.example", "http:/evil.example", "javascript:alert(1)", "evil.example", "admin",
		"/\u3000/evil.example", "/\uff0f/evil.example", "\uff0f\uff0fevil.example", "/\u2215\u2215evil.example",
		"/admin\u202e", "/\ufeff/evil.example", "/%E3%80%80/evil.example", "",
	}
	// Hostile values arrive both decoded once (as a browser sends a typed link) and as
	// they stand.
	admin := srv.client(t)
	admin.signIn()
	for _, next := range hostile {
		for _, raw := range []string{url.QueryEscape(next), escapeLightly(next)} {
			code, _, h := admin.get("/sign-in?next=" + raw)
			checkLocation(t, "signed in, next="+raw, code, h, "/admin")
			c := srv.client(t)
			c.get("/sign-in")
			code, _, h = c.post("/sign-in?next="+raw, url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {testPassword}})
			checkLocation(t, "sign-in, next="+raw, code, h, "/admin")
		}
	}
	for _, next := range []string{"/admin/schools?q=Alton+Infant&phase=primary", "/admin/rounds/2024-25/dashboard", "/admin/audit"} {
		code, _, h := admin.get("/sign-in?next=" + url.QueryEscape(next))
		checkLocation(t, "good next "+next, code, h, next)
	}
}

// escapeLightly percent-encodes only what cannot stand in a request line, as a browser does.
func escapeLightly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '\\' || c == '#' {
			fmt.Fprintf(&b, "%%%02x", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func checkLocation(t *testing.T, what string, code int, h http.Header, want string) {
	t.Helper()
	if code != http.StatusSeeOther || len(h.Values("Location")) != 1 || h.Get("Location") != want {
		t.Errorf("%s: %d Location %q, want %q", what, code, h.Values("Location"), want)
	}
	if h.Get("X-Evil") != "" || strings.Contains(strings.Join(h.Values("Set-Cookie"), ";"), "planted") {
		t.Errorf("%s: a header was injected: %v", what, h)
	}
}

// X-Forwarded-* headers are anyone's to write: without a configured proxy they must not make
// a cross-site Origin look same-site, make a cookie Secure or change the client's address;
// from the configured proxy's address they are believed.
func TestForwardedHeadersOnlyFromATrustedProxy(t *testing.T) {
	t.Parallel()
	forged := func(c *client, xffFor string) (int, []*http.Cookie) {
		t.Helper()
		c.get("/sign-in")
		req := httptestRequest("POST", "/sign-in", strings.NewReader(url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {testPassword}}.Encode()), "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("X-Forwarded-Host", "evil.example")
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-For", xffFor)
		for k, v := range c.cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		res, err := c.srv.app.Test(req, 30000)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, res.Cookies()
	}
	secure := func(cookies []*http.Cookie, name string) bool {
		for _, ck := range cookies {
			if ck.Name == name {
				return ck.Secure
			}
		}
		return false
	}

	srv := newTestServer(t)
	if code, _ := forged(srv.client(t), "203.0.113.9"); code != http.StatusForbidden {
		t.Fatalf("untrusted: a forged X-Forwarded-Host let a cross-site Origin through: %d", code)
	}
	req := httptestRequest("GET", "/sign-in", nil, "")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	res, err := srv.app.Test(req, 30000)
	if err != nil {
		t.Fatal(err)
	}
	if secure(res.Cookies(), csrfCookie) {
		t.Fatal("untrusted: a forged X-Forwarded-Proto made the cookie Secure")
	}
	c := srv.client(t)
	c.get("/sign-in")
	wrong := httptestRequest("POST", "/sign-in", strings.NewReader(url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {"not the password"}}.Encode()), "application/x-www-form-urlencoded")
	wrong.Header.Set("X-Forwarded-For", "203.0.113.9")
	c.do(wrong)
	if e, _ := srv.audit.Recent(context.Background(), 1); len(e) != 1 || e[0].IP == "203.0.113.9" {
		t.Fatalf("untrusted: the audit believed X-Forwarded-For: %+v", e)
	}

	// The test client's address (0.0.0.0) is the proxy's.
	trusted := newTestServerWith(t, Config{Partnership: "Test Partnership", TrustProxy: []string{"0.0.0.0"}})
	code, cookies := forged(trusted.client(t), "203.0.113.9")
	if code != http.StatusSeeOther || !secure(cookies, "assure_session") {
		t.Fatalf("trusted proxy: %d, Secure session cookie %v", code, secure(cookies, "assure_session"))
	}
	if e, _ := trusted.audit.Recent(context.Background(), 1); len(e) != 1 || e[0].IP != "203.0.113.9" {
		t.Fatalf("trusted proxy: the client's address is not the forwarded one: %+v", e)
	}
	// A proxy listed by range is trusted too; another address is not.
	if code, _ := forged(newTestServerWith(t, Config{Partnership: "P", TrustProxy: []string{"0.0.0.0/8"}}).client(t), "203.0.113.9"); code != http.StatusSeeOther {
		t.Fatalf("trusted range: %d", code)
	}
	if code, _ := forged(newTestServerWith(t, Config{Partnership: "P", TrustProxy: []string{"10.0.0.0/8"}}).client(t), "203.0.113.9"); code != http.StatusForbidden {
		t.Fatalf("proxy elsewhere: %d", code)
	}
}

// A client hammering a rate-limited page makes one audit entry per limit and window, with
// a count, not one per refused request.
func TestRateLimitRefusalsAuditedOncePerWindow(t *testing.T) {
	t.Parallel()
	srv, _ := roundServer(t)
	c := srv.client(t)
	for i := range 30 + 120 {
		c.openLink("AAAAAAAAAAAAAAAAAAAA" + string(rune('A'+i%26)) + "A")
	}
	var limited []audit.Entry
	_ = srv.audit.Each(context.Background(), audit.Filter{Action: "link-rate-limited"}, 0, func(e audit.Entry) error { limited = append(limited, e); return nil })
	if len(limited) != 1 || limited[0].Count != 120 || !strings.Contains(limited[0].Detail, "120 times") {
		t.Fatalf("%d entries for 120 refusals (first %+v)", len(limited), limited[0])
	}
}

// A stranger guessing the admin's password from one address is limited there, and the real
// admin still signs in from another; the stranger cannot lock the admin out.
func TestPasswordGuessingDoesNotLockTheAdminOut(t *testing.T) {
	t.Parallel()
	srv := newTestServerWith(t, Config{Partnership: "Test Partnership", TrustProxy: []string{"0.0.0.0"}})
	post := func(c *client, path, addr string, form url.Values) int {
		t.Helper()
		form.Set("_csrf", c.csrf)
		req := httptestRequest("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", addr)
		code, _, _ := c.do(req)
		return code
	}
	from := func(c *client, addr string, form url.Values) int { t.Helper(); return post(c, "/sign-in", addr, form) }
	attacker := srv.client(t)
	attacker.get("/sign-in")
	var code int
	for range 30 {
		code = from(attacker, "203.0.113.66", url.Values{"email": {testEmail}, "password": {"a guess of a password"}})
	}
	if code != http.StatusTooManyRequests {
		t.Fatalf("the guessing address is not limited: %d", code)
	}
	// Other accounts from the guessing address are limited too (per address).
	for i := range 25 {
		code = from(attacker, "203.0.113.66", url.Values{"email": {fmt.Sprintf("someone%d@example.org", i)}, "password": {"a guess of a password"}})
	}
	if code != http.StatusTooManyRequests {
		t.Fatalf("the guessing address is not limited across accounts: %d", code)
	}
	admin := srv.client(t)
	admin.get("/sign-in")
	if code := from(admin, "198.51.100.7", url.Values{"email": {testEmail}, "password": {"a typo"}}); code != http.StatusUnauthorized {
		t.Fatalf("the admin's own typo: %d", code)
	}
	if code := from(admin, "198.51.100.7", url.Values{"email": {testEmail}, "password": {testPassword}}); code != http.StatusSeeOther {
		t.Fatalf("the real admin from another address is locked out: %d", code)
	}
	// A teacher's sign-in form: a stranger's requests do not stop the teacher's own.
	attacker.get("/joso/sign-in")
	for range 12 {
		code = post(attacker, "/joso/sign-in", "203.0.113.66", url.Values{"email": {"lead@school.sch.uk"}})
	}
	if code != http.StatusTooManyRequests {
		t.Fatalf("the stranger's address is not limited on the teacher's form: %d", code)
	}
	teacher := srv.client(t)
	teacher.get("/joso/sign-in")
	if code := post(teacher, "/joso/sign-in", "198.51.100.8", url.Values{"email": {"lead@school.sch.uk"}}); code != http.StatusOK {
		t.Fatalf("a stranger's requests locked the teacher's sign-in: %d", code)
	}
}

// An account's failures from everywhere slow each further failure, doubling to a cap.
func TestFailureDelayGrowsToACap(t *testing.T) {
	t.Parallel()
	base := 250 * time.Millisecond
	prev := time.Duration(0)
	for n := 1; n <= 40; n++ {
		d := failureDelay(n, base)
		if n <= signInFreeFails && d != 0 || d < prev || d > signInDelayCap {
			t.Fatalf("failure %d waits %v (after %v)", n, d, prev)
		}
		prev = d
	}
	if failureDelay(signInFreeFails+1, base) != base || failureDelay(signInFreeFails+2, base) != 2*base || prev != signInDelayCap {
		t.Fatalf("delays: %v %v … %v", failureDelay(signInFreeFails+1, base), failureDelay(signInFreeFails+2, base), prev)
	}
}

// serveTCP serves srv on a loopback port, for requests a test writes byte by byte.
func serveTCP(t *testing.T, srv *testServer) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.app.Listener(ln) }()
	t.Cleanup(func() { _ = srv.app.Shutdown() })
	return ln.Addr().String()
}

// rawStatus writes head (and then whatever body writes, alongside) on a fresh connection
// and returns the status of the answer. The deadline only stops a hung test.
func rawStatus(t *testing.T, addr, head string, body func(w io.Writer)) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	if body != nil {
		go body(conn)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}

func headFor(path, cookies string, extra ...string) string {
	h := "POST " + path + " HTTP/1.1\r\nHost: assure.test\r\n"
	if cookies != "" {
		h += "Cookie: " + cookies + "\r\n"
	}
	return h + strings.Join(extra, "\r\n") + "\r\n\r\n"
}

// chunks writes n bytes of form as a chunked body, then its end; a write refused because
// the server has answered and gone ends it early.
func chunks(prefix string, n int) func(w io.Writer) {
	return func(w io.Writer) {
		if _, err := fmt.Fprintf(w, "%x\r\n%s\r\n", len(prefix), prefix); err != nil {
			return
		}
		piece := strings.Repeat("a", 16<<10)
		for sent := 0; sent < n; sent += len(piece) {
			if _, err := fmt.Fprintf(w, "%x\r\n%s\r\n", len(piece), piece); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, "0\r\n\r\n")
	}
}

// Bodies are refused by their declared size before they are read, with a limit for each
// route: 256 KiB for forms, the evidence limit for JOSO evidence (teachers only), a larger
// one for the GIAS file (admins only). A chunked body is cut off at the route's limit.
func TestOversizedBodiesRefusedBeforeReading(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	admin := srv.client(t)
	admin.signIn()
	admin.get("/admin/schools/import")
	addr := serveTCP(t, srv)
	adminCookies := "assure_session=" + admin.cookies["assure_session"] + "; " + csrfCookie + "=" + admin.cookies[csrfCookie]
	form := "Content-Type: application/x-www-form-urlencoded"
	multiparts := "Content-Type: multipart/form-data; boundary=xyz"
	for _, tc := range []struct {
		name, path, cookies, contentType string
		length                           int
	}{
		{"a form", "/sign-in", "", form, 150 << 20},
		{"a form just over", "/sign-in", "", form, maxFormBytes + 1},
		{"GIAS, anonymous", "/admin/schools/import", "", multiparts, 150 << 20},
		{"GIAS, admin, over its limit", "/admin/schools/import", adminCookies, multiparts, MaxUploadBytes + 2*maxFormBytes},
		{"evidence, anonymous", "/joso/school/activities/x/evidence", "", multiparts, 50 << 20},
		{"evidence, over its limit", "/joso/school/activities/x/evidence", "assure_session=x", multiparts, 50 << 20},
		{"an unknown route", "/nowhere", "", form, 150 << 20},
	} {
		head := headFor(tc.path, tc.cookies, tc.contentType, fmt.Sprintf("Content-Length: %d", tc.length))
		if code := rawStatus(t, addr, head, nil); code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d for %d bytes declared, none sent", tc.name, code, tc.length)
		}
	}
	// A made-up session cookie buys no more than a form's worth: refused after the first
	// bytes, not read to the end.
	head := headFor("/admin/schools/import", "assure_session=made-up", multiparts, fmt.Sprintf("Content-Length: %d", 150<<20))
	if code := rawStatus(t, addr, head, func(w io.Writer) { _, _ = w.Write(make([]byte, 8<<10)) }); code != http.StatusRequestEntityTooLarge {
		t.Errorf("GIAS with a made-up session: %d", code)
	}
	// Chunked, with no length: cut off at the route's limit.
	chunked := "Transfer-Encoding: chunked"
	if code := rawStatus(t, addr, headFor("/sign-in", "", form, chunked), chunks("email=", maxFormBytes+32<<10)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked form: %d", code)
	}
	if code := rawStatus(t, addr, headFor("/admin/schools/import", "", multiparts, chunked), chunks("--xyz\r\n", maxFormBytes+32<<10)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked anonymous GIAS: %d", code)
	}
	// The GIAS file itself, chunked, from an admin: imported as before.
	fixture, err := os.ReadFile(filepath.Join("..", "..", "shared", "fixtures", "gias", "hampshire-surrey-primary-2022-04-20.csv"))
	if err != nil {
		t.Fatalf("fixture missing (shared/ must sit beside the project): %v", err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", admin.csrf)
	fw, _ := mw.CreateFormFile("file", "gias.csv")
	_, _ = fw.Write(fixture)
	_ = mw.Close()
	send := func(w io.Writer) {
		b := body.Bytes()
		for len(b) > 0 {
			n := min(len(b), 64<<10)
			if _, err := fmt.Fprintf(w, "%x\r\n%s\r\n", n, b[:n]); err != nil {
				return
			}
			b = b[n:]
		}
		_, _ = io.WriteString(w, "0\r\n\r\n")
	}
	if code := rawStatus(t, addr, headFor("/admin/schools/import", adminCookies, "Content-Type: "+mw.FormDataContentType(), chunked), send); code != http.StatusSeeOther {
		t.Errorf("chunked GIAS upload from an admin: %d", code)
	}
}

// ownStoreServer is a test server on an embedded store of its own (in cfg.DataDir), with
// an admin signed in.
func ownStoreServer(t *testing.T, cfg app.Config) (*testServer, *client) {
	t.Helper()
	st, err := app.OpenStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	srv := newTestServerOn(t, Config{Partnership: "Test Partnership"}, st)
	admin := srv.client(t)
	admin.signIn()
	return srv, admin
}

// fullStoreServer is ownStoreServer on a store of 4 MiB filled until a write no longer fits.
// It fills the sessions' own collection (a new page is needed for a new session), with big
// documents until one does not fit, then smaller ones to take the last pages.
func fullStoreServer(t *testing.T) (*testServer, *client) {
	t.Helper()
	srv, admin := ownStoreServer(t, app.Config{DataDir: t.TempDir(), MaxSize: 4 << 20})
	filler := srv.store.Collection("kv")
	for i, size := 0, 64<<10; size >= 64; i++ {
		err := srv.store.Write(context.Background(), func(ctx context.Context) error {
			_, err := filler.InsertOne(ctx, map[string]any{"_id": fmt.Sprint("filler-", i), "v": strings.Repeat("x", size)})
			return err
		})
		if store.IsFull(err) {
			size /= 4
		} else if err != nil || i > 5000 {
			t.Fatalf("filling the store: %v after %d documents", err, i)
		}
	}
	return srv, admin
}

// DATA_DIR deleted under the running service: no more "saved", pages and /healthz say the
// service is unavailable.
func TestDataDirGoneIsUnavailable(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	srv, admin := ownStoreServer(t, app.Config{DataDir: dir})
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := admin.get("/healthz"); code != http.StatusServiceUnavailable {
		t.Fatalf("healthz: %d %s", code, body)
	}
	for _, p := range []string{"/admin", "/admin/schools", "/sign-in"} {
		if code, body, _ := admin.get(p); code != http.StatusServiceUnavailable || !strings.Contains(body, "the service is unavailable") {
			t.Errorf("%s: %d", p, code)
		}
	}
	other := srv.client(t)
	if code, _, _ := other.post("/sign-in", url.Values{"email": {testEmail}, "password": {testPassword}}); code != http.StatusServiceUnavailable {
		t.Errorf("a sign-in: %d", code)
	}
	if _, err := srv.audit.Recent(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if err := srv.audit.Record(context.Background(), audit.Entry{Action: "x"}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("a write: %v", err)
	}
}

// A full disk (the store's own size cap, which fails writes with SQLITE_FULL as a full disk
// does): a save gets 503, not a generic 500, and /healthz fails until there is room again.
func TestFullDiskIsUnavailable(t *testing.T) {
	t.Parallel()
	srv, admin := fullStoreServer(t)
	filler := srv.store.Collection("kv")
	other := srv.client(t)
	other.get("/sign-in")
	if code, body, _ := other.post("/sign-in", url.Values{"_csrf": {other.csrf}, "email": {testEmail}, "password": {testPassword}}); code != http.StatusServiceUnavailable || !strings.Contains(body, "the service is unavailable") {
		t.Fatalf("a sign-in (a session saved) on a full disk: %d", code)
	}
	if code, _, _ := admin.get("/healthz"); code != http.StatusServiceUnavailable {
		t.Fatalf("healthz on a full disk: %d", code)
	}
	if code, _, _ := admin.get("/admin/schools"); code != http.StatusOK {
		t.Fatalf("reading on a full disk: %d", code)
	}
	if _, err := filler.DeleteMany(context.Background(), map[string]any{"_id": map[string]any{"$regex": "^filler-"}}); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := admin.get("/healthz"); code != http.StatusOK {
		t.Fatalf("healthz with room again: %d", code)
	}
	other.signIn()
}

// A proxy that appends to X-Forwarded-For passes on whatever the client wrote before it:
// the client is the nearest address that is not one of the configured proxies.
func TestForwardedForTakesTheNearestUntrustedAddress(t *testing.T) {
	t.Parallel()
	srv := newTestServerWith(t, Config{Partnership: "Test Partnership", TrustProxy: []string{"0.0.0.0", "10.0.0.0/8"}})
	for xff, want := range map[string]string{
		"203.0.113.9":                         "203.0.113.9",
		"1.2.3.4, 203.0.113.9":                "203.0.113.9",
		"1.2.3.4,203.0.113.9, 10.0.0.7":       "203.0.113.9",
		"not-an-address, 203.0.113.9":         "203.0.113.9",
		"10.0.0.8, 10.0.0.7":                  "10.0.0.8",
		"2001:db8::1, 203.0.113.9, 10.1.2.3 ": "203.0.113.9",
	} {
		c := srv.client(t)
		c.get("/sign-in")
		req := httptestRequest("POST", "/sign-in", strings.NewReader(url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {"not the password"}}.Encode()), "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		c.do(req)
		if e, _ := srv.audit.Recent(context.Background(), 1); len(e) != 1 || e[0].IP != want {
			t.Errorf("X-Forwarded-For %q: audited %+v, want %s", xff, e, want)
		}
	}
}

// A page asked for while signed out is the page shown after signing in: the sign-in form
// posts the (checked) next address on, and a hostile one never reaches the form.
func TestSignInFormCarriesNext(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := srv.client(t)
	code, _, h := c.get("/admin/rounds")
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in?next=") {
		t.Fatalf("signed out: %d %s", code, h.Get("Location"))
	}
	_, body, _ := c.get(h.Get("Location"))
	m := regexp.MustCompile(`<form method="post" action="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no sign-in form")
	}
	action := html.UnescapeString(m[1])
	code, _, h = c.post(action, url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {testPassword}})
	checkLocation(t, "signing in from "+action, code, h, "/admin/rounds")

	_, body, _ = srv.client(t).get("/sign-in?next=" + url.QueryEscape("//evil.example"))
	if strings.Contains(body, "evil.example") {
		t.Fatal("a hostile next address reached the sign-in form")
	}
}
