// Package loadtest simulates a deadline day against a running Assure server and checks
// afterwards that the store holds every write the server acknowledged, exactly once.
//
// It runs the day two ways. Run is the stress run: everyone at once, with no pause
// between pages. RunDay is a realistic day (Day): a burst of governors opening their links
// in the same second, then every school's governor arriving at a random time (a Poisson
// process over a compressed day), thinking between pages, some stopping part-way and
// coming back later from another browser, a share submitting; link teachers likewise; and
// admins going round the dashboard, the round page, the chase list, a return page and the
// downloads until the last person is done. The Report's targets (targets.go) are issue
// 15's: every step's p99 under 250 ms, no errors, the burst's p99 under 2 s.
//
// In the stress run governors open their school's link, save every section and submit;
// link teachers log activities and send them for approval; an admin downloads the returns
// workbook. Each simulated person is a plain net/http client with its own cookie jar
// that reads the CSRF token, the draft version and the submit key from the pages, as a
// browser would. Every request is timed by step, so the report gives requests per second
// and the 50th, 95th and 99th percentile latency of each step.
//
// Prepare fills a fresh store for the load through the services internal/app builds (the
// demo county, or a county of any size built on it and imported through the register's
// own importer; the JOSO year from internal/demo; an open round with a link per governor).
// What the server acknowledged (a 303 to the next page) is recorded as an Ack; Verify
// then reads the store directly and compares. The crash test uses the same journeys and
// kills the server with SIGKILL part-way (see Server).
package loadtest
