package handlers

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
)

var (
	sendKeyInput = regexp.MustCompile(`name="send_key" value="([^"]+)"`)
	confirmLink  = regexp.MustCompile(`/confirm/([A-Za-z0-9_-]{22})`)
)

// sendForm is the preparer's sending form, filled in.
func (c *client) sendForm() url.Values {
	c.t.Helper()
	_, body, _ := c.get("/return/submit")
	if !strings.Contains(body, "Send for confirmation") {
		c.t.Fatalf("a two-person round's last step is not the sending form:\n%s", body)
	}
	return url.Values{"_csrf": {c.csrf}, "version": {versionInput.FindStringSubmatch(body)[1]}, "send_key": {sendKeyInput.FindStringSubmatch(body)[1]},
		"preparer.name": {"Pat Lead"}, "preparer.role": {"dsl"}, "preparer.email": {"dsl@school.example.org"}, "confirmer.email": {"ann@school.example.org"}}
}

// lastConfirmLink is the token of the newest confirmation link in the outbox.
func lastConfirmLink(t *testing.T, srv *testServer) string {
	t.Helper()
	msgs, _ := srv.mail.Recent(context.Background(), 50)
	for _, m := range msgs {
		if m.Purpose == forms.PurposeConfirmation {
			return confirmLink.FindStringSubmatch(m.Body)[1]
		}
	}
	t.Fatal("no confirmation email")
	return ""
}

