package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lscp/assure/forms"
)

// A two-person round over the web: the start page says who prepares and who confirms;
// the task list while it waits says what happens next; the confirming governor is not
// offered the head teacher's role and cannot sign with the preparer's email (a field
// error beside the field); and a return can be sent for confirmation only a few times a
// day, the refusal a page of its own and one audit entry.
func TestTwoPersonGovernorRulesOverTheWeb(t *testing.T) {
	t.Parallel()
	srv, rs := roundServerAs(t, forms.NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2099-12-13", TwoPerson: true})
	prep, secs := governorOn(t, srv, rs, urnA)
	_, body, _ := prep.get("/return/start")
	if strings.Contains(body, "should be given by a non-teaching member") || !strings.Contains(body, "sends it for confirmation") {
		t.Fatalf("the start page of a two-person round:\n%s", body)
	}
	prep.answerSections(secs)
	if code, _, _ := prep.post("/return/send", prep.sendForm()); code != http.StatusSeeOther {
		t.Fatalf("sending: %d", code)
	}
	if _, body, _ = prep.get("/return"); strings.Contains(body, "Submit by") || strings.Contains(body, "saved each time") ||
		!strings.Contains(body, "The return has been sent to ann@school.example.org to confirm") {
		t.Fatalf("the task list while it waits:\n%s", body)
	}
	gov := srv.client(t)
	gov.get("/confirm/" + lastConfirmLink(t, srv))
	_, body, _ = gov.get("/confirming")
	if strings.Contains(body, "Head teacher (there is no board)") || !strings.Contains(body, "Safeguarding governor") {
		t.Fatalf("the confirmer's roles:\n%s", body)
	}
	form := url.Values{"_csrf": {gov.csrf}, "version": {versionInput.FindStringSubmatch(body)[1]}, "declaration.name": {"Pat Lead"},
		"declaration.role": {"safeguarding_governor"}, "declaration.email": {"dsl@school.example.org"}, "declaration.statement": {"confirmed"}}
	if code, body, _ := gov.post("/confirming", form); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "this confirmation link was sent to") || !strings.Contains(body, `id="declaration.email-error"`) {
		t.Fatalf("confirming with the preparer's email: %d\n%s", code, body)
	}
	form.Set("declaration.role", "head_no_board")
	form.Set("declaration.email", "ann@school.example.org")
	if code, _, _ := gov.post("/confirming", form); code != http.StatusUnprocessableEntity {
		t.Fatalf("confirming as head teacher: %d", code)
	}
	// Sending again and again: only the first few count, then a page says why not.
	again := url.Values{"_csrf": {prep.csrf}, "version": {"1"}, "preparer.name": {"Pat Lead"}, "preparer.role": {"dsl"},
		"preparer.email": {"dsl@school.example.org"}, "confirmer.email": {"ann@school.example.org"}}
	for i := range signOffPerDay - 1 {
		again.Set("send_key", strings.Repeat("k", i+1))
		if code, _, _ := prep.post("/return/send", again); code != http.StatusSeeOther {
			t.Fatalf("sending %d: %d", i+2, code)
		}
	}
	for range 2 {
		if code, body, _ := prep.post("/return/send", url.Values{"_csrf": {prep.csrf}, "version": {"1"}, "send_key": {"x"}}); code != http.StatusTooManyRequests ||
			!strings.Contains(body, "too many times today") {
			t.Fatalf("sending too often: %d\n%s", code, body)
		}
	}
	entries, _ := srv.audit.Recent(context.Background(), 50)
	n := 0
	for _, e := range entries {
		if e.Action == "signoff-rate-limited" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("refusals audited %d times, want once", n)
	}
}
