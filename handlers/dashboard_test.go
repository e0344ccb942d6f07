package handlers

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/rounds"
)

func TestDashboardDownloadsAndChasing(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	if err := rounds.Past(ctx, srv.register, rs, audit.Actor{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	anon := srv.client(t)
	if code, _, h := anon.get("/admin/rounds/2022-23/dashboard"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in") {
		t.Errorf("anonymous dashboard: %d", code)
	}
	if code, _, _ := anon.get("/admin/rounds/2022-23/returns.xlsx"); code != http.StatusSeeOther {
		t.Errorf("anonymous download: %d", code)
	}
	admin := srv.client(t)
	admin.signIn()

	code, body, _ := admin.get("/admin/rounds/2022-23/dashboard")
	if code != http.StatusOK {
		t.Fatalf("dashboard: %d\n%s", code, body)
	}
	for _, want := range []string{"339 of 386 schools have returned: <strong>88%</strong> (2021-22: 66%)", "Schools not yet returned (47)",
		`role="img"`, `<figure class="govuk-body`, "<desc id=\"phase-rates-desc\">Nursery 100% (2021-22: 80%); Primary 91%", "Return rates by district", "&#43;22"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	code, body, _ = admin.get("/admin/rounds/2022-23/dashboard?phase=independent")
	if code != http.StatusOK || !strings.Contains(body, "Schools not yet returned (15)") {
		t.Errorf("filtered chase list: %d", code)
	}

	code, body, h := admin.get("/admin/rounds/2022-23/returns.xlsx")
	if code != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), "assurance-returns-2022-23.xlsx") {
		t.Fatalf("workbook: %d %v", code, h)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("Summary", "B5"); v != "339" {
		t.Errorf("downloaded Summary!B5 = %q", v)
	}
	_ = f.Close()
	if code, body, _ := admin.get("/admin/rounds/2022-23/returns.csv"); code != http.StatusOK || strings.Count(body, "\n") != 387 {
		t.Errorf("csv: %d, %d lines", code, strings.Count(body, "\n"))
	}
	if code, _, _ := admin.get("/admin/rounds/2022-23/returns.pdf"); code != http.StatusNotFound {
		t.Errorf("unknown format: %d", code)
	}

	// Contact emails for the open round: a bad line refuses the file and changes nothing.
	admin.get("/admin/rounds/2024-25")
	bad := "urn,email\n" + strconv.Itoa(urnA) + ",a@example.org\n" + strconv.Itoa(urnB) + ",not an email\n"
	code, body, _ = admin.uploadTo("/admin/rounds/2024-25/contacts", "contacts", "contacts.csv", []byte(bad))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Line 3 of the file") {
		t.Fatalf("bad contacts: %d", code)
	}
	if r, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnA}); r.ContactEmail != "" {
		t.Error("a refused file changed a contact email")
	}
	good := "urn,email\n" + strconv.Itoa(urnA) + ",a@example.org\n" + strconv.Itoa(urnB) + ",b@example.org\n"
	if code, _, _ := admin.uploadTo("/admin/rounds/2024-25/contacts", "contacts", "contacts.csv", []byte(good)); code != http.StatusSeeOther {
		t.Fatalf("good contacts: %d", code)
	}

	// The reminder schedule: a bad one is refused with a message; a good one is kept.
	admin.get("/admin/rounds/2024-25")
	if code, body, _ := admin.post("/admin/rounds/2024-25/schedule", url.Values{"_csrf": {admin.csrf}, "days": {"soon"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "whole numbers") {
		t.Errorf("bad schedule: %d", code)
	}
	admin.get("/admin/rounds/2024-25")
	if code, _, _ := admin.post("/admin/rounds/2024-25/schedule", url.Values{"_csrf": {admin.csrf}, "days": {"14, 3"}}); code != http.StatusSeeOther {
		t.Errorf("schedule: %d", code)
	}
	if r, _ := rs.Get(ctx, "2024-25"); len(r.ReminderDays) != 2 || r.ReminderDays[0] != 14 {
		t.Errorf("schedule stored as %v", r.ReminderDays)
	}

	// A reminder now to the filtered group: only schools with an email get one.
	admin.get("/admin/rounds/2024-25/dashboard")
	code, _, h = admin.post("/admin/rounds/2024-25/remind", url.Values{"_csrf": {admin.csrf}, "phase": {"primary"}, "confirm": {"yes"}})
	if code != http.StatusSeeOther || strings.Contains(h.Get("Location"), "sent=") {
		t.Fatalf("group reminder: %d %s", code, h.Get("Location"))
	}
	code, body, _ = admin.get(h.Get("Location"))
	if code != http.StatusOK || strings.Count(body, "2 reminders sent; 279 schools have no contact email.") != 1 {
		t.Errorf("after reminding: %d, the count shown %d times", code, strings.Count(body, "2 reminders sent"))
	}
	if _, body, _ = admin.get(h.Get("Location")); strings.Contains(body, "reminders sent") {
		t.Error("the reminder count shows again on reload")
	}
	msgs, _ := srv.mail.Recent(ctx, 10)
	if len(msgs) != 2 || !strings.Contains(msgs[0].Body, "/r/") {
		t.Errorf("outbox: %+v", msgs)
	}

	// One school: a reminder, then a phone call recorded; both in its chase log.
	page := "/admin/rounds/2024-25/returns/" + strconv.Itoa(urnA)
	admin.get(page)
	if code, _, _ := admin.post(page+"/remind", url.Values{"_csrf": {admin.csrf}}); code != http.StatusSeeOther {
		t.Errorf("reminder: %d", code)
	}
	admin.get(page)
	if code, body, _ := admin.post(page+"/log", url.Values{"_csrf": {admin.csrf}, "kind": {"phone call"}, "note": {""}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter what was said") {
		t.Errorf("empty note: %d", code)
	}
	admin.get(page)
	note := "Spoke to the clerk <script>alert(1)</script>: return after Tuesday's meeting."
	if code, _, _ := admin.post(page+"/log", url.Values{"_csrf": {admin.csrf}, "kind": {"phone call"}, "note": {note}}); code != http.StatusSeeOther {
		t.Errorf("record contact: %d", code)
	}
	_, body, _ = admin.get(page)
	if !strings.Contains(body, "Phone call") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(body, "<script>alert") ||
		!strings.Contains(body, "Manual reminder") || !strings.Contains(body, "2 reminders sent") {
		t.Errorf("chase log on the return page is wrong:\n%s", body[strings.Index(body, "Chasing"):][:1500])
	}
	if bytes.Count([]byte(body), []byte("govuk-table__row")) < 3 {
		t.Error("chase log rows missing")
	}
}

// "Schools not yet returned" counts each school's days to its own deadline: a school with
// an extension has more days than the round's.
func TestDashboardShowsASchoolsOwnDaysToDeadline(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	round, err := rs.Get(ctx, "2024-25")
	if err != nil {
		t.Fatal(err)
	}
	deadline, _ := time.Parse(time.DateOnly, round.Deadline)
	until := deadline.AddDate(0, 0, 30).Format(time.DateOnly)
	if _, err := rs.SetExtension(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA}, until, "New head"); err != nil {
		t.Fatal(err)
	}
	admin := srv.client(t)
	admin.signIn()
	code, body, _ := admin.get("/admin/rounds/2024-25/dashboard")
	if code != http.StatusOK {
		t.Fatalf("dashboard: %d", code)
	}
	days := func(urn int) string {
		_, row, ok := strings.Cut(body, "/returns/"+strconv.Itoa(urn)+`"`)
		row, _, _ = strings.Cut(row, "</tr>")
		cells := regexp.MustCompile(`govuk-table__cell--numeric">(-?\d+)</td>`).FindStringSubmatch(row)
		if !ok || cells == nil {
			t.Fatalf("no row with days to deadline for %d", urn)
		}
		return cells[1]
	}
	now := time.Now()
	if got, want := days(urnB), strconv.Itoa(round.DaysToDeadline(now)); got != want {
		t.Errorf("a school without an extension: %s days, want %s", got, want)
	}
	if got, want := days(urnA), strconv.Itoa(round.DaysToDeadline(now)+30); got != want {
		t.Errorf("a school with an extension of 30 days: %s days, want %s", got, want)
	}
}
