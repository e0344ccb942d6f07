package handlers

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
)

var contactLink = regexp.MustCompile(`/admin/schools/\d+/contacts/([0-9a-f]{12})">Change<span class="govuk-visually-hidden"> ([^,<]+),`)

// contactIDs is the IDs of a school's contacts as its page links them, by name.
func contactIDs(t *testing.T, admin *client, urn int) map[string]string {
	t.Helper()
	_, body, _ := admin.get("/admin/schools/" + strconv.Itoa(urn))
	out := map[string]string{}
	for _, m := range contactLink.FindAllStringSubmatch(body, -1) {
		out[m[2]] = m[1]
	}
	return out
}

// An officer loads the contact book (a bad file refused GOV.UK style, naming the line),
// edits a school's contacts, previews the invitation, sends a test to themself, and sends
// the invitations after a confirmation that says how many schools and contacts.
func TestContactBookAndInvitationPages(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	ex, err := forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.register.Import(ctx, ex, forms.ImportOptions{By: audit.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.rounds.Create(ctx, audit.CommandLine, forms.NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2099-12-13"}); err != nil {
		t.Fatal(err)
	}
	admin := srv.client(t)
	admin.signIn()
	admin.get("/admin/contacts")

	bad := fmt.Sprintf("urn,name,email,role\n%d,Dee Ess,dsl-a@school.example.org,dsl\n%d,Gov,gov-a@school.example.org,governor\n", urnA, urnA)
	code, body, _ := admin.uploadTo("/admin/contacts", "contacts", "book.csv", []byte(bad))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "govuk-error-summary") || !strings.Contains(body, `href="#contacts"`) ||
		!strings.Contains(body, "Line 3 of the file: &#34;governor&#34; is not a role") || !strings.Contains(body, "No contacts were changed") {
		t.Fatalf("a bad file: %d\n%s", code, body)
	}
	good := fmt.Sprintf("urn,name,email,role\n%d,Dee Ess,dsl-a@school.example.org,dsl\n%d,Gov Ernor,gov-a@school.example.org,safeguarding-governor\n"+
		"%d,Hed Teacher,head-a@school.example.org,headteacher\n%d,Bee Dsl,dsl-b@school.example.org,dsl\n", urnA, urnA, urnA, urnB)
	code, _, h := admin.uploadTo("/admin/contacts", "contacts", "book.csv", []byte(good))
	if code != http.StatusSeeOther || h.Get("Location") != "/admin/contacts" {
		t.Fatalf("a good file: %d %s", code, h.Get("Location"))
	}
	if _, body, _ := admin.get("/admin/contacts"); !strings.Contains(body, "4 contacts of 2 schools loaded") || !strings.Contains(body, "holds 4 contacts at 2 schools") {
		t.Fatalf("after loading:\n%s", body)
	}

	// A school's page lists its contacts and adds one, keeping what was typed on an error.
	school := "/admin/schools/" + strconv.Itoa(urnA)
	admin.get(school)
	code, body, _ = admin.post(school+"/contacts", url.Values{"_csrf": {admin.csrf}, "name": {"Cl Erk"}, "email": {"not an email"}, "role": {"clerk"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#new-email"`) || !strings.Contains(body, `value="Cl Erk"`) ||
		!strings.Contains(body, `<option value="clerk" selected>`) {
		t.Fatalf("a bad contact: %d\n%s", code, body)
	}
	code, _, _ = admin.post(school+"/contacts", url.Values{"_csrf": {admin.csrf}, "name": {"Cl Erk"}, "email": {"clerk-a@school.example.org"}, "role": {"clerk"}})
	if code != http.StatusSeeOther {
		t.Fatalf("adding: %d", code)
	}
	ids := contactIDs(t, admin, urnA)
	if len(ids) != 4 {
		t.Fatalf("school A's contacts: %v", ids)
	}
	// Change the governor's name; mark the head bounced (a reason is asked for); remove the clerk.
	page := school + "/contacts/" + ids["Gov Ernor"]
	admin.get(page)
	if code, _, _ := admin.post(page, url.Values{"_csrf": {admin.csrf}, "name": {"Gaye Overnor"}, "email": {"gov-a@school.example.org"}, "role": {"safeguarding-governor"}}); code != http.StatusSeeOther {
		t.Fatalf("changing: %d", code)
	}
	page = school + "/contacts/" + ids["Hed Teacher"]
	admin.get(page)
	code, body, _ = admin.post(page+"/bounced", url.Values{"_csrf": {admin.csrf}, "bounced": {"yes"}, "why": {""}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#why"`) {
		t.Fatalf("bounced without a reason: %d\n%s", code, body)
	}
	if code, _, _ := admin.post(page+"/bounced", url.Values{"_csrf": {admin.csrf}, "bounced": {"yes"}, "why": {"550 no such user"}}); code != http.StatusSeeOther {
		t.Fatalf("marking bounced: %d", code)
	}
	page = school + "/contacts/" + ids["Cl Erk"]
	admin.get(page)
	if code, _, _ := admin.post(page+"/remove", url.Values{"_csrf": {admin.csrf}}); code != http.StatusSeeOther {
		t.Fatalf("removing: %d", code)
	}
	_, body, _ = admin.get(school)
	if !strings.Contains(body, "Gaye Overnor") || strings.Contains(body, "Cl Erk") || !strings.Contains(body, "550 no such user") {
		t.Fatalf("school A after edits:\n%s", body)
	}

	// The invitation, previewed for school A before the round opens: to the DSL and the
	// governor (not the head: another role, and bounced).
	inv := "/admin/rounds/2024-25/invitations"
	code, body, _ = admin.get(inv + "?urn=" + strconv.Itoa(urnA))
	if code != http.StatusOK || !strings.Contains(body, "dsl-a@school.example.org, gov-a@school.example.org") || strings.Contains(body, "head-a@") ||
		!strings.Contains(body, "Invitations can be sent while the round is open.") {
		t.Fatalf("preview: %d\n%s", code, body)
	}
	code, body, _ = admin.post(inv, url.Values{"_csrf": {admin.csrf}, "roles": {"dsl", "safeguarding-governor"}, "invite_subject": {"Assurance from {school}"},
		"invite_body": {"Dear {name}, {link}"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#invite_body"`) || !strings.Contains(body, "{name} is not a placeholder") ||
		!strings.Contains(body, `value="Assurance from {school}"`) {
		t.Fatalf("a bad wording: %d\n%s", code, body)
	}
	code, body, _ = admin.post(inv, url.Values{"_csrf": {admin.csrf}, "roles": {"dsl"}, "invite_on-day": {"31"}, "invite_on-month": {"2"}, "invite_on-year": {"2025"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#invite_on-day"`) || !strings.Contains(body, `name="invite_on-day" type="text" inputmode="numeric" value="31"`) {
		t.Fatalf("a bad day: %d\n%s", code, body)
	}
	code, _, _ = admin.post(inv, url.Values{"_csrf": {admin.csrf}, "roles": {"dsl", "safeguarding-governor"}, "invite_subject": {"Assurance from {school}"},
		"invite_body": {"{partnership} asks {school}, by {deadline}:\r\n{link}"}})
	if code != http.StatusSeeOther {
		t.Fatalf("saving the wording: %d", code)
	}
	_, body, _ = admin.get(inv + "?urn=" + strconv.Itoa(urnA))
	if !strings.Contains(body, "Test Partnership asks") || !strings.Contains(body, "Sunday 13 December 2099") {
		t.Fatalf("preview of the saved wording:\n%s", body)
	}
	if code, _, _ := admin.post(inv+"/test", url.Values{"_csrf": {admin.csrf}, "urn": {strconv.Itoa(urnA)}}); code != http.StatusSeeOther {
		t.Fatalf("test send: %d", code)
	}
	msgs, _ := srv.mail.Recent(ctx, 1)
	if len(msgs) != 1 || msgs[0].To != testEmail || !strings.HasPrefix(msgs[0].Subject, "Test: Assurance from") {
		t.Fatalf("test email: %+v", msgs)
	}

	// Open the round; sending asks first, with the numbers, then sends each once.
	if _, err := srv.rounds.Open(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	admin.get(inv)
	code, body, _ = admin.post(inv+"/send", url.Values{"_csrf": {admin.csrf}})
	if code != http.StatusOK || !strings.Contains(body, "3 contacts at 2 schools will be emailed") || !strings.Contains(body, `name="confirm" value="yes"`) {
		t.Fatalf("confirmation: %d\n%s", code, body)
	}
	if msgs, _ := srv.mail.Recent(ctx, 10); len(msgs) != 1 {
		t.Fatalf("the confirmation page sent %d emails", len(msgs)-1)
	}
	code, _, _ = admin.post(inv+"/send", url.Values{"_csrf": {admin.csrf}, "confirm": {"yes"}})
	if code != http.StatusSeeOther {
		t.Fatalf("sending: %d", code)
	}
	_, body, _ = admin.get(inv)
	if !strings.Contains(body, "3 invitations sent to 2 schools") {
		t.Fatalf("after sending:\n%s", body)
	}
	msgs, _ = srv.mail.Recent(ctx, 10)
	if len(msgs) != 4 || msgs[0].Purpose != forms.ContactInvitation {
		t.Fatalf("outbox: %+v", msgs)
	}
	code, _, h = admin.post(inv+"/send", url.Values{"_csrf": {admin.csrf}})
	if _, body, _ := admin.get(h.Get("Location")); code != http.StatusSeeOther || !strings.Contains(body, "No invitations to send") {
		t.Fatalf("sending again: %d\n%s", code, body)
	}
}
