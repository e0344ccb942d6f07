// Package loadtest simulates a deadline day against a running Assure server and checks
// afterwards that the store holds every write the server acknowledged, exactly once.
//
// Governors open their school's link, save every section and submit; link teachers log
// activities and send them for approval; an admin downloads the returns workbook. Each
// simulated person is a plain net/http client with its own cookie jar that reads the
// CSRF token, the draft version and the submit key from the pages, as a browser would.
// Every request is timed by step, so the report gives requests per second and the 50th,
// 95th and 99th percentile latency of each step.
//
// Prepare fills a fresh store for the load through the services internal/app builds (the
// demo county and JOSO year from internal/demo, an open round with a link per governor).
// What the server acknowledged (a 303 to the next page) is recorded as an Ack; Verify
// then reads the store directly and compares. The crash test uses the same journeys and
// kills the server with SIGKILL part-way (see Server).
package loadtest