// A two-person round through the web: the preparer completes and sends the return; the
// governor's link shows it whole; the governor sends it back with a comment, which the
// preparer sees; sent again, the governor confirms and the return is submitted naming
// both. Neither session reaches the other's pages: a preparer's session cannot confirm,
// and a confirmation session cannot save a section or send the return.
func TestTwoPersonSignOffOverTheWeb(t *testing.T) {
	t.Parallel()
	srv, rs := roundServerAs(t, forms.NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2099-12-13", TwoPerson: true})
	ctx := context.Background()
	prep, secs := governorOn(t, srv, rs, urnA)
	_, body, _ := prep.get("/return")
	if !strings.Contains(body, "0 of 17 sections completed") {
		t.Fatalf("task list count:\n%s", body)
	}
	prep.answerSections(secs)
	_, body, _ = prep.get("/return")
	if !strings.Contains(body, "17 of 17 sections completed") || !strings.Contains(body, "Check your answers and send for confirmation") {
		t.Fatalf("task list when complete:\n%s", body)
	}
	if _, body, _ = prep.get("/return/check"); !strings.Contains(body, "Continue to send for confirmation") {
		t.Fatal("the whole-return check does not lead to sending")
	}
	// The school's link cannot submit on its own.
	decl := url.Values{"_csrf": {prep.csrf}, "version": {"99"}, "submit_key": {"k"}, "declaration.name": {"Pat Lead"},
		"declaration.role": {"chair"}, "declaration.email": {"dsl@school.example.org"}, "declaration.statement": {"confirmed"}}
	if code, _, h := prep.post("/return/submit", decl); code != http.StatusSeeOther || h.Get("Location") != "/return" {
		t.Fatalf("a preparer's own submission: %d %s", code, h.Get("Location"))
	}
	bad := prep.sendForm()
	bad.Set("confirmer.email", "not an email")
	if code, body, _ := prep.post("/return/send", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "governor&#39;s work email") {
		t.Fatalf("a bad sending: %d\n%s", code, body)
	}
	if code, _, h := prep.post("/return/send", prep.sendForm()); code != http.StatusSeeOther || h.Get("Location") != "/return" {
		t.Fatalf("sending: %d", code)
	}
	if _, body, _ = prep.get("/return"); !strings.Contains(body, "Sent to ann@school.example.org to confirm") {
		t.Fatalf("task list while waiting:\n%s", body)
	}
	// The preparer's session reaches no confirming page.
	for _, p := range []string{"/confirming", "/confirming/done", "/confirming/receipt.pdf"} {
		if code, _, _ := prep.get(p); code != http.StatusForbidden {
			t.Errorf("preparer GET %s: %d", p, code)
		}
	}
	if code, _, _ := prep.post("/confirming", url.Values{"_csrf": {prep.csrf}, "version": {"1"}, "declaration.statement": {"confirmed"}}); code != http.StatusForbidden {
		t.Errorf("preparer confirmed: %d", code)
	}

	// The governor's link: the whole return and who prepared it.
	gov := srv.client(t)
	code, _, h := gov.get("/confirm/" + lastConfirmLink(t, srv))
	if code != http.StatusSeeOther || h.Get("Location") != "/confirming" {
		t.Fatalf("opening the confirmation link: %d %s", code, h.Get("Location"))
	}
	if _, body, _ = gov.get("/confirming"); !strings.Contains(body, "Pat Lead (Designated safeguarding lead") || !strings.Contains(body, "Designated safeguarding lead") ||
		!strings.Contains(body, "Send it back") {
		t.Fatalf("the confirming page:\n%s", body)
	}
	// A confirmation session cannot edit or send.
	for _, p := range []string{"/return", "/return/section/dsl", "/return/submit"} {
		if code, _, _ := gov.get(p); code != http.StatusForbidden {
			t.Errorf("confirming governor GET %s: %d", p, code)
		}
	}
	if code, _, _ := gov.post("/return/section/dsl", url.Values{"_csrf": {gov.csrf}, "version": {"1"}, "dsl.on_slt": {"no"}}); code != http.StatusForbidden {
		t.Errorf("confirming governor saved a section: %d", code)
	}
	if code, _, _ := gov.post("/return/send", url.Values{"_csrf": {gov.csrf}, "version": {"1"}, "send_key": {"x"}}); code != http.StatusForbidden {
		t.Errorf("confirming governor sent the return: %d", code)
	}
	// Sent back with a comment; the link and its session stop working.
	if code, _, _ := gov.post("/confirming/send-back", url.Values{"_csrf": {gov.csrf}, "comment": {" "}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("sending back without a comment: %d", code)
	}
	if code, body, _ := gov.post("/confirming/send-back", url.Values{"_csrf": {gov.csrf}, "comment": {"Check the DSL training date"}}); code != 200 || !strings.Contains(body, "Return sent back") {
		t.Fatalf("sending back: %d", code)
	}
	if code, _, _ := gov.get("/confirming"); code != http.StatusForbidden {
		t.Errorf("the session of a link sent back: %d", code)
	}
	stale := lastConfirmLink(t, srv)
	if code, body, _ := srv.client(t).get("/confirm/" + stale); code != http.StatusNotFound || !strings.Contains(body, "This confirmation link does not work") {
		t.Errorf("a link sent back: %d", code)
	}
	if _, body, _ = prep.get("/return"); !strings.Contains(body, "Check the DSL training date") {
		t.Fatalf("the comment is not on the task list:\n%s", body)
	}
	// Sent again: a new link, which confirms.
	if code, _, _ := prep.post("/return/send", prep.sendForm()); code != http.StatusSeeOther {
		t.Fatalf("sending again: %d", code)
	}
	gov = srv.client(t)
	gov.get("/confirm/" + lastConfirmLink(t, srv))
	_, body, _ = gov.get("/confirming")
	form := url.Values{"_csrf": {gov.csrf}, "version": {versionInput.FindStringSubmatch(body)[1]}, "declaration.name": {"Ann Governor"},
		"declaration.role": {"safeguarding_governor"}, "declaration.email": {"ann@school.example.org"}}
	if code, body, _ := gov.post("/confirming", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Confirm the declaration") {
		t.Fatalf("an unconfirmed declaration: %d", code)
	}
	form.Set("declaration.statement", "confirmed")
	for range 2 { // a double click is one confirmation
		if code, _, h := gov.post("/confirming", form); code != http.StatusSeeOther || h.Get("Location") != "/confirming/done" {
			t.Fatalf("confirming: %d %s", code, h.Get("Location"))
		}
	}
	ret, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnA})
	if ret.Status != forms.StatusSubmitted || ret.Submissions != 1 {
		t.Fatalf("after confirming: %s, %d submissions", ret.Status, ret.Submissions)
	}
	if _, body, _ = gov.get("/confirming/done"); !strings.Contains(body, ret.Reference) || !strings.Contains(body, "Pat Lead") || !strings.Contains(body, "Ann Governor") {
		t.Fatalf("done page:\n%s", body)
	}
	if code, pdf, h := gov.get("/confirming/receipt.pdf"); code != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("receipt: %d", code)
	}
	if code, _, _ := srv.client(t).get("/confirm/" + lastConfirmLink(t, srv)); code != http.StatusNotFound {
		t.Errorf("a used link opened: %d", code)
	}
	if _, body, _ = prep.get("/return/confirmation"); !strings.Contains(body, ret.Reference) {
		t.Error("the preparer does not see the submission")
	}
}

