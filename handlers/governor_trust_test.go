package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
)

// answerSections completes every section but the declaration through the pages.
func (c *client) answerSections(secs []forms.Section) {
	c.t.Helper()
	for _, sec := range secs {
		if sec.ID == "declaration" {
			continue
		}
		_, body, _ := c.get("/return/section/" + sec.ID)
		form := url.Values{"_csrf": {c.csrf}, "version": {versionInput.FindStringSubmatch(body)[1]}, "action": {"continue"}}
		for _, q := range sec.Questions {
			switch q.Kind {
			case forms.KindYesNo, forms.KindYesPartlyNo:
				form.Set(q.ID, "yes")
			case forms.KindDate:
				form.Set(q.ID+"-day", "2")
				form.Set(q.ID+"-month", "9")
				form.Set(q.ID+"-year", "2024")
			case forms.KindNumber:
				form.Set(q.ID, "2")
			case forms.KindManyOf, forms.KindOneOf:
				form.Set(q.ID, q.Choices[0].Value)
			}
		}
		if code, _, _ := c.post("/return/section/"+sec.ID, form); code != http.StatusSeeOther {
			c.t.Fatalf("section %s: %d", sec.ID, code)
		}
	}
}

// declarationForm is the declaration page's form, signed.
func (c *client) declarationForm() url.Values {
	c.t.Helper()
	_, body, _ := c.get("/return/submit")
	return url.Values{"_csrf": {c.csrf}, "version": {versionInput.FindStringSubmatch(body)[1]}, "submit_key": {keyInput.FindStringSubmatch(body)[1]},
		"declaration.name": {"Ann Governor"}, "declaration.role": {"safeguarding_governor"}, "declaration.email": {"ann@school.example.org"},
		"declaration.statement": {"confirmed"}}
}

func governorOn(t *testing.T, srv *testServer, rs *forms.Rounds, urn int) (*client, []forms.Section) {
	t.Helper()
	ctx := context.Background()
	tok, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urn})
	g := srv.client(t)
	g.openLink(tok)
	round, _ := rs.Get(ctx, "2024-25")
	ret, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urn})
	return g, round.Definition.For(ret.School.Record)
}

// submittedGovernor is a governor who has answered every section and submitted.
func submittedGovernor(t *testing.T, srv *testServer, rs *forms.Rounds, urn int) *client {
	t.Helper()
	g, secs := governorOn(t, srv, rs, urn)
	g.answerSections(secs)
	if code, _, _ := g.post("/return/submit", g.declarationForm()); code != http.StatusSeeOther {
		t.Fatalf("submit: %d", code)
	}
	return g
}

// Submits racing with one key (a double click that the browser sent twice at once) each
// get the confirmation, and the receipt goes once, with the reference and the PDF.
func TestRacingSubmitsAllGetConfirmation(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	g, secs := governorOn(t, srv, rs, urnA)
	g.answerSections(secs)
	form := g.declarationForm()
	codes, places := make([]int, 6), make([]string, 6)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() {
			req := httptestRequest("POST", "/return/submit", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
			for k, v := range g.cookies {
				req.AddCookie(&http.Cookie{Name: k, Value: v})
			}
			res, err := srv.app.Test(req, 30000)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes[i], places[i] = res.StatusCode, res.Header.Get("Location")
		})
	}
	wg.Wait()
	for i := range codes {
		if codes[i] != http.StatusSeeOther || places[i] != "/return/confirmation" {
			t.Errorf("submit %d: %d %q", i, codes[i], places[i])
		}
	}
	ret, _ := rs.Returns().Get(context.Background(), forms.ReturnID{Round: "2024-25", URN: urnA})
	msgs, _ := srv.mail.Recent(context.Background(), 10)
	receipts := 0
	for _, m := range msgs {
		if m.Purpose == "receipt" {
			receipts++
			if m.To != "ann@school.example.org" || !strings.Contains(m.Body, ret.Reference) || len(m.Files) != 1 {
				t.Errorf("receipt: %+v", m)
			}
		}
	}
	if ret.Submissions != 1 || receipts != 1 {
		t.Fatalf("%d submissions, %d receipts", ret.Submissions, receipts)
	}
}

// "Save and come back later" keeps a "partly" whose explanation is not written yet: the
// section stays in progress, and the answer is there on coming back.
func TestSaveLaterKeepsUnexplainedAnswer(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	g, _ := governorOn(t, srv, rs, urnA)
	_, body, _ := g.get("/return/section/dsl")
	form := url.Values{"_csrf": {g.csrf}, "version": {versionInput.FindStringSubmatch(body)[1]}, "action": {"later"},
		"dsl.on_slt": {"yes"}, "dsl.cover": {"partly"}, "dsl.cover-comment": {""}}
	if code, _, h := g.post("/return/section/dsl", form); code != http.StatusSeeOther || h.Get("Location") != "/return" {
		t.Fatalf("save for later: %d %s", code, h.Get("Location"))
	}
	ret, _ := rs.Returns().Get(context.Background(), forms.ReturnID{Round: "2024-25", URN: urnA})
	if ret.AnswerMap()["dsl.cover"].Value != "partly" || forms.Return.Editable(ret) == false {
		t.Fatalf("answer not kept: %+v", ret.AnswerMap())
	}
	_, body, _ = g.get("/return")
	if !strings.Contains(body, "In progress") {
		t.Fatal("section not in progress")
	}
	_, body, _ = g.get("/return/section/dsl")
	if !strings.Contains(body, `id="dsl.cover-1" name="dsl.cover" type="radio" value="partly" checked`) {
		t.Fatal("partly not shown again")
	}
	// Continuing without the explanation still asks for it, and keeps the section open.
	form.Set("action", "continue")
	form.Set("version", versionInput.FindStringSubmatch(body)[1])
	if code, body, _ := g.post("/return/section/dsl", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Explain why the answer is not yes") {
		t.Fatalf("continue without explanation: %d", code)
	}
	if ret, _ = rs.Returns().Get(context.Background(), forms.ReturnID{Round: "2024-25", URN: urnA}); len(ret.Completed) != 0 {
		t.Fatalf("completed %v", ret.Completed)
	}
}

