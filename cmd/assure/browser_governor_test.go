package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/lscp/assure/forms"
)

// byID selects an element by id; question IDs contain dots, which CSS reads as classes.
func byID(id string) string { return `[id="` + id + `"]` }

// adminIssuesLink has the signed-in admin read a school's link from its return page (the
// link a mail merge and reminders carry), then replace it, as an admin does when a link
// has gone astray, and returns the new one.
func adminIssuesLink(t *testing.T, ctx context.Context, axe, base string, urn int, check bool) string {
	t.Helper()
	load(t, ctx, "return page", chromedp.Navigate(fmt.Sprintf("%s/admin/rounds/2024-25/returns/%d", base, urn)))
	if check {
		checkAxe(t, ctx, axe, "admin: a return")
	}
	current := text(t, ctx, "#link")
	if !strings.Contains(current, "/r/") {
		t.Fatalf("no current link shown: %q", current)
	}
	load(t, ctx, "replace the link", chromedp.Click(`//button[contains(., "Replace the link")]`))
	link := text(t, ctx, "#new-link")
	if !strings.Contains(link, "/r/") || strings.TrimSpace(link) == strings.TrimSpace(current) {
		t.Fatalf("no new link shown: %q (was %q)", link, current)
	}
	if check {
		checkAxe(t, ctx, axe, "admin: new link shown")
	}
	return strings.TrimSpace(link)
}

// fillSection answers every question of the section page on screen and saves it.
func fillSection(t *testing.T, ctx context.Context, sec forms.Section) {
	t.Helper()
	var actions []chromedp.Action
	for _, q := range sec.Questions {
		if q.ShowIf != nil {
			continue
		}
		switch q.Kind {
		case forms.KindYesNo, forms.KindYesPartlyNo, forms.KindOneOf, forms.KindManyOf:
			actions = append(actions, chromedp.Click(byID(q.ID), chromedp.ByQuery))
		case forms.KindDate:
			actions = append(actions, chromedp.SetValue(byID(q.ID+"-day"), "2", chromedp.ByQuery),
				chromedp.SetValue(byID(q.ID+"-month"), "9", chromedp.ByQuery), chromedp.SetValue(byID(q.ID+"-year"), "2024", chromedp.ByQuery))
		case forms.KindNumber:
			actions = append(actions, chromedp.SetValue(byID(q.ID), "2", chromedp.ByQuery))
		}
	}
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("filling %s: %v", sec.ID, err)
	}
	load(t, ctx, "save "+sec.ID, chromedp.Click(`//button[contains(., "Save and continue")]`))
	if h := text(t, ctx, "h1"); !strings.HasPrefix(h, "Check your answers") {
		t.Fatalf("after saving %s: %q: %s", sec.ID, h, tryText(ctx, ".govuk-error-summary"))
	}
}

