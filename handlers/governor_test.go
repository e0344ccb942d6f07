package handlers

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/mail"
)

// roundServer is a test server with the demo county and an open round 2024-25.
func roundServer(t testing.TB) (*testServer, *forms.Rounds) {
	t.Helper()
	return roundServerAs(t, forms.NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2099-12-13"})
}

// roundServerAs is a test server with the demo county and an open round made as in asks.
func roundServerAs(t testing.TB, in forms.NewRoundInput) (*testServer, *forms.Rounds) {
	t.Helper()
	srv := newTestServer(t)
	ctx := context.Background()
	ex, err := forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.register.Import(ctx, ex, forms.ImportOptions{By: audit.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	rs := forms.NewRounds(srv.store, srv.register)
	if _, err := rs.Create(ctx, audit.CommandLine, in); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Open(ctx, audit.CommandLine, in.Year); err != nil {
		t.Fatal(err)
	}
	return srv, rs
}

func (c *client) openLink(token string) (int, string) {
	c.t.Helper()
	code, body, h := c.get("/r/" + token)
	if code == http.StatusSeeOther {
		code, body, _ = c.get(h.Get("Location"))
	}
	return code, body
}

const (
	urnA = 990006 // a primary school of the demo county
	urnB = 990007
)

var governorRoutes = []string{"/return", "/return/start", "/return/section/leadership", "/return/section/leadership/check", "/return/check",
	"/return/submit", "/return/copy"}

func TestGovernorAccess(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	tokA, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA})
	tokB, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnB})
	revoked, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: 990008})
	if err := forms.NewLinks(rs).RevokeLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: 990008}); err != nil {
		t.Fatal(err)
	}
	a, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnA})
	b, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnB})

	// No session: no governor page, no admin page.
	anon := srv.client(t)
	for _, p := range governorRoutes {
		if code, _, _ := anon.get(p); code != http.StatusForbidden {
			t.Errorf("anonymous %s: %d", p, code)
		}
	}
	// Governor of school A sees A's return, never B's, and no admin page.
	govA := srv.client(t)
	if code, body := govA.openLink(tokA); code != 200 || !strings.Contains(body, a.School.Name) {
		t.Fatalf("link A: %d", code)
	}
	for _, p := range governorRoutes {
		code, body, _ := govA.get(p)
		if code != 200 || strings.Contains(body, b.School.Name) {
			t.Errorf("governor A %s: %d (B's name shown: %v)", p, code, strings.Contains(body, b.School.Name))
		}
	}
	adminRoutes := []string{"/admin", "/admin/schools", "/admin/audit", "/admin/outbox", "/admin/rounds", "/admin/rounds/2024-25",
		"/admin/rounds/2024-25/returns/990006"}
	for _, p := range adminRoutes {
		if code, _, _ := govA.get(p); code != http.StatusSeeOther {
			t.Errorf("governor A reached %s: %d", p, code)
		}
		if code, _, _ := anon.get(p); code != http.StatusSeeOther {
			t.Errorf("anonymous reached %s: %d", p, code)
		}
	}
	if code, _, _ := govA.post("/admin/rounds/2024-25/returns/990007/link", url.Values{"_csrf": {govA.csrf}}); code != http.StatusSeeOther {
		t.Errorf("governor A reissued B's link: %d", code)
	}
	// Governor B sees only B.
	govB := srv.client(t)
	if code, body := govB.openLink(tokB); code != 200 || !strings.Contains(body, b.School.Name) || strings.Contains(body, a.School.Name) {
		t.Fatalf("link B: %d", code)
	}
	// A revoked link, a made-up one and a malformed one: a helpful page, not an error.
	other := srv.client(t)
	for _, tok := range []string{revoked, "AAAAAAAAAAAAAAAAAAAAAA", "not-a-token", tokA + "x"} {
		code, body := other.openLink(tok)
		if code != http.StatusNotFound || !strings.Contains(body, "This link does not work") {
			t.Errorf("link %q: %d", tok, code)
		}
	}
	// Reissuing A's link stops the old one at once, even for a session already open.
	if _, err := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA}); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := govA.get("/return"); code != http.StatusForbidden {
		t.Errorf("session on a replaced link: %d", code)
	}
	if code, _ := srv.client(t).openLink(tokA); code != http.StatusNotFound {
		t.Errorf("replaced link opened: %d", code)
	}
	// An admin is not a governor: no return without a link.
	admin := srv.client(t)
	admin.signIn()
	if code, _, _ := admin.get("/return"); code != http.StatusForbidden {
		t.Errorf("admin on /return: %d", code)
	}
	for _, p := range adminRoutes {
		if code, body, _ := admin.get(p); code != http.StatusOK {
			t.Errorf("admin %s: %d\n%s", p, code, body)
		}
	}
	if code, _, _ := admin.get("/admin/rounds/2031-32"); code != http.StatusNotFound {
		t.Errorf("unknown round: %d", code)
	}
}

var versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)
var keyInput = regexp.MustCompile(`name="submit_key" value="([^"]+)"`)

func TestGovernorFillsAndSubmits(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	tok, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA})
	g := srv.client(t)
	g.openLink(tok)
	round, _ := rs.Get(ctx, "2024-25")
	ret, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnA})
	secs := round.Definition.For(ret.School.Record)

	// A validation error keeps what was typed.
	_, body, _ := g.get("/return/section/dsl")
	v := versionInput.FindStringSubmatch(body)[1]
	code, body, _ := g.post("/return/section/dsl", url.Values{"_csrf": {g.csrf}, "version": {v}, "action": {"continue"},
		"dsl.on_slt": {"yes"}, "dsl.deputies": {"two"}, "dsl.last_training-day": {"31"}, "dsl.last_training-month": {"2"}, "dsl.last_training-year": {"2024"},
		"dsl.cover": {"partly"}, "dsl.cover-comment": {"<script>alert(1)</script>"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter a whole number") || !strings.Contains(body, "real date") ||
		!strings.Contains(body, `value="two"`) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(body, "<script>alert(1)") {
		t.Fatalf("invalid section: %d\n%s", code, body)
	}
	// Every section, properly.
	g.answerSections(secs)
	_, body, _ = g.get("/return/check")
	if !strings.Contains(body, "Continue to the declaration") {
		t.Fatal("whole-return check does not lead to the declaration")
	}
	_, body, _ = g.get("/return/submit")
	form := url.Values{"_csrf": {g.csrf}, "version": {versionInput.FindStringSubmatch(body)[1]}, "submit_key": {keyInput.FindStringSubmatch(body)[1]},
		"declaration.name": {"Ann Governor"}, "declaration.role": {"safeguarding_governor"}, "declaration.email": {"ann@school.example.org"}}
	if code, body, _ := g.post("/return/submit", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Confirm the declaration") {
		t.Fatalf("unconfirmed declaration: %d", code)
	}
	_, body, _ = g.get("/return/submit")
	form.Set("version", versionInput.FindStringSubmatch(body)[1])
	form.Set("submit_key", keyInput.FindStringSubmatch(body)[1])
	form.Set("declaration.statement", "confirmed")
	if code, _, h := g.post("/return/submit", form); code != http.StatusSeeOther || h.Get("Location") != "/return/confirmation" {
		t.Fatalf("submit: %d", code)
	}
	// The same request again (a double click): one submission.
	if code, _, h := g.post("/return/submit", form); code != http.StatusSeeOther || h.Get("Location") != "/return/confirmation" {
		t.Fatalf("resubmit: %d", code)
	}
	_, body, _ = g.get("/return/confirmation")
	ret, _ = rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnA})
	if ret.Submissions != 1 || !strings.Contains(body, ret.Reference) {
		t.Fatalf("confirmation: %d submissions", ret.Submissions)
	}
	// Read-only now.
	_, body, _ = g.get("/return/section/dsl")
	if !strings.Contains(body, "can no longer be changed") || strings.Contains(body, "Save and continue") {
		t.Fatal("submitted return still editable")
	}
	code, pdf, h := g.get("/return/receipt.pdf")
	if code != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("receipt: %d %s", code, h.Get("Content-Type"))
	}
}

