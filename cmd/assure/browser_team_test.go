package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/lscp/assure/internal/mailtest"
)

var invitationLink = regexp.MustCompile(`http://[0-9.:]+/account/invitation/[A-Za-z0-9_-]{22}`)

// emailedLink is the invitation link in the newest email the SMTP server got for to.
func emailedLink(t *testing.T, smtp *mailtest.Server, to string) string {
	t.Helper()
	for range 100 {
		if got := smtp.To(to); len(got) > 0 {
			data := strings.ReplaceAll(strings.ReplaceAll(got[len(got)-1].Data, "=\r\n", ""), "=3D", "=")
			if link := invitationLink.FindString(data); link != "" {
				return link
			}
			t.Fatalf("no invitation link in:\n%s", data)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no email reached %s", to)
	return ""
}

// An administrator invites a viewer from the Team page; the viewer accepts from the link
// the real SMTP server received, sets a password (after a refused short one), signs in,
// sets up two-factor sign-in, signs out and in again with a code, and is refused a
// change. axe-core finds nothing on any page, with JavaScript on and off.
func TestBrowserTeamInvitationAndTwoFactor(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	smtp := mailtest.Start(t)
	dir, out := demoDir(t)
	base := serveOnWith(t, dir, &syncBuffer{}, map[string]string{"SMTP_HOST": "127.0.0.1", "SMTP_PORT": strconv.Itoa(smtp.Port),
		"SMTP_FROM": "assure@example.org", "SMTP_TLS": "none"})
	password := demoPassword(t, out)
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			viewer := fmt.Sprintf("viewer.%v@example.org", js)
			const viewerPassword = "four unrelated words here"

			ctx, run := browserWithJS(t, base, js)
			signIn := func(email, pw string) {
				load(t, ctx, "open sign in", chromedp.Navigate(base+"/sign-in"))
				run("type the email and password", chromedp.SendKeys("#email", email, chromedp.ByQuery), chromedp.SendKeys("#password", pw, chromedp.ByQuery))
				load(t, ctx, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			}
			signIn(demoAdminEmail, password)
			load(t, ctx, "open the team page", chromedp.Navigate(base+"/admin/team"))
			checkAxe(t, ctx, axe, "team page")
			run("type the colleague's email", chromedp.SendKeys("#email", viewer, chromedp.ByQuery), chromedp.SetValue("#role", "viewer", chromedp.ByQuery))
			load(t, ctx, "invite", chromedp.Click(`form[action="/admin/team"] button`, chromedp.ByQuery))
			if s := text(t, ctx, ".govuk-notification-banner"); !strings.Contains(s, "Invitation sent to "+viewer+" as viewer") {
				t.Fatalf("after inviting: %s", s)
			}
			if s := text(t, ctx, "table"); !strings.Contains(s, viewer) || !strings.Contains(s, "Invited") {
				t.Fatalf("team table: %s", s)
			}
			checkAxe(t, ctx, axe, "team page after inviting")
			load(t, ctx, "open the member", chromedp.Click(`//a[contains(., "`+viewer+`")]`))
			checkAxe(t, ctx, axe, "member page")

			link := emailedLink(t, smtp, viewer)
			vctx, vrun := browserWithJS(t, base, js)
			load(t, vctx, "open the invitation", chromedp.Navigate(link))
			checkAxe(t, vctx, axe, "invitation page")
			vrun("type a short password", chromedp.SendKeys("#password", "short", chromedp.ByQuery))
			load(t, vctx, "set it", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			if s := text(t, vctx, ".govuk-error-summary"); !strings.Contains(s, "at least 12 characters") {
				t.Fatalf("short password: %s", s)
			}
			checkAxe(t, vctx, axe, "invitation page with an error")
			vrun("type a good password", chromedp.SendKeys("#password", viewerPassword, chromedp.ByQuery))
			load(t, vctx, "set it", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			if s := text(t, vctx, ".govuk-notification-banner"); !strings.Contains(s, "Your password is set") {
				t.Fatalf("after setting the password: %s", s)
			}
			checkAxe(t, vctx, axe, "sign-in page after joining")
			vrun("type the email and password", chromedp.SendKeys("#email", viewer, chromedp.ByQuery), chromedp.SendKeys("#password", viewerPassword, chromedp.ByQuery))
			load(t, vctx, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			if h := text(t, vctx, "h1"); !strings.Contains(h, "Partnership overview") {
				t.Fatalf("viewer after sign-in: %s", h)
			}

			load(t, vctx, "open two-factor", chromedp.Navigate(base+"/account/two-factor"))
			checkAxe(t, vctx, axe, "two-factor set-up")
			secret := text(t, vctx, "#secret")
			code, err := totp.GenerateCode(secret, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			vrun("type the code", chromedp.SendKeys("#code", code, chromedp.ByQuery))
			load(t, vctx, "turn it on", chromedp.Click(`form[action="/account/two-factor"] button`, chromedp.ByQuery))
			if s := text(t, vctx, "#recovery-codes"); len(strings.Fields(s)) != 10 {
				t.Fatalf("recovery codes: %q", s)
			}
			checkAxe(t, vctx, axe, "recovery codes")

			load(t, vctx, "sign out", chromedp.Navigate(base+"/sign-out"))
			load(t, vctx, "confirm", chromedp.Click(`form[action="/sign-out"] button`, chromedp.ByQuery))
			load(t, vctx, "open sign in", chromedp.Navigate(base+"/sign-in"))
			vrun("type the email and password", chromedp.SendKeys("#email", viewer, chromedp.ByQuery), chromedp.SendKeys("#password", viewerPassword, chromedp.ByQuery))
			load(t, vctx, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			if h := text(t, vctx, "h1"); !strings.Contains(h, "Enter your code") {
				t.Fatalf("after the password: %s", h)
			}
			checkAxe(t, vctx, axe, "sign-in code page")
			// The next step's code: the one that confirmed the set-up is spent.
			code, _ = totp.GenerateCode(secret, time.Now().Add(30*time.Second))
			vrun("type the code", chromedp.SendKeys("#code", code, chromedp.ByQuery))
			load(t, vctx, "continue", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))
			if h := text(t, vctx, "h1"); !strings.Contains(h, "Partnership overview") {
				t.Fatalf("after the code: %s", h)
			}
			// With two-factor on, setting it up again asks for the current password too.
			load(t, vctx, "open two-factor again", chromedp.Navigate(base+"/account/two-factor"))
			checkAxe(t, vctx, axe, "two-factor page when on")
			code, _ = totp.GenerateCode(text(t, vctx, "#secret"), time.Now())
			vrun("type only the code", chromedp.SendKeys("#code", code, chromedp.ByQuery))
			load(t, vctx, "replace it without the password", chromedp.Click(`form[action="/account/two-factor"] button`, chromedp.ByQuery))
			if e := text(t, vctx, "#password-error"); !strings.Contains(e, "Enter your current password") {
				t.Fatalf("replacing without the password: %q", e)
			}
			checkAxe(t, vctx, axe, "two-factor password refused")

			load(t, vctx, "open rounds", chromedp.Navigate(base+"/admin/rounds"))
			vrun("fill in a round", chromedp.SetValue(`form[action="/admin/rounds"] input[name="year"]`, "2040-41", chromedp.ByQuery))
			load(t, vctx, "try to create it", chromedp.Click(`form[action="/admin/rounds"] button`, chromedp.ByQuery))
			if h := text(t, vctx, "h1"); !strings.Contains(h, "You cannot do this") {
				t.Fatalf("a viewer's change: %s", h)
			}
			checkAxe(t, vctx, axe, "refusal page")
			load(t, vctx, "open rounds", chromedp.Navigate(base+"/admin/rounds"))
			if s := text(t, vctx, "main"); strings.Contains(s, "2040-41") {
				t.Fatal("the viewer made a round")
			}
		})
	}
}
