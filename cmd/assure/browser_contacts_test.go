package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An officer imports a contacts file with several roles per school, edits a contact,
// previews the invitation, opens a round and sends the invitations after confirming;
// axe-core finds nothing on any page, with JavaScript on and off (a round each).
func TestBrowserContactsAndInvitations(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	dir, out := demoDir(t)
	years := map[bool]string{true: "2031-32", false: "2032-33"}
	for _, year := range years {
		if code, _, errs := assure(t, dir, "", "round", "create", "--year", year, "--opens", year[:4]+"-10-01", "--deadline", "2099-12-13"); code != 0 {
			t.Fatalf("round create %s: %s", year, errs)
		}
	}
	book := filepath.Join(t.TempDir(), "contacts.csv")
	_ = os.WriteFile(book, []byte("urn,name,email,role\n990006,Dee Ess,dsl6@school.example.org,dsl\n990006,Gov Ernor,gov6@school.example.org,safeguarding-governor\n"+
		"990006,Hed Teacher,head6@school.example.org,headteacher\n990007,Bee Dsl,dsl7@school.example.org,dsl\n990007,Cee Chair,chair7@school.example.org,chair\n"), 0o600)
	bad := filepath.Join(t.TempDir(), "bad.csv")
	_ = os.WriteFile(bad, []byte("urn,name,email,role\n990006,Dee Ess,dsl6@school.example.org,dsl\n990006,Gov,not-an-email,chair\n"), 0o600)
	base, password := serveOn(t, dir, &syncBuffer{}), demoPassword(t, out)
	for _, js := range []bool{true, false} {
		year := years[js]
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			ctx, run := browserWithJS(t, base, js)
			load(t, ctx, "sign-in page", chromedp.Navigate(base+"/sign-in"))
			run("type", chromedp.SendKeys("#email", demoAdminEmail, chromedp.ByQuery), chromedp.SendKeys("#password", password, chromedp.ByQuery))
			load(t, ctx, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))

			load(t, ctx, "the register", chromedp.Navigate(base+"/admin/schools"))
			load(t, ctx, "the contact book", chromedp.Click(`//a[contains(., "Contacts at schools")]`))
			checkAxe(t, ctx, axe, "contact book")
			run("choose a bad file", chromedp.SetUploadFiles("#contacts", []string{bad}, chromedp.ByQuery))
			load(t, ctx, "upload it", chromedp.Click(`//button[contains(., "Upload the contacts")]`))
			if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Line 3 of the file") || !strings.Contains(s, "not an email address") {
				t.Fatalf("error summary: %q", s)
			}
			checkAxe(t, ctx, axe, "contact book, file refused")
			run("choose the file", chromedp.SetUploadFiles("#contacts", []string{book}, chromedp.ByQuery))
			load(t, ctx, "upload it", chromedp.Click(`//button[contains(., "Upload the contacts")]`))
			if s := text(t, ctx, ".govuk-notification-banner"); !strings.Contains(s, "5 contacts of 2 schools loaded") {
				t.Fatalf("after the upload: %q", s)
			}

			name := fmt.Sprintf("Gaye Overnor %v", js)
			load(t, ctx, "a school's page", chromedp.Navigate(base+"/admin/schools/990006"))
			checkAxe(t, ctx, axe, "school page with contacts")
			load(t, ctx, "change the governor", chromedp.Click(`//a[contains(., "Gov Ernor")]`))
			checkAxe(t, ctx, axe, "a contact")
			run("type the new name", chromedp.Clear("#name", chromedp.ByQuery), chromedp.SendKeys("#name", name, chromedp.ByQuery))
			load(t, ctx, "save", chromedp.Click(`//button[contains(., "Save the contact")]`))
			if s := text(t, ctx, "#contacts + table"); !strings.Contains(s, name) || !strings.Contains(s, "Safeguarding governor") {
				t.Fatalf("contacts after the change: %q", s)
			}

			load(t, ctx, "the round", chromedp.Navigate(base+"/admin/rounds/"+year))
			load(t, ctx, "its invitations", chromedp.Click(`//a[contains(., "Invitations and reminders")]`))
			run("choose the school", chromedp.SetValue("#urn", "990006", chromedp.ByQuery))
			load(t, ctx, "preview", chromedp.Click(`//button[contains(., "Preview the invitation")]`))
			if s := text(t, ctx, "#preview"); !strings.Contains(s, "dsl6@school.example.org, gov6@school.example.org") || strings.Contains(s, "head6@") ||
				!strings.Contains(s, "Sunday 13 December 2099") {
				t.Fatalf("preview: %q", s)
			}
			checkAxe(t, ctx, axe, "invitation preview")

			load(t, ctx, "the round", chromedp.Navigate(base+"/admin/rounds/"+year))
			load(t, ctx, "open it", chromedp.Click(`//button[contains(., "Open the round")]`))
			load(t, ctx, "confirm", chromedp.Click(`//button[contains(., "Open the round for")]`))
			load(t, ctx, "its invitations", chromedp.Click(`//a[contains(., "Invitations and reminders")]`))
			load(t, ctx, "send", chromedp.Click(`//button[contains(., "Send the invitations")]`))
			if s := text(t, ctx, "main"); !strings.Contains(s, "3 contacts at 2 schools will be emailed the invitation") {
				t.Fatalf("confirmation: %q", s)
			}
			checkAxe(t, ctx, axe, "confirm sending invitations")
			load(t, ctx, "confirm", chromedp.Click(`//button[contains(., "Send 3 invitations")]`))
			if s := text(t, ctx, ".govuk-notification-banner"); !strings.Contains(s, "3 invitations sent to 2 schools") {
				t.Fatalf("after sending: %q", s)
			}
			checkAxe(t, ctx, axe, "invitations sent")
			load(t, ctx, "the outbox", chromedp.Navigate(base+"/admin/outbox"))
			if s := text(t, ctx, "main"); !strings.Contains(s, "gov6@school.example.org") {
				t.Fatalf("outbox: %q", s)
			}
		})
	}
}
