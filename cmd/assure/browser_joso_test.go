package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserJOSOJourney is the JOSO programme in a real browser, with JavaScript on and
// off: the partnership enrols a school; its link teacher signs in by the emailed link (read
// from the outbox), adds JOSOs, records their training, logs an activity that reached
// parents and KS1 with a photo of the work, and sends it; the partnership approves it and
// the team's XP moves by the rule's figures, and removes a training session after a
// confirmation page. axe-core finds nothing on any page.
func TestBrowserJOSOJourney(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	base, password := liveServer(t)
	png := filepath.Join(t.TempDir(), "poster.png")
	if err := os.WriteFile(png, tinyPNG, 0o600); err != nil {
		t.Fatal(err)
	}
	for i, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			urn := 990200 + i
			teacherEmail := fmt.Sprintf("link.teacher.%d@school.example.org", urn)
			admin, run := browserWithJS(t, base, js)
			load(t, admin, "sign-in page", chromedp.Navigate(base+"/sign-in"))
			run("type", chromedp.SendKeys("#email", demoAdminEmail, chromedp.ByQuery), chromedp.SendKeys("#password", password, chromedp.ByQuery))
			load(t, admin, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			load(t, admin, "JOSO years", chromedp.Navigate(base+"/admin/joso"))
			checkAxe(t, admin, axe, "JOSO programme years")
			load(t, admin, "2022-23", chromedp.Navigate(base+"/admin/joso/2022-23"))
			// The partnership's figures, before this run enrols another school.
			want := fmt.Sprintf("Participating schools\t%d\t22\nJOSOs trained\t%d\t72", 28+i, 97+2*i)
			if s := text(t, admin, "#figures"); !strings.Contains(s, want) {
				t.Fatalf("figures: %q, want %q", s, want)
			}
			checkAxe(t, admin, axe, "a programme year with standings and heatmap")

			// Enrol by keyboard.
			run("enrol: type", chromedp.Focus("#urn", chromedp.ByQuery), chromedp.KeyEvent(strconv.Itoa(urn)),
				chromedp.Focus("#name", chromedp.ByQuery), chromedp.KeyEvent("Sam Link"),
				chromedp.Focus("#email", chromedp.ByQuery), chromedp.KeyEvent(teacherEmail))
			load(t, admin, "enrol", chromedp.Focus(`//button[contains(., "Enrol and email")]`), chromedp.KeyEvent(kb.Enter))
			if s := text(t, admin, ".govuk-notification-banner"); !strings.Contains(s, "School enrolled") {
				t.Fatalf("after enrolling: %q", s)
			}
			load(t, admin, "outbox", chromedp.Navigate(base+"/admin/outbox"))
			link := regexp.MustCompile(`/joso/link/[A-Za-z0-9_-]{22}`).FindString(text(t, admin, "main"))
			if link == "" {
				t.Fatal("no invitation in the outbox")
			}

			teacher, trun := browserWithJS(t, base, js)
			load(t, teacher, "open the emailed link", chromedp.Navigate(base+link))
			if h := text(t, teacher, "h1"); !strings.Contains(h, "Academy") {
				t.Fatalf("teacher's home: %q", h)
			}
			checkAxe(t, teacher, axe, "link teacher's home, no JOSOs")
			load(t, teacher, "JOSOs", chromedp.Navigate(base+"/joso/school/josos"))
			for _, name := range []string{"Priya S", "Tom W"} {
				trun("type a name", chromedp.Focus("#name", chromedp.ByQuery), chromedp.KeyEvent(name), chromedp.Focus("#certificate", chromedp.ByQuery), chromedp.KeyEvent(" "))
				load(t, teacher, "add "+name, chromedp.Focus("#add-joso", chromedp.ByQuery), chromedp.KeyEvent(kb.Enter))
			}
			trun("type a full name", chromedp.Focus("#name", chromedp.ByQuery), chromedp.KeyEvent("Priya Sharma"))
			load(t, teacher, "add a full name", chromedp.Focus("#add-joso", chromedp.ByQuery), chromedp.KeyEvent(kb.Enter))
			if s := text(t, teacher, ".govuk-error-summary"); !strings.Contains(s, "first name and surname initial") {
				t.Fatalf("full name accepted? %q", s)
			}
			checkAxe(t, teacher, axe, "JOSOs with an error")

			load(t, teacher, "training", chromedp.Navigate(base+"/joso/school/training"))
			for _, session := range []string{"s1", "s2"} {
				trun("tick "+session, chromedp.Click(`#att-`+session+`-j1`, chromedp.ByQuery), chromedp.Click(`#att-`+session+`-j2`, chromedp.ByQuery))
				load(t, teacher, "save "+session, chromedp.Click(`//button[contains(., "Save attendance") and contains(., "`+map[string]string{"s1": "session 1", "s2": "session 2"}[session]+`")]`))
			}
			if s := text(t, teacher, "main"); !strings.Contains(s, "2 of 2 JOSOs trained") {
				t.Fatalf("training page: %q", s)
			}
			checkAxe(t, teacher, axe, "training attendance")

			load(t, teacher, "log an activity", chromedp.Navigate(base+"/joso/school/activities/new"))
			checkAxe(t, teacher, axe, "log an activity")
			trun("fill the activity", chromedp.SetValue("#type", "m2-a1", chromedp.ByQuery),
				chromedp.Focus("#date-day", chromedp.ByQuery), chromedp.KeyEvent("7"),
				chromedp.Focus("#date-month", chromedp.ByQuery), chromedp.KeyEvent("2"),
				chromedp.Focus("#date-year", chromedp.ByQuery), chromedp.KeyEvent("2023"),
				chromedp.Click("#whole-team", chromedp.ByQuery), // nothing is ticked for the teacher
				chromedp.Click("#audience-parents", chromedp.ByQuery), chromedp.Click("#audience-ks1", chromedp.ByQuery),
				chromedp.Focus("#reach", chromedp.ByQuery), chromedp.KeyEvent("180"),
				chromedp.Focus("#description", chromedp.ByQuery), chromedp.KeyEvent("Priya and Tom ran a Safer Internet Day quiz for parents and KS1."))
			load(t, teacher, "save as a draft", chromedp.Click("#save-draft", chromedp.ByQuery))
			trun("choose the photo", chromedp.SetUploadFiles("#file", []string{png}, chromedp.ByQuery))
			load(t, teacher, "upload", chromedp.Click("#upload", chromedp.ByQuery))
			if s := text(t, teacher, "main"); !strings.Contains(s, "poster.png") {
				t.Fatalf("evidence not listed: %q", s)
			}
			checkAxe(t, teacher, axe, "a draft activity with evidence")
			load(t, teacher, "send for approval", chromedp.Click("#send", chromedp.ByQuery))
			activity := strings.Split(location(t, teacher), "?")[0]
			activity = activity[strings.LastIndex(activity, "/")+1:]

			load(t, admin, "the activity", chromedp.Navigate(base+"/admin/joso/2022-23/activities/"+activity))
			checkAxe(t, admin, axe, "an activity waiting for approval")
			load(t, admin, "approve", chromedp.Focus("#approve", chromedp.ByQuery), chromedp.KeyEvent(kb.Enter))
			ledger := text(t, admin, "#ledger")
			for _, want := range []string{":1:base", ":1:parents", ":1:ks1"} {
				if !strings.Contains(ledger, want) {
					t.Errorf("ledger lacks %s: %q", want, ledger)
				}
			}
			checkAxe(t, admin, axe, "an approved activity with its ledger entries")

			load(t, teacher, "home again", chromedp.Navigate(base+"/joso/school"))
			// Safer Internet Day in 2022-23 is at rule version 2: base 35, parents 20, KS1 10.
			if xp := text(t, teacher, "#team-xp"); xp != "65" {
				t.Fatalf("team XP %q, want 65", xp)
			}
			if s := text(t, teacher, "#joso-contributions"); !strings.Contains(s, "Priya S") || !strings.Contains(s, "65") {
				t.Errorf("contributions: %q", s)
			}
			checkAxe(t, teacher, axe, "link teacher's home with XP")
			load(t, teacher, "nominations", chromedp.Navigate(base+"/joso/school/nominations"))
			checkAxe(t, teacher, axe, "nominations")

			// A session added by mistake is removed after a confirmation page.
			load(t, admin, "catalogue", chromedp.Navigate(base+"/admin/joso/2022-23/catalogue"))
			run("add a session", chromedp.SetValue("#title-4", "Extra session", chromedp.ByQuery), chromedp.SetValue("#date-4", "2023-03-01", chromedp.ByQuery))
			load(t, admin, "save the sessions", chromedp.Click(`//button[contains(., "Save the sessions")]`))
			run("empty its title", chromedp.Focus("#title-4", chromedp.ByQuery), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(strings.Repeat(kb.Backspace, len("Extra session"))))
			load(t, admin, "ask to remove it", chromedp.Click(`//button[contains(., "Save the sessions")]`))
			if h := text(t, admin, "h1"); !strings.Contains(h, "Remove this training session?") || !strings.Contains(text(t, admin, "main"), "Extra session") {
				t.Fatalf("no confirmation: %q", h)
			}
			checkAxe(t, admin, axe, "confirm removing a session")
			load(t, admin, "confirm", chromedp.Focus("#confirm-removal", chromedp.ByQuery), chromedp.KeyEvent(kb.Enter))
			var last string // the blank line for a new session again
			run("read the last line", chromedp.Value("#title-4", &last, chromedp.ByQuery))
			if s := text(t, admin, ".govuk-notification-banner"); !strings.Contains(s, "Sessions saved") || last != "" {
				t.Fatalf("after confirming: %q, last line %q", s, last)
			}

			for _, p := range []string{"/catalogue", "/ledger", "/nominations", "/celebration", fmt.Sprintf("/schools/%d", urn)} {
				load(t, admin, p, chromedp.Navigate(base+"/admin/joso/2022-23"+p))
				checkAxe(t, admin, axe, "admin JOSO "+p)
			}
		})
	}
}

// tinyPNG is a 1x1 PNG, the photo of a poster.
var tinyPNG = []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
	0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
	0x4e, 0x44, 0xae, 0x42, 0x60, 0x82}
