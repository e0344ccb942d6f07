package handlers

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
)

// A reminder run while a governor is typing keeps their session and their school's link:
// the section saves, and the emailed link is the mail merge's, which still opens.
// Replacing the link (an admin's act) gives a new one and stops the old.
func TestReminderKeepsLinkAndSession(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	if err := rs.Returns().SetContactEmail(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA}, "governor@school.example.org"); err != nil {
		t.Fatal(err)
	}
	admin := srv.client(t)
	admin.signIn()
	mergeLink := func() string {
		admin.get("/admin/rounds/2024-25")
		code, body, h := admin.post("/admin/rounds/2024-25/links.csv", url.Values{"_csrf": {admin.csrf}})
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if code != http.StatusOK || err != nil || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
			t.Fatalf("mail merge: %d %v", code, err)
		}
		for _, r := range recs[1:] {
			if r[0] == strconv.Itoa(urnA) {
				return r[len(r)-1]
			}
		}
		t.Fatal("school A is not in the mail merge")
		return ""
	}
	link := mergeLink()
	token := link[strings.LastIndex(link, "/r/")+3:]

	gov := srv.client(t)
	if code, _ := gov.openLink(token); code != http.StatusOK {
		t.Fatalf("opening the link: %d", code)
	}
	_, body, _ := gov.get("/return/section/leadership")
	version := versionInput.FindStringSubmatch(body)[1]

	// The reminder schedule runs: the school's 1-day step is due.
	chase := forms.NewChase(srv.rounds, srv.mail, forms.ChaseConfig{Partnership: "Test LSCP", PublicURL: ""})
	run, err := chase.RunDue(ctx, time.Date(2099, 12, 12, 10, 0, 0, 0, time.UTC))
	if err != nil || run.Sent != 1 {
		t.Fatalf("reminder run: %+v, %v", run, err)
	}
	code, _, h := gov.post("/return/section/leadership", url.Values{"_csrf": {gov.csrf}, "version": {version}, "action": {"later"}})
	if code != http.StatusSeeOther {
		t.Fatalf("saving after a reminder: %d %s", code, h.Get("Location"))
	}
	msgs, _ := srv.mail.Recent(ctx, 1)
	if !strings.Contains(msgs[0].Body, "/r/"+token+"\n") {
		t.Fatalf("the reminder's link is not the mail merge's:\n%s", msgs[0].Body)
	}
	if again := mergeLink(); again != link {
		t.Fatalf("a second download gave another link: %s", again)
	}
	if code, _ := srv.client(t).openLink(token); code != http.StatusOK {
		t.Fatalf("the merge link after the reminder: %d", code)
	}

	// The school's page shows the same link (an admin can read it out on the phone) and
	// offers to replace it, not to "issue" one shown once.
	page := "/admin/rounds/2024-25/returns/" + strconv.Itoa(urnA)
	_, body, _ = admin.get(page)
	if !strings.Contains(body, "/r/"+token+"<") || !strings.Contains(body, "Replace the link") || strings.Contains(body, "shown only once") ||
		strings.Contains(body, "earlier link stops working") {
		t.Fatalf("the school's page does not show its current link:\n%s", body)
	}

	// The admin replaces the link: a new one, and the old one stops.
	if code, _, _ := admin.post(page+"/link", url.Values{"_csrf": {admin.csrf}}); code != http.StatusOK {
		t.Fatalf("replacing the link: %d", code)
	}
	if code, _ := srv.client(t).openLink(token); code != http.StatusNotFound {
		t.Fatalf("the old link after replacement: %d", code)
	}
	if mergeLink() == link {
		t.Fatal("the mail merge still gives the old link")
	}
}

// Every action on a school's return page says it was done, once; and a return of a closed
// round offers no reopening and refuses one (409), sending nobody an email.
func TestReturnPageActionsConfirmAndClosedRoundsRefuseReopening(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	admin := srv.client(t)
	admin.signIn()
	page := "/admin/rounds/2024-25/returns/" + strconv.Itoa(urnA)
	for _, step := range []struct {
		action string
		form   url.Values
		banner string
	}{
		{"contact", url.Values{"email": {"office@school.example.org"}}, "Contact email saved"},
		{"remind", nil, "Reminder sent"},
		{"log", url.Values{"kind": {forms.ContactPhone}, "note": {"Spoke to the clerk"}}, "Contact recorded"},
		{"revoke", url.Values{"confirm": {"yes"}}, "Link revoked"},
		{"exempt", url.Values{"reason": {"Closing in December"}}, "School marked exempt"},
		{"include", nil, "School expected again"},
	} {
		if code, h := admin.returnAction(urnA, step.action, step.form); code != http.StatusSeeOther || h.Get("Location") != page {
			t.Fatalf("%s: %d %s", step.action, code, h.Get("Location"))
		}
		if _, body, _ := admin.get(page); !strings.Contains(body, step.banner) {
			t.Fatalf("%s: no %q banner", step.action, step.banner)
		}
		if _, body, _ := admin.get(page); strings.Contains(body, step.banner) {
			t.Fatalf("%s: the banner came back on reload", step.action)
		}
	}

	ctx := context.Background()
	submittedGovernor(t, srv, rs, urnB)
	submitted, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnB})
	if err := rs.Close(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	closedPage := "/admin/rounds/2024-25/returns/" + strconv.Itoa(urnB)
	_, body, _ := admin.get(closedPage)
	if strings.Contains(body, "Reopen for the governor to amend") {
		t.Fatal("a closed round's return offers reopening")
	}
	before, _ := srv.mail.Recent(ctx, 100)
	if code, _, _ := admin.post(closedPage+"/reopen", url.Values{"_csrf": {admin.csrf}, "reason": {"late change"}}); code != http.StatusConflict {
		t.Fatalf("reopening on a closed round: %d", code)
	}
	if after, _ := srv.mail.Recent(ctx, 100); len(after) != len(before) {
		t.Fatal("a refused reopening sent email")
	}
	if got, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnB}); got.Status != forms.StatusSubmitted || got.Reference != submitted.Reference {
		t.Fatalf("after a refused reopening: %s", got.Status)
	}
}

// TestRevokingALinkAsksFirst: revoking a school's link cannot be undone (a new link must
// be given out), so the button asks before it acts, and only the confirmed post revokes.
func TestRevokingALinkAsksFirst(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	admin := srv.client(t)
	admin.signIn()
	ctx := context.Background()
	id := forms.ReturnID{Round: "2024-25", URN: urnA}
	if _, err := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, id); err != nil {
		t.Fatal(err)
	}
	before, _ := rs.Returns().Get(ctx, id)
	admin.get("/admin/rounds/2024-25/returns/" + strconv.Itoa(urnA))
	code, body, _ := admin.post("/admin/rounds/2024-25/returns/"+strconv.Itoa(urnA)+"/revoke", url.Values{"_csrf": {admin.csrf}})
	if code != http.StatusOK || !strings.Contains(body, `name="confirm" value="yes"`) || !strings.Contains(body, "stops working at once") {
		t.Fatalf("revoke without confirming: %d\n%s", code, body)
	}
	if r, _ := rs.Returns().Get(ctx, id); r.LinkHash != before.LinkHash || r.LinkHash == "" {
		t.Fatal("the link was revoked before the admin confirmed")
	}
	if code, _ := admin.returnAction(urnA, "revoke", url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("confirmed revoke: %d", code)
	}
	if r, _ := rs.Returns().Get(ctx, id); r.LinkHash != "" {
		t.Fatal("the confirmed revoke left the link working")
	}
}
