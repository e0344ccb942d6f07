package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// browser is one simulated person: a cookie jar, the last CSRF token seen, and no
// redirect following, so each 303 is checked and timed as its own step.
type browser struct {
	base string
	hc   *http.Client
	rec  *Recorder
	csrf string
	// addr is the person's own address, sent as X-Forwarded-For: the load test stands in
	// for the reverse proxy, so each person is rate limited as themselves.
	addr string
}

var (
	csrfInput    = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)
	keyInput     = regexp.MustCompile(`name="submit_key" value="([^"]+)"`)
)

func newBrowser(base string, transport http.RoundTripper, rec *Recorder, person int) *browser {
	jar, _ := cookiejar.New(nil)
	addr := fmt.Sprintf("10.%d.%d.%d", person>>16&255, person>>8&255, person&255)
	return &browser{base: strings.TrimRight(base, "/"), rec: rec, addr: addr, hc: &http.Client{
		Jar: jar, Transport: transport, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is a response: its status, where it redirects, and its body.
type page struct {
	status   int
	location string
	body     string
}

// do sends one request of a step and records it; a status other than want is an error.
func (b *browser) do(ctx context.Context, step, method, path string, form url.Values, want int) (page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return page{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Forwarded-For", b.addr)
	start := time.Now()
	res, err := b.hc.Do(req)
	var p page
	if err == nil {
		var data []byte
		data, err = io.ReadAll(res.Body)
		_ = res.Body.Close()
		p = page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(data)}
		if err == nil && p.status != want {
			err = fmt.Errorf("%s %s: status %d, want %d", method, path, p.status, want)
		}
	}
	b.rec.Observe(step, time.Since(start), err)
	if m := csrfInput.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p, err
}

func (b *browser) get(ctx context.Context, step, path string, want int) (page, error) {
	return b.do(ctx, step, http.MethodGet, path, nil, want)
}

// post sends a form with the CSRF token the last page carried.
func (b *browser) post(ctx context.Context, step, path string, form url.Values, want int) (page, error) {
	form.Set("_csrf", b.csrf)
	return b.do(ctx, step, http.MethodPost, path, form, want)
}

// field reads a hidden field's value from a page.
func field(re *regexp.Regexp, p page) (string, error) {
	m := re.FindStringSubmatch(p.body)
	if m == nil {
		return "", fmt.Errorf("no %s on the page", re.String())
	}
	return m[1], nil
}
