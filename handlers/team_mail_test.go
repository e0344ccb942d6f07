package handlers

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/mailtest"
	"github.com/lscp/assure/internal/storetest"
)

var accountLink = regexp.MustCompile(`http://assure\.test(/account/(?:invitation|reset)/[A-Za-z0-9_-]{22})`)

// linkIn is the path of the one account link in the newest message the SMTP server got
// for to (quoted-printable soft line breaks undone).
func linkIn(t *testing.T, smtp *mailtest.Server, to string) string {
	t.Helper()
	got := smtp.To(to)
	if len(got) == 0 {
		t.Fatalf("no email reached %s", to)
	}
	data := strings.ReplaceAll(strings.ReplaceAll(got[len(got)-1].Data, "=\r\n", ""), "=3D", "=")
	m := accountLink.FindStringSubmatch(data)
	if m == nil {
		t.Fatalf("no link in the email to %s:\n%s", to, data)
	}
	return m[1]
}

// TestInvitationAndResetEmailsArriveAndWorkOnce: through a real SMTP server, an
// administrator's invitation reaches the colleague, whose link sets a password once; a
// reset asked for on the sign-in page arrives, works once, and ends the old session. The
// outbox's copies hold no working link.
func TestInvitationAndResetEmailsArriveAndWorkOnce(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	cfg := Config{Partnership: "Test Partnership", PublicURL: "http://assure.test"}
	srv := newTestServerApp(t, cfg, storetest.New(t), app.Config{Partnership: cfg.Partnership, PublicURL: cfg.PublicURL,
		SMTP: mail.SMTP{Host: "127.0.0.1", Port: smtp.Port, From: "assure@example.org", TLS: "none"}}, nil)
	a := srv.client(t)
	a.signIn()
	a.get("/admin/team")
	code, body, _ := a.post("/admin/team", url.Values{"_csrf": {a.csrf}, "email": {"not an email"}, "role": {"viewer"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "govuk-error-summary") || !strings.Contains(body, `value="not an email"`) {
		t.Fatalf("bad invitation: %d\n%s", code, body)
	}
	if code, _, h := a.post("/admin/team", url.Values{"_csrf": {a.csrf}, "email": {"New.Viewer@example.org"}, "role": {"viewer"}}); code != http.StatusSeeOther || h.Get("Location") != "/admin/team" {
		t.Fatalf("invite: %d %s", code, h.Get("Location"))
	}
	code, body, _ = a.get("/admin/team")
	if code != http.StatusOK || !strings.Contains(body, "Invitation sent to New.Viewer@example.org as viewer") || !strings.Contains(body, "Invited") {
		t.Fatalf("team page after inviting: %d\n%s", code, body)
	}
	code, body, _ = a.post("/admin/team", url.Values{"_csrf": {a.csrf}, "email": {testEmail}, "role": {"viewer"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "There is already a team member with this email address") {
		t.Fatalf("inviting a member: %d", code)
	}
	link := linkIn(t, smtp, "New.Viewer@example.org")
	msgs, _ := srv.mail.Recent(context.Background(), 10)
	for _, m := range msgs {
		if strings.Contains(m.Body, strings.TrimPrefix(link, "/account/invitation/")) {
			t.Fatalf("the outbox keeps a working link: %s", m.Body)
		}
	}

	v := srv.client(t)
	if code, body, _ := v.get(link); code != http.StatusOK || !strings.Contains(body, "Join the partnership") || !strings.Contains(body, "New.Viewer@example.org") {
		t.Fatalf("invitation page: %d\n%s", code, body)
	}
	code, body, _ = v.post(link, url.Values{"_csrf": {v.csrf}, "password": {"short"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "at least 12 characters") {
		t.Fatalf("weak password: %d\n%s", code, body)
	}
	if code, _, h := v.post(link, url.Values{"_csrf": {v.csrf}, "password": {memberPass}}); code != http.StatusSeeOther || h.Get("Location") != "/sign-in" {
		t.Fatalf("accept: %d %s", code, h.Get("Location"))
	}
	if code, body, _ := v.get("/sign-in"); code != http.StatusOK || !strings.Contains(body, "Your password is set") {
		t.Fatalf("after accepting: %d\n%s", code, body)
	}
	if code, _, _ := v.get(link); code != http.StatusNotFound {
		t.Fatalf("invitation opened twice: %d", code)
	}
	if code, _, _ := v.post(link, url.Values{"_csrf": {v.csrf}, "password": {"another long password"}}); code != http.StatusNotFound {
		t.Fatalf("invitation used twice: %d", code)
	}
	v.signInAs("new.viewer@example.org", memberPass)
	if code, _, _ := v.get("/admin"); code != http.StatusOK {
		t.Fatalf("new viewer: %d", code)
	}

	// A reset: the page says the same for an address with no account, and emails only
	// the member.
	r := srv.client(t)
	r.get("/sign-in")
	if code, body, _ := r.get("/sign-in"); code != http.StatusOK || !strings.Contains(body, `href="/sign-in/forgotten"`) {
		t.Fatalf("no forgotten link: %d", code)
	}
	r.get("/sign-in/forgotten")
	_, unknown, _ := r.post("/sign-in/forgotten", url.Values{"_csrf": {r.csrf}, "email": {"nobody@example.org"}})
	code, known, _ := r.post("/sign-in/forgotten", url.Values{"_csrf": {r.csrf}, "email": {"new.viewer@example.org"}})
	if code != http.StatusOK || strings.ReplaceAll(unknown, "nobody@example.org", "X") != strings.ReplaceAll(known, "new.viewer@example.org", "X") {
		t.Fatalf("the answers differ: %d", code)
	}
	if len(smtp.To("nobody@example.org")) != 0 {
		t.Fatal("emailed an address with no account")
	}
	link = linkIn(t, smtp, "New.Viewer@example.org")
	if !strings.HasPrefix(link, "/account/reset/") {
		t.Fatalf("reset link: %s", link)
	}
	if code, _, _ := r.get(link); code != http.StatusOK {
		t.Fatalf("reset page: %d", code)
	}
	if code, _, _ := r.post(link, url.Values{"_csrf": {r.csrf}, "password": {"a brand new password"}}); code != http.StatusSeeOther {
		t.Fatalf("reset: %d", code)
	}
	if code, _, _ := r.post(link, url.Values{"_csrf": {r.csrf}, "password": {"a third long password"}}); code != http.StatusNotFound {
		t.Fatalf("reset twice: %d", code)
	}
	if code, _, h := v.get("/admin"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in") {
		t.Fatalf("the session before the reset still works: %d", code)
	}
	v.signInAs("new.viewer@example.org", "a brand new password")
	entries, _ := srv.audit.Recent(context.Background(), 50)
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Action] = true
	}
	for _, want := range []string{audit.ActionAdminInvited, audit.ActionInvitationAccepted, audit.ActionResetAsked, audit.ActionPasswordReset} {
		if !seen[want] {
			t.Errorf("no %s in the audit log", want)
		}
	}
}

var secretOnPage = regexp.MustCompile(`<code id="secret">([A-Z2-7]+)</code>`)

// setUpTwoFactor turns on two-factor sign-in from the page, as a member would, and gives
// the secret and the recovery codes.
func (c *client) setUpTwoFactor() (string, []string) {
	c.t.Helper()
	code, body, _ := c.get("/account/two-factor")
	m := secretOnPage.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil || !strings.Contains(body, "otpauth://totp/") {
		c.t.Fatalf("two-factor page: %d\n%s", code, body)
	}
	if code, body, _ := c.post("/account/two-factor", url.Values{"_csrf": {c.csrf}, "code": {"000000"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, m[1]) {
		c.t.Fatalf("wrong code: %d\n%s", code, body)
	}
	now, _ := totp.GenerateCode(m[1], time.Now())
	code, body, _ = c.post("/account/two-factor", url.Values{"_csrf": {c.csrf}, "code": {now}})
	codes := regexp.MustCompile(`<li><code>([a-z0-9]{10})</code></li>`).FindAllStringSubmatch(body, -1)
	if code != http.StatusOK || len(codes) != accounts.RecoveryCodes {
		c.t.Fatalf("confirming: %d\n%s", code, body)
	}
	var out []string
	for _, g := range codes {
		out = append(out, g[1])
	}
	return m[1], out
}

func TestTwoFactorSignInWithACodeOrARecoveryCode(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	if _, err := srv.accounts.CreateWithRole(context.Background(), audit.System, officerEmail, memberPass, accounts.Officer); err != nil {
		t.Fatal(err)
	}
	c := srv.client(t)
	c.signInAs(officerEmail, memberPass)
	secret, recovery := c.setUpTwoFactor()
	c.get("/sign-out")
	c.post("/sign-out", url.Values{"_csrf": {c.csrf}})

	c.get("/sign-in")
	code, _, h := c.post("/sign-in?next=/admin/rounds", url.Values{"_csrf": {c.csrf}, "email": {officerEmail}, "password": {memberPass}})
	if code != http.StatusSeeOther || h.Get("Location") != "/sign-in/code?next=%2Fadmin%2Frounds" {
		t.Fatalf("password: %d %s", code, h.Get("Location"))
	}
	if code, _, h := c.get("/admin"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in") {
		t.Fatalf("signed in before the code: %d", code)
	}
	c.get("/sign-in/code")
	code, body, _ := c.post("/sign-in/code", url.Values{"_csrf": {c.csrf}, "code": {"123456"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "govuk-error-summary") {
		t.Fatalf("wrong code: %d", code)
	}
	// The next step's code (a phone's clock a little ahead) signs in, once.
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if code, _, h := c.post("/sign-in/code?next=/admin/rounds", url.Values{"_csrf": {c.csrf}, "code": {next}}); code != http.StatusSeeOther || h.Get("Location") != "/admin/rounds" {
		t.Fatalf("code: %d %s", code, h.Get("Location"))
	}
	if code, _, _ := c.get("/admin/rounds"); code != http.StatusOK {
		t.Fatalf("after the code: %d", code)
	}
	d := srv.client(t)
	d.get("/sign-in")
	d.post("/sign-in", url.Values{"_csrf": {d.csrf}, "email": {officerEmail}, "password": {memberPass}})
	d.get("/sign-in/code")
	if code, _, _ := d.post("/sign-in/code", url.Values{"_csrf": {d.csrf}, "code": {next}}); code != http.StatusUnauthorized {
		t.Fatalf("a code used twice: %d", code)
	}
	if code, _, _ := d.post("/sign-in/code", url.Values{"_csrf": {d.csrf}, "code": {recovery[0]}}); code != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", code)
	}
	e := srv.client(t)
	e.get("/sign-in")
	e.post("/sign-in", url.Values{"_csrf": {e.csrf}, "email": {officerEmail}, "password": {memberPass}})
	e.get("/sign-in/code")
	if code, _, _ := e.post("/sign-in/code", url.Values{"_csrf": {e.csrf}, "code": {recovery[0]}}); code != http.StatusUnauthorized {
		t.Fatalf("recovery code twice: %d", code)
	}
	// An administrator turns it off (after a confirmation) for a member who lost phone
	// and codes: the member's session ends and the password alone signs in.
	p := srv.client(t) // past the password, waiting for the code, as the change is made
	p.get("/sign-in")
	p.post("/sign-in", url.Values{"_csrf": {p.csrf}, "email": {officerEmail}, "password": {memberPass}})
	p.get("/sign-in/code")
	a := srv.client(t)
	a.signIn()
	member := "/admin/team/" + url.PathEscape(officerEmail)
	// A deactivation and reactivation meanwhile ends the wait: the code alone does not
	// finish a sign-in begun before it.
	a.get(member)
	a.post(member+"/deactivate", url.Values{"_csrf": {a.csrf}, "confirm": {"yes"}})
	a.post(member+"/reactivate", url.Values{"_csrf": {a.csrf}})
	later, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if code, _, h := p.post("/sign-in/code", url.Values{"_csrf": {p.csrf}, "code": {later}}); code != http.StatusSeeOther || h.Get("Location") != "/sign-in" {
		t.Fatalf("a wait begun before the deactivation: %d %s", code, h.Get("Location"))
	}
	c.get("/sign-in")
	c.post("/sign-in", url.Values{"_csrf": {c.csrf}, "email": {officerEmail}, "password": {memberPass}})
	c.get("/sign-in/code")
	if code, _, h := c.post("/sign-in/code", url.Values{"_csrf": {c.csrf}, "code": {recovery[1]}}); code != http.StatusSeeOther || h.Get("Location") != "/admin" {
		t.Fatalf("signing in again: %d %s", code, h.Get("Location"))
	}
	if _, body, _ := a.get(member); !strings.Contains(body, "Turn off two-factor sign-in") {
		t.Fatal("no way to turn it off on the member's page")
	}
	if code, body, _ := a.post(member+"/two-factor-off", url.Values{"_csrf": {a.csrf}}); code != http.StatusOK || !strings.Contains(body, "will be signed out") {
		t.Fatalf("confirmation: %d", code)
	}
	if code, _, _ := a.post(member+"/two-factor-off", url.Values{"_csrf": {a.csrf}, "confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("turn off: %d", code)
	}
	if code, _, _ := c.get("/admin/rounds"); code != http.StatusSeeOther {
		t.Fatalf("the member's session outlived turning off two-factor: %d", code)
	}
	c.signInAs(officerEmail, memberPass)
}

// TestReplacingTwoFactorNeedsTheCurrentPassword: with two-factor on, a session alone
// cannot swap in a new secret and recovery codes; with the current password it can, and
// the account's other sessions end while this one goes on.
func TestReplacingTwoFactorNeedsTheCurrentPassword(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	if _, err := srv.accounts.CreateWithRole(context.Background(), audit.System, officerEmail, memberPass, accounts.Officer); err != nil {
		t.Fatal(err)
	}
	c := srv.client(t)
	c.signInAs(officerEmail, memberPass)
	_, recovery := c.setUpTwoFactor()
	d := srv.client(t) // another browser of the same member
	d.get("/sign-in")
	d.post("/sign-in", url.Values{"_csrf": {d.csrf}, "email": {officerEmail}, "password": {memberPass}})
	d.get("/sign-in/code")
	if code, _, _ := d.post("/sign-in/code", url.Values{"_csrf": {d.csrf}, "code": {recovery[0]}}); code != http.StatusSeeOther {
		t.Fatalf("second session: %d", code)
	}
	code, body, _ := c.get("/account/two-factor")
	m := secretOnPage.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil || !strings.Contains(body, `autocomplete="current-password"`) {
		t.Fatalf("two-factor page when on: %d\n%s", code, body)
	}
	next, _ := totp.GenerateCode(m[1], time.Now())
	for _, pw := range []string{"", "not the password"} {
		code, body, _ := c.post("/account/two-factor", url.Values{"_csrf": {c.csrf}, "code": {next}, "password": {pw}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter your current password") || strings.Contains(body, "recovery-codes") {
			t.Fatalf("replaced with password %q: %d\n%s", pw, code, body)
		}
	}
	if code, _, _ := d.get("/admin"); code != http.StatusOK {
		t.Fatalf("a refused replacement ended the other session: %d", code)
	}
	code, body, _ = c.post("/account/two-factor", url.Values{"_csrf": {c.csrf}, "code": {next}, "password": {memberPass}})
	if code != http.StatusOK || !strings.Contains(body, "recovery-codes") {
		t.Fatalf("replacing with the password: %d\n%s", code, body)
	}
	if code, _, _ := c.get("/admin"); code != http.StatusOK {
		t.Fatalf("the session that replaced it: %d", code)
	}
	if code, _, h := d.get("/admin"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in") {
		t.Fatalf("the other session outlived the replacement: %d", code)
	}
	e := srv.client(t)
	e.get("/sign-in")
	e.post("/sign-in", url.Values{"_csrf": {e.csrf}, "email": {officerEmail}, "password": {memberPass}})
	e.get("/sign-in/code")
	if code, _, _ := e.post("/sign-in/code", url.Values{"_csrf": {e.csrf}, "code": {recovery[1]}}); code != http.StatusUnauthorized {
		t.Fatalf("an old recovery code after replacing: %d", code)
	}
}

// TestSignInCodeGuessingIsLimited: 10 wrong codes for an account in 15 minutes, then a
// wait, recorded in the audit log.
func TestSignInCodeGuessingIsLimited(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	if _, err := srv.accounts.CreateWithRole(ctx, audit.System, officerEmail, memberPass, accounts.Officer); err != nil {
		t.Fatal(err)
	}
	setup, err := srv.accounts.BeginTwoFactor(ctx, officerEmail)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := totp.GenerateCode(setup.Secret, time.Now())
	if _, _, err := srv.accounts.ConfirmTwoFactor(ctx, audit.System, officerEmail, now, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	e := srv.client(t)
	e.get("/sign-in")
	e.post("/sign-in", url.Values{"_csrf": {e.csrf}, "email": {officerEmail}, "password": {memberPass}})
	e.get("/sign-in/code")
	for i := range 10 {
		if code, _, _ := e.post("/sign-in/code", url.Values{"_csrf": {e.csrf}, "code": {"999999"}}); code != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", i+1, code)
		}
	}
	if code, body, _ := e.post("/sign-in/code", url.Values{"_csrf": {e.csrf}, "code": {"999999"}}); code != http.StatusTooManyRequests || !strings.Contains(body, "too many attempts") {
		t.Fatalf("code guessing not limited: %d", code)
	}
	entries, _ := srv.audit.Recent(ctx, 20)
	limited := false
	for _, en := range entries {
		limited = limited || (en.Action == audit.ActionTwoFactorFailed && en.Detail == "rate limited" && en.Actor == officerEmail)
	}
	if !limited {
		t.Fatalf("the refusal is not in the audit log: %+v", entries)
	}
}

func TestRequiredTwoFactorComesFirst(t *testing.T) {
	t.Parallel()
	srv := newTestServerWith(t, Config{Partnership: "Test Partnership", RequireTwoFactor: true})
	c := srv.client(t)
	c.get("/sign-in")
	code, _, h := c.post("/sign-in", url.Values{"_csrf": {c.csrf}, "email": {testEmail}, "password": {testPassword}})
	if code != http.StatusSeeOther || h.Get("Location") != "/account/two-factor" {
		t.Fatalf("sign-in: %d %s", code, h.Get("Location"))
	}
	for _, p := range []string{"/admin", "/admin/rounds", "/admin/team"} {
		if code, _, h := c.get(p); code != http.StatusSeeOther || h.Get("Location") != "/account/two-factor" {
			t.Errorf("GET %s before set-up: %d %s", p, code, h.Get("Location"))
		}
	}
	c.get("/account/two-factor")
	if code, _, h := c.post("/admin/rounds", url.Values{"_csrf": {c.csrf}, "year": {"2030-31"}}); code != http.StatusSeeOther || h.Get("Location") != "/account/two-factor" {
		t.Errorf("POST before set-up: %d", code)
	}
	if _, body, _ := c.get("/account/two-factor"); !strings.Contains(body, "The partnership requires two-factor sign-in") {
		t.Error("the page does not say it is required")
	}
	c.setUpTwoFactor()
	if code, _, _ := c.get("/admin/rounds"); code != http.StatusOK {
		t.Fatalf("after set-up: %d", code)
	}
}

// TestOnlyTheNewestEmailedLinkWorks: of two reset emails, or two invitations to the same
// address, only the newest link opens; and once one is used, none of the others sets a
// password.
func TestOnlyTheNewestEmailedLinkWorks(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	cfg := Config{Partnership: "Test Partnership", PublicURL: "http://assure.test"}
	srv := newTestServerApp(t, cfg, storetest.New(t), app.Config{Partnership: cfg.Partnership, PublicURL: cfg.PublicURL,
		SMTP: mail.SMTP{Host: "127.0.0.1", Port: smtp.Port, From: "assure@example.org", TLS: "none"}}, nil)
	a := srv.client(t)
	a.signIn()
	a.get("/admin/team")
	const invitee = "twice@example.org"
	var invitations []string
	for _, role := range []string{"viewer", "officer"} {
		if code, _, _ := a.post("/admin/team", url.Values{"_csrf": {a.csrf}, "email": {invitee}, "role": {role}}); code != http.StatusSeeOther {
			t.Fatalf("invite as %s: %d", role, code)
		}
		invitations = append(invitations, linkIn(t, smtp, invitee))
	}
	v := srv.client(t)
	v.get("/sign-in")
	if code, _, _ := v.post(invitations[0], url.Values{"_csrf": {v.csrf}, "password": {"an attacker's long password"}}); code != http.StatusNotFound {
		t.Fatalf("the first invitation after inviting again: %d", code)
	}
	if code, _, _ := v.post(invitations[1], url.Values{"_csrf": {v.csrf}, "password": {memberPass}}); code != http.StatusSeeOther {
		t.Fatalf("the newest invitation: %d", code)
	}
	r := srv.client(t)
	r.get("/sign-in/forgotten")
	var resets []string
	for range 2 {
		if code, _, _ := r.post("/sign-in/forgotten", url.Values{"_csrf": {r.csrf}, "email": {invitee}}); code != http.StatusOK {
			t.Fatalf("asking for a reset: %d", code)
		}
		resets = append(resets, linkIn(t, smtp, invitee))
	}
	if code, _, _ := r.post(resets[1], url.Values{"_csrf": {r.csrf}, "password": {"a brand new password"}}); code != http.StatusSeeOther {
		t.Fatalf("the newer reset: %d", code)
	}
	if code, _, _ := r.post(resets[0], url.Values{"_csrf": {r.csrf}, "password": {"an attacker's long password"}}); code != http.StatusNotFound {
		t.Fatalf("the older reset after the newer was used: %d", code)
	}
	v.signInAs(invitee, "a brand new password")
}
