package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
)

// Opening, closing and group reminders ask for confirmation with the number of schools;
// a closed round can be reopened until archived; a governor's link on a closed round
// says so plainly; reminding on a closed round is refused with a page, not a failure.
func TestRoundStatesAndConfirmations(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	if _, err := rs.Create(ctx, audit.CommandLine, forms.NewRoundInput{Year: "2025-26", Opens: "2025-10-01", Deadline: "2099-12-13"}); err != nil {
		t.Fatal(err)
	}
	if err := rs.Returns().SetContactEmail(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA}, "governor@school.example.org"); err != nil {
		t.Fatal(err)
	}
	token, err := forms.NewLinks(rs).Link(ctx, forms.ReturnID{Round: "2024-25", URN: urnA})
	if err != nil {
		t.Fatal(err)
	}
	admin := srv.client(t)
	admin.signIn()
	post := func(path string, form url.Values) (int, string, http.Header) {
		t.Helper()
		form.Set("_csrf", admin.csrf)
		return admin.post(path, form)
	}
	state := func(year string) string { r, _ := rs.Get(ctx, year); return r.State }

	// Opening before the round's own opening date is allowed, and said first.
	if _, err := rs.Create(ctx, audit.CommandLine, forms.NewRoundInput{Year: "2098-99", Opens: "2098-10-01", Deadline: "2098-12-13"}); err != nil {
		t.Fatal(err)
	}
	admin.get("/admin/rounds/2098-99")
	if _, body, _ := post("/admin/rounds/2098-99/open", url.Values{}); !strings.Contains(body, "before its opening date") {
		t.Errorf("opening early: the confirmation does not say so\n%s", body)
	}

	// Opening: a confirmation with the count, then the round opens.
	admin.get("/admin/rounds/2025-26")
	code, body, _ := post("/admin/rounds/2025-26/open", url.Values{})
	if code != http.StatusOK || !strings.Contains(body, "386 schools") || !strings.Contains(body, `name="confirm" value="yes"`) || state("2025-26") != forms.RoundDraft {
		t.Fatalf("open without confirmation: %d, state %s", code, state("2025-26"))
	}
	// The confirmation says what an officer might not have meant: another round is open.
	if !strings.Contains(body, "Round 2024-25 is also open") || strings.Contains(body, "before its opening date") {
		t.Errorf("opening beside an open round, on time: the confirmation does not say so\n%s", body)
	}
	if code, _, _ := post("/admin/rounds/2025-26/open", url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther || state("2025-26") != forms.RoundOpen {
		t.Fatalf("confirmed open: %d, state %s", code, state("2025-26"))
	}

	// A group reminder: a confirmation with the count, then the emails.
	admin.get("/admin/rounds/2024-25/dashboard")
	code, body, _ = post("/admin/rounds/2024-25/remind", url.Values{"phase": {"primary"}})
	if code != http.StatusOK || !strings.Contains(body, "Send 1 reminder") || !strings.Contains(body, "280 schools of this group have no contact email") {
		t.Fatalf("remind without confirmation: %d", code)
	}
	if msgs, _ := srv.mail.Recent(ctx, 5); len(msgs) != 0 {
		t.Fatal("a reminder went before confirmation")
	}
	if code, _, _ := post("/admin/rounds/2024-25/remind", url.Values{"phase": {"primary"}, "confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("confirmed reminder: %d", code)
	}

	// Closing: a confirmation saying how many have not returned, then closed.
	admin.get("/admin/rounds/2024-25")
	code, body, _ = post("/admin/rounds/2024-25/close", url.Values{})
	if code != http.StatusOK || !strings.Contains(body, "386 schools have not returned") || state("2024-25") != forms.RoundOpen {
		t.Fatalf("close without confirmation: %d", code)
	}
	code, _, h := post("/admin/rounds/2024-25/close", url.Values{"confirm": {"yes"}})
	if code != http.StatusSeeOther || state("2024-25") != forms.RoundClosed {
		t.Fatalf("confirmed close: %d, state %s", code, state("2024-25"))
	}
	if _, body, _ := admin.get(h.Get("Location")); !strings.Contains(body, "Round closed") || !strings.Contains(body, "Reopen the round") {
		t.Error("the round page does not confirm the close or offer to reopen")
	}

	// The governor's link says plainly that the round is closed.
	gov := srv.client(t)
	code, body = gov.openLink(token)
	if code != http.StatusGone || !strings.Contains(body, "round is closed") || strings.Contains(body, "come back") || strings.Contains(body, "replaced by a newer one") {
		t.Errorf("link on a closed round: %d\n%s", code, body)
	}
	// A closed round's dashboard counts no days to the deadline and offers no reminder.
	if _, body, _ := admin.get("/admin/rounds/2024-25/dashboard"); strings.Contains(body, "Days to deadline") || strings.Contains(body, "days to go") || strings.Contains(body, "Send a reminder now") {
		t.Error("a closed round's dashboard counts days to the deadline")
	}
	code, body, _ = post("/admin/rounds/2024-25/remind", url.Values{"confirm": {"yes"}})
	if code != http.StatusConflict || !strings.Contains(body, "not open") {
		t.Errorf("reminding on a closed round: %d", code)
	}

	// Reopened (audited), the link works again; archived, it cannot be reopened.
	if code, _, _ := post("/admin/rounds/2024-25/reopen", url.Values{}); code != http.StatusSeeOther || state("2024-25") != forms.RoundOpen {
		t.Fatalf("reopen: %d, state %s", code, state("2024-25"))
	}
	if entries, _ := srv.audit.Recent(ctx, 3); entries[0].Action != "round-reopened" || entries[0].Actor != testEmail {
		t.Errorf("reopening not audited: %+v", entries[0])
	}
	if code, _ := srv.client(t).openLink(token); code != http.StatusOK {
		t.Errorf("link after reopening: %d", code)
	}
	post("/admin/rounds/2024-25/close", url.Values{"confirm": {"yes"}})
	// Archiving cannot be undone: it asks first.
	if code, body, _ := post("/admin/rounds/2024-25/archive", url.Values{}); code != http.StatusOK || state("2024-25") != forms.RoundClosed ||
		!strings.Contains(body, "cannot be reopened") {
		t.Fatalf("archive without confirming: %d, state %s", code, state("2024-25"))
	}
	if code, _, _ := post("/admin/rounds/2024-25/archive", url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther || state("2024-25") != forms.RoundArchived {
		t.Fatalf("archive: %d", code)
	}
	if code, _, _ := post("/admin/rounds/2024-25/reopen", url.Values{}); code != http.StatusConflict || state("2024-25") != forms.RoundArchived {
		t.Errorf("reopening an archived round: %d, state %s", code, state("2024-25"))
	}
}
