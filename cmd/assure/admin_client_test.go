package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// adminClient is the admin's browser: one cookie jar for every instance (cookies do not
// depend on the port), redirects not followed.
type adminClient struct {
	hc   *http.Client
	csrf string
}

var (
	csrfField     = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	returnedCount = regexp.MustCompile(`(\d+) of (\d+) schools have returned`)
)

func newAdminClient(t *testing.T) *adminClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &adminClient{hc: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *adminClient) do(ctx context.Context, method, u string, form url.Values) (int, string, error) {
	var body io.Reader
	if form != nil {
		form.Set("_csrf", c.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(data); m != nil {
		c.csrf = string(m[1])
	}
	return res.StatusCode, string(data), err
}

func (c *adminClient) signIn(ctx context.Context, t *testing.T, base, email, password string) {
	t.Helper()
	if _, _, err := c.do(ctx, http.MethodGet, base+"/sign-in", nil); err != nil {
		t.Fatal(err)
	}
	if code, _, err := c.do(ctx, http.MethodPost, base+"/sign-in", url.Values{"email": {email}, "password": {password}}); err != nil || code != http.StatusSeeOther {
		t.Fatalf("admin sign-in: %d %v", code, err)
	}
}

// dashboardCounts is the dashboard's headline: N of M schools have returned.
type dashboardCounts struct{ Returned, Expected int }

func (c *adminClient) dashboard(ctx context.Context, t *testing.T, base, round string) dashboardCounts {
	t.Helper()
	code, body, err := c.do(ctx, http.MethodGet, base+"/admin/rounds/"+round+"/dashboard", nil)
	m := returnedCount.FindStringSubmatch(body)
	if err != nil || code != http.StatusOK || m == nil {
		t.Fatalf("dashboard of %s: %d %v, no headline", base, code, err)
	}
	r, _ := strconv.Atoi(m[1])
	e, _ := strconv.Atoi(m[2])
	return dashboardCounts{Returned: r, Expected: e}
}

// waitForDashboard reads an instance's dashboard until it shows want, failing after
// multiInstanceWithin.
func (c *adminClient) waitForDashboard(ctx context.Context, t *testing.T, base, round string, want dashboardCounts, what string) {
	t.Helper()
	start := time.Now()
	for {
		got := c.dashboard(ctx, t, base, round)
		if got == want {
			t.Logf("%s: dashboard shows %d of %d after %s", what, got.Returned, got.Expected, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > multiInstanceWithin {
			t.Fatalf("%s: dashboard still shows %+v after %s, want %+v", what, got, multiInstanceWithin, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// markExempt marks a school exempt on the instance at base, as an officer would.
func (c *adminClient) markExempt(ctx context.Context, t *testing.T, base, round string, urn int) int {
	t.Helper()
	page := base + "/admin/rounds/" + round + "/returns/" + strconv.Itoa(urn)
	if code, _, err := c.do(ctx, http.MethodGet, page, nil); err != nil || code != http.StatusOK {
		t.Fatalf("return page: %d %v", code, err)
	}
	if code, _, err := c.do(ctx, http.MethodPost, page+"/exempt", url.Values{"reason": {"Closing this term"}}); err != nil || code != http.StatusSeeOther {
		t.Fatalf("marking %d exempt: %d %v", urn, code, err)
	}
	return urn
}
