package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/lscp/assure/forms"
)

// Two-person sign-off in a real browser, with JavaScript on and off, every page checked
// with axe: the admin opens a round that asks for it; a DSL prepares the return through
// the school's link and sends it for confirmation; the governor opens the link emailed to
// them (read from the outbox), reads the whole return and confirms it; the receipt names
// both.
func TestBrowserTwoPersonSignOff(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	base, password := liveServer(t)
	admin := adminOpensRound(t, axe, base, password, "two_person")
	def, err := forms.DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		urn int
		js  bool
	}{{990006, true}, {990008, false}} {
		t.Run(fmt.Sprintf("javascript=%v", tc.js), func(t *testing.T) {
			link := adminIssuesLink(t, admin, axe, base, tc.urn, false)
			sections := demoPrimarySections(def, tc.urn)
			questions := forms.QuestionSections(sections)

			dsl, run := browserWithJS(t, base, tc.js)
			load(t, dsl, "open the school's link", chromedp.Navigate(link))
			load(t, dsl, "start now", chromedp.Click(`a.govuk-button--start`, chromedp.ByQuery))
			if s := text(t, dsl, "main"); !strings.Contains(s, fmt.Sprintf("0 of %d sections completed", len(questions))) {
				t.Fatalf("task list count: %s", s)
			}
			checkAxe(t, dsl, axe, "two-person task list")
			for _, sec := range questions {
				load(t, dsl, "open "+sec.ID, chromedp.Navigate(base+"/return/section/"+sec.ID))
				fillSection(t, dsl, sec)
			}
			load(t, dsl, "task list", chromedp.Navigate(base+"/return"))
			if s := text(t, dsl, "main"); !strings.Contains(s, fmt.Sprintf("%d of %d sections completed", len(questions), len(questions))) {
				t.Fatalf("task list count when complete: %s", s)
			}
			load(t, dsl, "check answers", chromedp.Click(`//a[contains(., "Check your answers and send for confirmation")]`))
			load(t, dsl, "sending page", chromedp.Click(`//a[contains(., "Continue to send for confirmation")]`))
			checkAxe(t, dsl, axe, "send for confirmation")
			load(t, dsl, "send with errors", chromedp.Click(`//button[contains(., "Send for confirmation")]`))
			if s := text(t, dsl, ".govuk-error-summary"); !strings.Contains(s, "Enter your full name") {
				t.Fatalf("error summary: %s", s)
			}
			checkAxe(t, dsl, axe, "send for confirmation with errors")
			run("fill the sending form", chromedp.SendKeys(byID("preparer.name"), "Pat Lead", chromedp.ByQuery),
				chromedp.Click(byID("preparer.role"), chromedp.ByQuery),
				chromedp.SendKeys(byID("preparer.email"), "dsl@school.example.org", chromedp.ByQuery),
				chromedp.SendKeys(byID("confirmer.email"), "ann@school.example.org", chromedp.ByQuery))
			load(t, dsl, "send", chromedp.Click(`//button[contains(., "Send for confirmation")]`))
			if s := text(t, dsl, "main"); !strings.Contains(s, "Sent to ann@school.example.org to confirm") {
				t.Fatalf("after sending: %s", s)
			}
			checkAxe(t, dsl, axe, "task list waiting for confirmation")

			// The governor's own link, as emailed (read from the outbox).
			load(t, admin, "outbox", chromedp.Navigate(base+"/admin/outbox"))
			confirm := regexp.MustCompile(`/confirm/[A-Za-z0-9_-]{22}`).FindString(text(t, admin, "main"))
			if confirm == "" {
				t.Fatal("no confirmation request in the outbox")
			}
			gov, grun := browserWithJS(t, base, tc.js)
			load(t, gov, "open the confirmation link", chromedp.Navigate(base+confirm))
			if s := text(t, gov, "main"); !strings.Contains(s, "Pat Lead (Designated safeguarding lead") || !strings.Contains(s, questions[1].Title) {
				t.Fatalf("confirming page: %s", s)
			}
			if u := location(t, gov); strings.Contains(u, "/confirm/") {
				t.Fatalf("token left in the address bar: %s", u)
			}
			checkAxe(t, gov, axe, "confirming page")
			grun("sign the declaration", chromedp.SendKeys(byID("declaration.name"), "Ann Governor", chromedp.ByQuery),
				chromedp.Click(byID("declaration.role"), chromedp.ByQuery),
				chromedp.SendKeys(byID("declaration.email"), "ann@school.example.org", chromedp.ByQuery),
				chromedp.Click(byID("declaration.statement"), chromedp.ByQuery))
			load(t, gov, "confirm", chromedp.Click(`//button[contains(., "Confirm and submit the assurance")]`))
			ref := text(t, gov, ".govuk-panel__body strong")
			if !forms.ValidReference(ref) {
				t.Fatalf("reference %q: %s", ref, tryText(gov, "main"))
			}
			if s := text(t, gov, "main"); !strings.Contains(s, "Pat Lead") || !strings.Contains(s, "Ann Governor") {
				t.Fatalf("confirmed page does not name both: %s", s)
			}
			checkAxe(t, gov, axe, "confirmed")
			receipt := pageText(t, fetchWithBrowserCookies(t, gov, base+"/confirming/receipt.pdf"))
			if !strings.Contains(receipt, "Prepared by Pat Lead, Designated safeguarding lead") || !strings.Contains(receipt, "Confirmed by Ann Governor") {
				t.Fatalf("receipt does not name both:\n%.2000s", receipt)
			}
			// The used link opens nothing now; the preparer sees the submission.
			other := newGovernorBrowser(t, base, tc.js)
			load(t, other, "the used link", chromedp.Navigate(base+confirm))
			if h := text(t, other, "h1"); h != "This confirmation link does not work" {
				t.Fatalf("used link: %s", h)
			}
			checkAxe(t, other, axe, "used confirmation link")
			load(t, dsl, "the preparer's task list", chromedp.Navigate(base+"/return"))
			if s := text(t, dsl, "main"); !strings.Contains(s, ref) {
				t.Fatalf("the preparer does not see the submission: %s", s)
			}
		})
	}
}