// After a reopening the declaration is not ticked in advance, and the confirmation page
// says what the board said.
func TestReopenedDeclarationNotTickedAndConfirmationFollowsAnswer(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	g := submittedGovernor(t, srv, rs, urnA)
	_, body, _ := g.get("/return/confirmation")
	if !strings.Contains(body, "The board gave assurance") || strings.Contains(body, "could not give assurance") {
		t.Fatalf("confirmation after assurance given:\n%s", body)
	}
	admin := srv.client(t)
	admin.signIn()
	if code, _ := admin.returnAction(urnA, "reopen", url.Values{"reason": {"Wrong date"}}); code != http.StatusSeeOther {
		t.Fatalf("reopen: %d", code)
	}
	_, body, _ = g.get("/return/submit")
	if strings.Contains(body, `value="confirmed" checked`) || !strings.Contains(body, `value="Ann Governor"`) {
		t.Fatal("declaration ticked in advance after reopening, or the name was lost")
	}
	// The board now says it cannot give assurance.
	_, body, _ = g.get("/return/section/assurance")
	form := url.Values{"_csrf": {g.csrf}, "version": {versionInput.FindStringSubmatch(body)[1]}, "action": {"continue"},
		"assurance.method": {"lscp_audit"}, "assurance.board_date-day": {"2"}, "assurance.board_date-month": {"9"}, "assurance.board_date-year": {"2024"},
		"assurance.given": {"no"}, "assurance.action_plan": {"Train the new DSL by March"},
		"assurance.target_date-day": {"31"}, "assurance.target_date-month": {"3"}, "assurance.target_date-year": {"2025"}}
	if code, body, _ := g.post("/return/section/assurance", form); code != http.StatusSeeOther {
		t.Fatalf("assurance section: %d\n%s", code, body)
	}
	if code, _, _ := g.post("/return/submit", g.declarationForm()); code != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", code)
	}
	_, body, _ = g.get("/return/confirmation")
	if !strings.Contains(body, "The board could not give assurance") || strings.Contains(body, "The board gave assurance") {
		t.Fatalf("confirmation after assurance not given:\n%s", body)
	}
	msgs, _ := srv.mail.Recent(context.Background(), 10)
	reopened := 0
	for _, m := range msgs {
		if m.Purpose == "reopened" && strings.Contains(m.Body, "Wrong date") && m.To == "ann@school.example.org" {
			reopened++
		}
	}
	if reopened != 1 {
		t.Fatalf("%d reopening emails to the signatory", reopened)
	}
}

// A nursery's optional section says so in each label, and its form shows the hint written
// for nurseries; a primary school's does neither.
func TestOptionalLabelsAndPhaseHints(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	all, _ := rs.Returns().OfRound(ctx, "2024-25")
	nursery := 0
	for _, r := range all {
		if r.School.Phase == forms.PhaseNursery {
			nursery = r.URN
			break
		}
	}
	if nursery == 0 {
		t.Fatal("no nursery in the demo county")
	}
	g, _ := governorOn(t, srv, rs, nursery)
	_, body, _ := g.get("/return/section/online_safety")
	if strings.Count(body, "(optional)") != 3 {
		t.Errorf("nursery online safety: %d optional labels", strings.Count(body, "(optional)"))
	}
	if _, body, _ = g.get("/return/section/child_on_child"); !strings.Contains(body, "For nurseries") {
		t.Error("nursery: no hint for nurseries")
	}
	p, _ := governorOn(t, srv, rs, urnA)
	_, body, _ = p.get("/return/section/online_safety")
	if strings.Contains(body, "(optional)") {
		t.Error("primary online safety marked optional")
	}
	for _, sec := range []string{"child_on_child", "rshe"} {
		if _, body, _ = p.get("/return/section/" + sec); strings.Contains(body, "For nurseries") || strings.Contains(body, "PSHE") {
			t.Errorf("primary %s shows another phase's hint", sec)
		}
	}
}

// The return's page shows the partnership each receipt and reopening email and whether it
// was delivered, with a warning when one was not.
func TestAdminSeesReturnEmailsAndFailures(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	submittedGovernor(t, srv, rs, urnA)
	ret, _ := rs.Returns().Get(context.Background(), forms.ReturnID{Round: "2024-25", URN: urnA})
	admin := srv.client(t)
	admin.signIn()
	_, body, _ := admin.get("/admin/rounds/2024-25/returns/990006")
	if !strings.Contains(body, "Receipts and reopening emails") || !strings.Contains(body, forms.ReceiptFile(ret)) ||
		!strings.Contains(body, "ann@school.example.org") || strings.Contains(body, "was not delivered") {
		t.Fatalf("return page:\n%s", body)
	}
	// A receipt the mail server refused (as forms.Assurance records one).
	down := mail.New(srv.store, mail.SMTP{Host: "127.0.0.1", Port: 1, From: "assure@example.org", TLS: "none"})
	if _, err := down.Send(context.Background(), "ann@school.example.org", "Receipt", "x", forms.PurposeReceipt, ret.ID); err == nil {
		t.Fatal("delivery to port 1 succeeded")
	}
	if _, body, _ = admin.get("/admin/rounds/2024-25/returns/990006"); !strings.Contains(body, "was not delivered") || !strings.Contains(body, "failed") {
		t.Fatal("failed receipt not shown")
	}
}
