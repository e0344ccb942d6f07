package handlers

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// metricValue reads one series' value from the exposition text (0 if absent).
func metricValue(t *testing.T, body, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Not parallel: the counters are process-wide (one registry), so requests of tests running
// alongside would move them.
func TestMetricsCountRequestsEmailsAndStoreErrors(t *testing.T) {
	srv := newTestServerWith(t, Config{Partnership: "Test Partnership", MetricsToken: "s3cret-token"})
	scrape := func() string {
		t.Helper()
		req := httptestRequest("GET", "/metrics", nil, "")
		req.Header.Set("Authorization", "Bearer s3cret-token")
		res, err := srv.app.Test(req, 30000)
		if err != nil || res.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("metrics: %v %d %s", err, res.StatusCode, b)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return string(body)
	}
	// Without the token, or with a wrong one, /metrics does not exist.
	c := srv.client(t)
	if code, _, _ := c.get("/metrics"); code != http.StatusNotFound {
		t.Fatalf("metrics without token: %d", code)
	}
	req := httptestRequest("GET", "/metrics", nil, "")
	req.Header.Set("Authorization", "Bearer guess")
	if res, _ := srv.app.Test(req, 30000); res.StatusCode != http.StatusNotFound {
		t.Fatalf("metrics with a wrong token: %d", res.StatusCode)
	}

	before := scrape()
	const signIn = `assure_http_requests_total{code="200",method="GET",route="/sign-in"}`
	const missing = `assure_http_requests_total{code="404",method="GET",route="/"}`
	const outbox = `assure_emails_sent_total{via="outbox"}`
	const storeErrs = `assure_store_errors_total`
	c.get("/sign-in")
	c.get("/sign-in")
	c.get("/no/such/page/1")
	c.get("/no/such/page/2")
	if _, err := srv.mail.Send(context.Background(), "someone@example.org", "Subject", "Body", "test", ""); err != nil {
		t.Fatal(err)
	}
	after := scrape()
	for series, want := range map[string]float64{signIn: 2, missing: 2, outbox: 1} {
		if got := metricValue(t, after, series) - metricValue(t, before, series); got != want {
			t.Errorf("%s went up by %v, want %v", series, got, want)
		}
	}
	if !strings.Contains(after, `assure_http_request_duration_seconds_bucket{method="GET",route="/sign-in",le="0.5"}`) ||
		!strings.Contains(after, "go_goroutines") {
		t.Error("latency histogram or runtime metrics missing")
	}
	// The store goes away: /healthz fails and the failure is counted.
	if err := srv.store.Client.Disconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.get("/healthz")
	if got := metricValue(t, scrape(), storeErrs) - metricValue(t, after, storeErrs); got < 1 {
		t.Errorf("store errors went up by %v", got)
	}
}
