package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// liveRoundYear is the academic year of the demo's live round.
func liveRoundYear(now time.Time) string {
	start := now.Year()
	if now.Month() < time.August {
		start--
	}
	return fmt.Sprintf("%d-%02d", start, (start+1)%100)
}

// TestBrowserDashboardAndChasing walks the education subgroup's weekly round: the report's
// dashboard, the live round's chase list filtered, a school's page, a contact recorded and
// a reminder sent, with JavaScript on and off; the chasing steps by keyboard alone.
func TestBrowserDashboardAndChasing(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	base, password := liveServer(t)
	live := liveRoundYear(time.Now())
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			ctx, run := browserWithJS(t, base, js)
			load(t, ctx, "sign-in page", chromedp.Navigate(base+"/sign-in"))
			run("type", chromedp.SendKeys("#email", demoAdminEmail, chromedp.ByQuery), chromedp.SendKeys("#password", password, chromedp.ByQuery))
			load(t, ctx, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))

			load(t, ctx, "the report round's dashboard", chromedp.Navigate(base+"/admin/rounds/2022-23/dashboard"))
			if s := text(t, ctx, ".govuk-body-l"); !strings.Contains(s, "339 of 386 schools have returned: 88% (2021-22: 66%)") {
				t.Fatalf("headline: %q", s)
			}
			var desc string
			run("read the chart's description", chromedp.TextContent("#phase-rates-desc", &desc, chromedp.ByQuery))
			if !strings.Contains(desc, "Independent 38% (2021-22: 46%)") {
				t.Errorf("bar chart description: %q", desc)
			}
			checkAxe(t, ctx, axe, "dashboard, closed round")

			load(t, ctx, "the live round", chromedp.Navigate(base+"/admin/rounds/"+live))
			checkAxe(t, ctx, axe, "round page with schedule and contacts")
			load(t, ctx, "the live dashboard", chromedp.Navigate(base+"/admin/rounds/"+live+"/dashboard"))
			checkAxe(t, ctx, axe, "dashboard, live round")

			// Filter the chase list to special schools, by keyboard: focus the select, pick, submit.
			run("choose special", chromedp.SetValue("#phase", "special", chromedp.ByQuery))
			load(t, ctx, "filter", chromedp.Focus(`//button[contains(., "Filter")]`), chromedp.KeyEvent(kb.Enter))
			if h := text(t, ctx, "#chase"); !strings.HasPrefix(h, "Schools not yet returned (") {
				t.Fatalf("chase heading: %q", h)
			}
			var rows int
			run("count rows", chromedp.Evaluate(`document.querySelectorAll('#chase-list tbody tr').length`, &rows))
			var phases string
			run("read phases", chromedp.Evaluate(`[...document.querySelectorAll('#chase-list tbody tr td:nth-child(2)')].map(td => td.textContent.split(',')[0]).join('|')`, &phases))
			if rows == 0 || strings.Trim(strings.ReplaceAll(phases, "Special", ""), "|") != "" {
				t.Fatalf("filtered list has %d rows, phases %q", rows, phases)
			}
			checkAxe(t, ctx, axe, "dashboard, filtered")

			load(t, ctx, "open a school", chromedp.Click(`#chase-list tbody tr:first-child a`, chromedp.ByQuery))
			checkAxe(t, ctx, axe, "a school's return with its chase log")
			note := fmt.Sprintf("Phoned the clerk (javascript=%v): the board meets on Tuesday.", js)
			run("type the note", chromedp.Focus("#note", chromedp.ByQuery), chromedp.KeyEvent(note))
			load(t, ctx, "record the contact", chromedp.Focus(`//button[contains(., "Record the contact")]`), chromedp.KeyEvent(kb.Enter))
			if log := text(t, ctx, "#chasing ~ table"); !strings.Contains(log, note) || !strings.Contains(log, "Phone call") {
				t.Fatalf("chase log: %q", log)
			}
			load(t, ctx, "send a reminder", chromedp.Focus("#remind", chromedp.ByQuery), chromedp.KeyEvent(kb.Enter))
			if log := text(t, ctx, "#chasing ~ table"); !strings.Contains(log, "Manual reminder") {
				t.Fatalf("chase log after the reminder: %q", log)
			}
			checkAxe(t, ctx, axe, "a school's return after chasing")
		})
	}
}
