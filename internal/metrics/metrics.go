package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every metric of this process.
var Registry = prometheus.NewRegistry()

var (
	requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "assure_http_requests_total", Help: "HTTP requests answered, by method, route pattern and status code.",
	}, []string{"method", "route", "code"})
	latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "assure_http_request_duration_seconds", Help: "Time to answer an HTTP request, by method and route pattern.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route"})
	storeErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "assure_store_errors_total", Help: "Requests and health checks that failed because the store did not answer.",
	})
	emailsSent = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "assure_emails_sent_total", Help: "Emails sent, by route: smtp (delivered to the SMTP server) or outbox (no SMTP configured).",
	}, []string{"via"})
	emailsFailed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "assure_emails_failed_total", Help: "Emails the SMTP server did not accept.",
	})
)

func init() {
	Registry.MustRegister(requests, latency, storeErrors, emailsSent, emailsFailed,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// Request records one answered request. route is the route's pattern (/return/section/:section),
// never the path, so a metric's series stay few whatever people type.
func Request(method, route string, code int, took time.Duration) {
	requests.WithLabelValues(method, route, strconv.Itoa(code)).Inc()
	latency.WithLabelValues(method, route).Observe(took.Seconds())
}

// StoreError records a request or health check that failed because the store did not answer.
func StoreError() { storeErrors.Inc() }

// EmailSent records an email sent by SMTP (smtp true) or kept in the outbox.
func EmailSent(smtp bool) {
	via := "outbox"
	if smtp {
		via = "smtp"
	}
	emailsSent.WithLabelValues(via).Inc()
}

// EmailFailed records an email the SMTP server refused or could not be reached for.
func EmailFailed() { emailsFailed.Inc() }

// Handler serves the metrics in the Prometheus text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{})
}
