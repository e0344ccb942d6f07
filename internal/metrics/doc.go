// Package metrics holds the service's Prometheus metrics, served at /metrics: requests
// by route and status, their latency, requests that failed because the store did not
// answer, and email sent (to SMTP or kept in the outbox) and failed.
//
// It uses the Prometheus project's own client library (github.com/prometheus/client_golang,
// already in the module graph through FerretDB): the exposition format, histograms and
// the process and Go runtime collectors are its job, not ours. Metrics are registered on
// one registry here rather than the library's global default, so tests can read them.
package metrics