// An admin moves the round's deadline and gives one school an extension with a reason;
// the school's task list shows its own date.
func TestAdminDeadlineAndExtension(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	admin := srv.client(t)
	admin.signIn()
	admin.get("/admin/rounds/2024-25")
	if code, body, _ := admin.post("/admin/rounds/2024-25/deadline", url.Values{"_csrf": {admin.csrf}, "deadline": {"2024-09-01"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "after the round") {
		t.Fatalf("a deadline before the opening: %d", code)
	}
	if code, _, h := admin.post("/admin/rounds/2024-25/deadline", url.Values{"_csrf": {admin.csrf}, "deadline": {"2099-11-30"}}); code != http.StatusSeeOther || h.Get("Location") != "/admin/rounds/2024-25" {
		t.Fatalf("moving the deadline: %d", code)
	}
	if code, _ := admin.returnAction(urnA, "extension", url.Values{"until": {"2100-01-15"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("an extension without a reason: %d", code)
	}
	if code, _ := admin.returnAction(urnA, "extension", url.Values{"until": {"2100-01-15"}, "reason": {"New head"}}); code != http.StatusSeeOther {
		t.Fatalf("an extension: %d", code)
	}
	if _, body, _ := admin.get("/admin/rounds/2024-25/returns/990006"); !strings.Contains(body, "to 2100-01-15: New head") {
		t.Fatal("the return page does not show the extension")
	}
	g, _ := governorOn(t, srv, rs, urnA)
	if _, body, _ := g.get("/return"); !strings.Contains(body, "15 January 2100") {
		t.Fatalf("the task list does not show the school's own date:\n%s", body)
	}
	other, _ := governorOn(t, srv, rs, urnB)
	if _, body, _ := other.get("/return"); !strings.Contains(body, "30 November 2099") {
		t.Fatal("another school does not show the moved deadline")
	}
	var got []string
	_ = srv.audit.Each(context.Background(), audit.Filter{}, 0, func(e audit.Entry) error {
		got = append(got, e.Action+": "+e.Detail)
		return nil
	})
	log := strings.Join(got, "\n")
	if !strings.Contains(log, audit.ActionDeadlineChanged+": from 2099-12-13 to 2099-11-30") || !strings.Contains(log, audit.ActionExtension+": due 2100-01-15: New head") {
		t.Fatalf("audit:\n%s", log)
	}
}

// A round that carries answers forward: the start page offers last year's answers; once
// taken, each is marked "From last year" on its section page until the section is saved.
func TestCarryForwardOverTheWeb(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	submittedGovernor(t, srv, rs, urnA)
	if _, err := rs.Create(ctx, audit.CommandLine, forms.NewRoundInput{Year: "2025-26", Opens: "2025-10-01", Deadline: "2099-12-12", CarryForward: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Open(ctx, audit.CommandLine, "2025-26"); err != nil {
		t.Fatal(err)
	}
	tok, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2025-26", URN: urnA})
	g := srv.client(t)
	if _, body := g.openLink(tok); !strings.Contains(body, "Start from last year's answers") || !strings.Contains(body, "2024-25") {
		t.Fatalf("start page:\n%s", body)
	}
	otherTok, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2025-26", URN: urnB})
	if _, body := srv.client(t).openLink(otherTok); strings.Contains(body, "Start from last year") {
		t.Error("a school that did not submit last year is offered its answers")
	}
	_, body, _ := g.get("/return/start")
	form := url.Values{"_csrf": {g.csrf}, "version": {regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]}}
	if code, _, h := g.post("/return/carry-forward", form); code != http.StatusSeeOther || h.Get("Location") != "/return" {
		t.Fatalf("carrying forward: %d", code)
	}
	if _, body, _ = g.get("/return"); !strings.Contains(body, "Started from last year") || !strings.Contains(body, "0 of 17 sections completed") {
		t.Fatalf("task list after carrying forward:\n%s", body)
	}
	_, body, _ = g.get("/return/section/dsl")
	if strings.Count(body, "From last year") < 4 || !strings.Contains(body, `value="2"`) {
		t.Fatalf("the DSL section does not mark last year's answers:\n%s", body)
	}
	// Saving it as it stands confirms them.
	v := versionInput.FindStringSubmatch(body)[1]
	ret, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2025-26", URN: urnA})
	round, _ := rs.Get(ctx, "2025-26")
	dsl, _ := round.QuestionSection(ret, "dsl")
	save := forms.SectionValues(dsl, ret.AnswerMap())
	save.Set("_csrf", g.csrf)
	save.Set("version", v)
	save.Set("action", "continue")
	if code, _, _ := g.post("/return/section/dsl", save); code != http.StatusSeeOther {
		t.Fatalf("saving the DSL section: %d", code)
	}
	if _, body, _ = g.get("/return/section/dsl"); strings.Contains(body, "From last year") {
		t.Fatal("answers still marked after the section was saved")
	}
	if _, body, _ = g.get("/return"); !strings.Contains(body, "1 of 17 sections completed") {
		t.Fatalf("task list after confirming one section:\n%s", body)
	}
}