// A round that carries answers forward, in a real browser with JavaScript on and off and
// axe on every page: a school that returned in 2022-23 (the demo's) starts from those
// answers, sees them marked "From last year" on a section page, and saving the section
// confirms them.
func TestBrowserCarryForward(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	base, password := liveServer(t)
	admin := adminOpensRound(t, axe, base, password, "carry_forward")
	load(t, admin, "2022-23's submitted returns", chromedp.Navigate(base+"/admin/rounds/2022-23?status=submitted"))
	var hrefs []string
	if err := chromedp.Run(admin, chromedp.Evaluate(`[...document.querySelectorAll('a[href^="/admin/rounds/2022-23/returns/"]')].map(a => a.getAttribute("href"))`, &hrefs)); err != nil || len(hrefs) < 2 {
		t.Fatalf("schools that returned in 2022-23: %v %v", hrefs, err)
	}
	for i, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			var urn int
			if _, err := fmt.Sscanf(hrefs[i][strings.LastIndex(hrefs[i], "/")+1:], "%d", &urn); err != nil {
				t.Fatal(err)
			}
			link := adminIssuesLink(t, admin, axe, base, urn, false)
			gov := newGovernorBrowser(t, base, js)
			load(t, gov, "open the school's link", chromedp.Navigate(link))
			if s := text(t, gov, "main"); !strings.Contains(s, "submitted its assurance for 2022-23") {
				t.Fatalf("start page: %s", s)
			}
			checkAxe(t, gov, axe, "start page offering last year's answers")
			load(t, gov, "start from last year", chromedp.Click(`//button[contains(., "Start from last year's answers")]`))
			if s := text(t, gov, "main"); !strings.Contains(s, "Started from last year's answers") || !strings.Contains(s, "0 of ") {
				t.Fatalf("task list after carrying forward: %s", s)
			}
			checkAxe(t, gov, axe, "task list after carrying forward")
			// The assurance section reveals a question when "No" is chosen: with the script
			// on, GOV.UK's aria-expanded on the radio is dropped (static/assets/app.js).
			load(t, gov, "the assurance section", chromedp.Click(`//a[contains(., "How the board gained assurance")]`))
			checkAxe(t, gov, axe, "section page with a revealing radio")
			load(t, gov, "back to the task list", chromedp.Navigate(base+"/return"))
			load(t, gov, "the DSL section", chromedp.Click(`//a[contains(., "Designated safeguarding lead")]`))
			if s := text(t, gov, "main"); strings.Count(s, "From last year") < 2 {
				t.Fatalf("section page does not mark last year's answers: %s", s)
			}
			checkAxe(t, gov, axe, "section page with last year's answers")
			load(t, gov, "confirm the section", chromedp.Click(`//button[contains(., "Save and continue")]`))
			if h := text(t, gov, "h1"); !strings.HasPrefix(h, "Check your answers") {
				t.Fatalf("after saving last year's answers: %q: %s", h, tryText(gov, ".govuk-error-summary"))
			}
			load(t, gov, "task list", chromedp.Navigate(base+"/return"))
			if s := text(t, gov, "main"); !strings.Contains(s, "1 of ") {
				t.Fatalf("task list after confirming a section: %s", s)
			}
		})
	}
}

// pageText is the text drawn on a PDF's pages (fpdf compresses each page stream).
func pageText(t *testing.T, pdf string) string {
	t.Helper()
	if !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	var text strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`).FindAllStringSubmatch(pdf, -1) {
		if zr, err := zlib.NewReader(bytes.NewReader([]byte(m[1]))); err == nil {
			b, _ := io.ReadAll(zr)
			text.Write(b)
		}
	}
	return text.String()
}