func TestAdminRoundActions(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	admin := srv.client(t)
	admin.signIn()
	admin.get("/admin/rounds/2024-25")
	// Add a school late: a URN not yet in the round, then bad input.
	ex, _ := forms.ReadGIAS(bytes.NewReader([]byte(`"URN","LA (code)","EstablishmentName","TypeOfEstablishment (name)","EstablishmentTypeGroup (name)","EstablishmentStatus (name)","PhaseOfEducation (name)"`+"\r\n"+
		`"120001","925","New Primary","Academy converter","Academies","Open","Primary"`+"\r\n")), nil)
	if _, err := srv.register.Import(ctx, ex, forms.ImportOptions{By: audit.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	if code, _, h := admin.post("/admin/rounds/2024-25/add", url.Values{"_csrf": {admin.csrf}, "urn": {"120001"}}); code != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "/returns/120001") {
		t.Fatalf("add late: %d", code)
	}
	for urn, msg := range map[string]string{"abc": "Enter the school", "120001": "already in the round", "999999": "school in the register has that URN"} {
		if code, body, _ := admin.post("/admin/rounds/2024-25/add", url.Values{"_csrf": {admin.csrf}, "urn": {urn}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, msg) {
			t.Errorf("add %s: %d", urn, code)
		}
	}
	r, _ := rs.Get(ctx, "2024-25")
	if r.Expected != 387 {
		t.Fatalf("expected %d", r.Expected)
	}
	// Exempt needs a reason.
	if code, _, _ := admin.post("/admin/rounds/2024-25/returns/990001/exempt", url.Values{"_csrf": {admin.csrf}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("exempt without reason: %d", code)
	}
	if code, _, _ := admin.post("/admin/rounds/2024-25/returns/990001/exempt", url.Values{"_csrf": {admin.csrf}, "reason": {"Closed for rebuilding"}}); code != http.StatusSeeOther {
		t.Fatalf("exempt: %d", code)
	}
	if code, _, _ := admin.post("/admin/rounds/2024-25/close", url.Values{"_csrf": {admin.csrf}, "confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("close: %d", code)
	}
	if code, _, _ := admin.post("/admin/rounds/2024-25/archive", url.Values{"_csrf": {admin.csrf}, "confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("archive: %d", code)
	}
	if r, _ = rs.Get(ctx, "2024-25"); r.State != forms.RoundArchived {
		t.Fatalf("state %s", r.State)
	}
}

var codeInBody = regexp.MustCompile(`\n    (\d{6})\n`)

func TestOneTimeCodeJourney(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	ex, _ := forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if _, err := srv.register.Import(ctx, ex, forms.ImportOptions{By: audit.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	rs := forms.NewRounds(srv.store, srv.register)
	if _, err := rs.Create(ctx, audit.CommandLine, forms.NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2099-12-13", EmailCode: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Open(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	tok, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA})

	// Without a contact email, the governor is told to ask the partnership.
	g := srv.client(t)
	if code, body := g.openLink(tok); code != 200 || !strings.Contains(body, "does not have one for your school") {
		t.Fatalf("no contact email: %d", code)
	}
	admin := srv.client(t)
	admin.signIn()
	if code, _ := admin.returnAction(urnA, "contact", url.Values{"email": {"governor@school.example.org"}}); code != http.StatusSeeOther {
		t.Fatalf("contact email: %d", code)
	}
	// The link alone reaches only the code page.
	for _, p := range []string{"/return", "/return/section/dsl", "/return/submit"} {
		if code, _, h := g.get(p); code != http.StatusSeeOther || h.Get("Location") != "/return/code" {
			t.Errorf("%s before the code: %d %s", p, code, h.Get("Location"))
		}
	}
	_, body, _ := g.get("/return/code")
	if !strings.Contains(body, "g***@school.example.org") {
		t.Fatal("masked address not shown")
	}
	if code, body, _ := g.post("/return/code/send", url.Values{"_csrf": {g.csrf}}); code != 200 || !strings.Contains(body, "We have sent a code") {
		t.Fatalf("send: %d", code)
	}
	msgs, err := mail.New(srv.store, mail.SMTP{}).Recent(ctx, 1)
	if err != nil || len(msgs) != 1 || msgs[0].To != "governor@school.example.org" || msgs[0].Status != mail.StatusOutbox {
		t.Fatalf("outbox: %+v %v", msgs, err)
	}
	m := codeInBody.FindStringSubmatch(msgs[0].Body)
	if m == nil {
		t.Fatalf("no code in %q", msgs[0].Body)
	}
	wrong := "000000"
	if m[1] == wrong {
		wrong = "111111"
	}
	if code, body, _ := g.post("/return/code", url.Values{"_csrf": {g.csrf}, "code": {wrong}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "not right") {
		t.Fatalf("wrong code: %d", code)
	}
	if code, _, h := g.post("/return/code", url.Values{"_csrf": {g.csrf}, "code": {m[1]}}); code != http.StatusSeeOther || h.Get("Location") != "/return/start" {
		t.Fatalf("right code: %d %s", code, h.Get("Location"))
	}
	if code, _, _ := g.get("/return"); code != 200 {
		t.Fatalf("after the code: %d", code)
	}
	if code, body, _ := admin.get("/admin/outbox"); code != 200 || !strings.Contains(body, "Your code for the safeguarding assurance") {
		t.Fatalf("admin outbox: %d", code)
	}
	// Another browser with the same link needs its own code.
	if code, _, h := srv.client(t).get("/r/" + tok); code != http.StatusSeeOther || h.Get("Location") != "/return/code" {
		t.Fatalf("second browser: %d", code)
	}
}