// adminOpensRound signs the demo admin in, creates the round 2024-25 with the settings
// ticked (the ids of the create form's checkboxes, like "two_person") and opens it,
// checking each page with axe; it gives the admin's browser.
func adminOpensRound(t *testing.T, axe, base, password string, settings ...string) context.Context {
	t.Helper()
	admin := newBrowser(t)
	load(t, admin, "sign-in page", chromedp.Navigate(base+"/sign-in"))
	if err := chromedp.Run(admin, chromedp.SendKeys("#email", demoAdminEmail, chromedp.ByQuery), chromedp.SendKeys("#password", password, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	load(t, admin, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
	load(t, admin, "rounds", chromedp.Navigate(base+"/admin/rounds"))
	checkAxe(t, admin, axe, "admin: rounds")
	if err := chromedp.Run(admin, chromedp.SendKeys("#year", "2024-25", chromedp.ByQuery),
		chromedp.SendKeys("#opens-day", "1", chromedp.ByQuery), chromedp.SendKeys("#opens-month", "10", chromedp.ByQuery), chromedp.SendKeys("#opens-year", "2024", chromedp.ByQuery),
		chromedp.SendKeys("#deadline-day", "13", chromedp.ByQuery), chromedp.SendKeys("#deadline-month", "12", chromedp.ByQuery), chromedp.SendKeys("#deadline-year", "2099", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	for _, id := range settings {
		if err := chromedp.Run(admin, chromedp.Click("#"+id, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
	}
	load(t, admin, "create the round", chromedp.Click(`//button[contains(., "Create the round")]`))
	load(t, admin, "open the round", chromedp.Click(`//button[contains(., "Open the round")]`))
	checkAxe(t, admin, axe, "admin: confirm opening")
	load(t, admin, "confirm opening", chromedp.Click(`//button[contains(., "Open the round for 386 schools")]`))
	if s := text(t, admin, "main"); !strings.Contains(s, "386 schools are expected") {
		t.Fatalf("round page: %s", s)
	}
	if s := text(t, admin, "main"); slices.Contains(settings, "two_person") != strings.Contains(s, "two-person sign-off") ||
		slices.Contains(settings, "carry_forward") != strings.Contains(s, "start from their last submitted answers") {
		t.Fatalf("round page does not say how the round is set: %s", s)
	}
	checkAxe(t, admin, axe, "admin: open round")
	return admin
}

// demoPrimarySections are the sections the demo county's maintained primary school urn
// (990006, with a nursery, or 990008, without) is asked.
func demoPrimarySections(def *forms.Definition, urn int) []forms.Section {
	school := forms.Record{Phase: forms.PhasePrimary, Governance: forms.GovMaintained, LowAge: 4, NurseryProvision: "Has Nursery Classes"}
	if urn == 990008 {
		school.NurseryProvision = "No Nursery Classes"
	}
	return def.For(school)
}

func TestBrowserGovernorJourney(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	base, password := liveServer(t)
	admin := adminOpensRound(t, axe, base, password)

	def, err := forms.DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		urn int
		js  bool
	}{{990006, true}, {990008, false}} {
		t.Run(fmt.Sprintf("javascript=%v", tc.js), func(t *testing.T) {
			link := adminIssuesLink(t, admin, axe, base, tc.urn, tc.js)
			sections := demoPrimarySections(def, tc.urn)

			// First sitting: a validation error, then two sections.
			gov := newGovernorBrowser(t, base, tc.js)
			load(t, gov, "open the link", chromedp.Navigate(link))
			if h := text(t, gov, "h1"); !strings.Contains(h, "Give your school's safeguarding assurance") {
				t.Fatalf("start page: %s", h)
			}
			checkAxe(t, gov, axe, "start page")
			load(t, gov, "start now", chromedp.Click(`a.govuk-button--start`, chromedp.ByQuery))
			if h := text(t, gov, "h1"); !strings.Contains(h, "Safeguarding assurance 2024-25") {
				t.Fatalf("task list: %s", h)
			}
			if u := location(t, gov); strings.Contains(u, "/r/") {
				t.Fatalf("token left in the address bar: %s", u)
			}
			checkAxe(t, gov, axe, "task list")
			load(t, gov, "open the DSL section", chromedp.Click(`//a[contains(., "Designated safeguarding lead")]`))
			checkAxe(t, gov, axe, "section page")
			if err := chromedp.Run(gov, chromedp.Click(byID("dsl.on_slt"), chromedp.ByQuery), chromedp.SetValue(byID("dsl.deputies"), "two", chromedp.ByQuery)); err != nil {
				t.Fatal(err)
			}
			load(t, gov, "save with errors", chromedp.Click(`//button[contains(., "Save and continue")]`))
			if s := text(t, gov, ".govuk-error-summary"); !strings.Contains(s, "Enter a whole number") || !strings.Contains(s, "Enter the date") {
				t.Fatalf("error summary: %s", s)
			}
			var kept string
			if err := chromedp.Run(gov, chromedp.Value(byID("dsl.deputies"), &kept, chromedp.ByQuery)); err != nil || kept != "two" {
				t.Fatalf("typed value not kept: %q %v", kept, err)
			}
			checkAxe(t, gov, axe, "section page with errors")
			for _, sec := range sections {
				if sec.ID == "dsl" {
					fillSection(t, gov, sec)
					checkAxe(t, gov, axe, "section check answers")
				}
			}
			load(t, gov, "task list", chromedp.Navigate(base+"/return"))
			fillFrom := 0
			load(t, gov, "open the first section", chromedp.Click(`.govuk-task-list__link`, chromedp.ByQuery))
			fillSection(t, gov, sections[0])
			fillFrom = 1

			// Second sitting: a new browser, the same link; saved answers are there.
			gov = newGovernorBrowser(t, base, tc.js)
			load(t, gov, "open the link again", chromedp.Navigate(link))
			if s := text(t, gov, ".govuk-task-list"); strings.Count(s, "Completed") != 2 {
				t.Fatalf("second sitting does not show two completed sections: %s", s)
			}
			for _, sec := range sections[fillFrom:] {
				if sec.ID == "dsl" || sec.ID == "declaration" {
					continue
				}
				load(t, gov, "open "+sec.ID, chromedp.Navigate(base+"/return/section/"+sec.ID))
				fillSection(t, gov, sec)
			}
			load(t, gov, "task list", chromedp.Navigate(base+"/return"))
			load(t, gov, "check answers", chromedp.Click(`//a[contains(., "Check your answers and submit")]`))
			checkAxe(t, gov, axe, "check your answers")
			load(t, gov, "declaration", chromedp.Click(`//a[contains(., "Continue to the declaration")]`))
			checkAxe(t, gov, axe, "declaration")
			if err := chromedp.Run(gov, chromedp.SendKeys(byID("declaration.name"), "Ann Governor", chromedp.ByQuery),
				chromedp.Click(byID("declaration.role"), chromedp.ByQuery),
				chromedp.SendKeys(byID("declaration.email"), "ann@school.example.org", chromedp.ByQuery),
				chromedp.Click(byID("declaration.statement"), chromedp.ByQuery)); err != nil {
				t.Fatal(err)
			}
			load(t, gov, "submit", chromedp.Click(`//button[contains(., "Submit the assurance")]`))
			ref := text(t, gov, ".govuk-panel__body strong")
			if !forms.ValidReference(ref) {
				t.Fatalf("reference %q", ref)
			}
			checkAxe(t, gov, axe, "confirmation")
			load(t, gov, "printable copy", chromedp.Click(`//a[contains(., "printable copy")]`))
			if s := text(t, gov, "main"); !strings.Contains(s, ref) || !strings.Contains(s, "Ann Governor") {
				t.Fatalf("copy: %s", s)
			}
			checkAxe(t, gov, axe, "printable copy")
			pdf := fetchWithBrowserCookies(t, gov, base+"/return/receipt.pdf")
			if !strings.HasPrefix(pdf, "%PDF-") {
				t.Fatalf("receipt is not a PDF: %.20q", pdf)
			}

			// A revoked link: a helpful page.
			load(t, admin, "the return", chromedp.Navigate(fmt.Sprintf("%s/admin/rounds/2024-25/returns/%d", base, tc.urn)))
			if s := text(t, admin, "main"); !strings.Contains(s, ref) {
				t.Fatalf("admin does not see the submission: %s", s)
			}
			checkAxe(t, admin, axe, "admin: a submitted return, with its receipt email")
			load(t, admin, "revoke", chromedp.Click(`//button[contains(., "Revoke the link")]`))
			if h := text(t, admin, "h1"); !strings.HasPrefix(h, "Revoke ") {
				t.Fatalf("revoking did not ask first: %s", h)
			}
			checkAxe(t, admin, axe, "admin: confirm revoking a link")
			load(t, admin, "revoke, confirmed", chromedp.Click(`//main//form//button[contains(., "Revoke the link")]`))
			other := newGovernorBrowser(t, base, tc.js)
			load(t, other, "revoked link", chromedp.Navigate(link))
			if h := text(t, other, "h1"); h != "This link does not work" {
				t.Fatalf("revoked link: %s", h)
			}
			checkAxe(t, other, axe, "revoked link page")
		})
	}
}

// newGovernorBrowser is a fresh browser (a governor's other device), with or without JavaScript.
func newGovernorBrowser(t *testing.T, base string, js bool) context.Context {
	ctx := newBrowser(t)
	if !js {
		disableJS(t, ctx, base)
		ctx = context.WithValue(ctx, noJSKey{}, true)
	}
	return ctx
}

// fetchWithBrowserCookies downloads a URL as the browser's session would.
func fetchWithBrowserCookies(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	var cookies []*network.Cookie
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().WithURLs([]string{url}).Do(ctx)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", url, nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return string(b)
}
