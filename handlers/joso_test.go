package handlers

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/missions"
)

// josoServer has a live programme year with schools A and B taking part, each with two
// trained JOSOs, and an activity of B's with a file of evidence.
func josoServer(t *testing.T) (*testServer, string, string) {
	t.Helper()
	srv, _ := roundServer(t)
	ctx := context.Background()
	p := srv.joso
	if _, err := p.Catalogue.Create(ctx, audit.Actor{Name: "test"}, "2022-23"); err != nil {
		t.Fatal(err)
	}
	for _, urn := range []int{urnA, urnB} {
		s, _ := srv.register.Get(ctx, urn)
		team, err := p.Teams.Enrol(ctx, tester, "2022-23", missions.SchoolRef{URN: urn, Name: s.Name}, teacherOfTest(urn), "Teacher")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"Amira K", "Ben T"} {
			if team, _, err = p.Teams.AddJOSO(ctx, tester, team.ID, 0, n, missions.Consent{Certificate: true}); err != nil {
				t.Fatal(err)
			}
		}
		for _, ses := range []string{"s1", "s2"} {
			if team, err = p.Teams.SetAttendance(ctx, tester, team.ID, 0, ses, []string{"j1", "j2"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := p.Catalogue.Move(ctx, audit.Actor{Name: "test"}, "2022-23", "open"); err != nil {
		t.Fatal(err)
	}
	bTeam := missions.TeamID("2022-23", urnB)
	a, err := p.Activities.Save(ctx, audit.Actor{Name: "b"}, bTeam, "", 0, missions.ActivityInput{Type: "m8-a1", Date: "2023-03-01", JOSOs: []string{"j1"}, Description: "B's posters"}, false)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := p.Evidence.Add(ctx, tester, bTeam, a.ID, "poster.png", pngFile(t), false)
	if err != nil {
		t.Fatal(err)
	}
	return srv, a.ID, ev.ID
}

func teacherOfTest(urn int) string {
	if urn == urnA {
		return "link.a@school-a.example.org"
	}
	return "link.b@school-b.example.org"
}

func pngFile(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var teacherLink = regexp.MustCompile(`/joso/link/[A-Za-z0-9_-]{22}`)

// teacherSignIn asks for a sign-in link as a link teacher would and opens the link from
// the email in the outbox.
func (c *client) teacherSignIn(email string) {
	c.t.Helper()
	c.get("/joso/sign-in")
	if code, body, _ := c.post("/joso/sign-in", url.Values{"_csrf": {c.csrf}, "email": {email}}); code != http.StatusOK || !strings.Contains(body, "Check your email") {
		c.t.Fatalf("asking for a sign-in link: %d\n%s", code, body)
	}
	msgs, err := c.srv.mail.Recent(context.Background(), 5)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == email {
			link := teacherLink.FindString(m.Body)
			code, _, h := c.get(link)
			if code != http.StatusSeeOther || h.Get("Location") != "/joso/school" {
				c.t.Fatalf("opening %s: %d %s", link, code, h.Get("Location"))
			}
			if code, _, _ := c.get(link); code != http.StatusNotFound {
				c.t.Fatalf("a used sign-in link worked again: %d", code)
			}
			return
		}
	}
	c.t.Fatalf("no sign-in email to %s", email)
}

func TestLinkTeacherSeesAndChangesOnlyTheirOwnSchool(t *testing.T) {
	t.Parallel()
	srv, bActivity, bFile := josoServer(t)
	anon := srv.client(t)
	for _, p := range []string{"/joso/school", "/joso/school/josos", "/joso/school/activities/" + bActivity} {
		if code, _, h := anon.get(p); code != http.StatusSeeOther || h.Get("Location") != "/joso/sign-in" {
			t.Errorf("anonymous %s: %d %s", p, code, h.Get("Location"))
		}
	}
	// An unknown address gets the same answer as a known one, and no email.
	anon.get("/joso/sign-in")
	if code, body, _ := anon.post("/joso/sign-in", url.Values{"_csrf": {anon.csrf}, "email": {"stranger@example.org"}}); code != http.StatusOK || !strings.Contains(body, "Check your email") {
		t.Errorf("unknown address: %d", code)
	}

	a := srv.client(t)
	a.teacherSignIn(teacherOfTest(urnA))
	code, body, _ := a.get("/joso/school")
	if code != http.StatusOK || strings.Contains(body, "B&#39;s posters") {
		t.Fatalf("A's home: %d", code)
	}
	// B's activity, its evidence and changes to it are out of reach by address.
	for _, p := range []string{"/joso/school/activities/" + bActivity, "/joso/school/activities/" + bActivity + "/evidence/" + bFile} {
		if code, body, _ := a.get(p); code != http.StatusNotFound || strings.Contains(body, "posters") {
			t.Errorf("A GET %s: %d", p, code)
		}
	}
	a.get("/joso/school/josos")
	for _, p := range []string{"/joso/school/activities/" + bActivity, "/joso/school/activities/" + bActivity + "/evidence/" + bFile + "/remove"} {
		if code, _, _ := a.post(p, url.Values{"_csrf": {a.csrf}, "version": {"1"}, "type": {"m8-a1"}, "description": {"taken over"}, "send": {"draft"},
			"date-day": {"1"}, "date-month": {"3"}, "date-year": {"2023"}, "josos": {"j1"}}); code != http.StatusNotFound {
			t.Errorf("A POST %s: %d", p, code)
		}
	}
	if code, _, _ := a.uploadTo("/joso/school/activities/"+bActivity+"/evidence", "file", "x.png", pngFile(t)); code != http.StatusNotFound {
		t.Errorf("A uploaded to B's activity: %d", code)
	}
	// A's own JOSO changes touch only A's team.
	if code, _, _ := a.post("/joso/school/josos/j1", url.Values{"_csrf": {a.csrf}, "version": {"0"}, "name": {"Zed Q"}}); code != http.StatusSeeOther {
		t.Fatalf("A renaming its JOSO: %d", code)
	}
	b, _ := srv.joso.Teams.Team(context.Background(), missions.TeamID("2022-23", urnB))
	if b.JOSOs[0].Name != "Amira K" {
		t.Fatalf("B's JOSO renamed by A: %s", b.JOSOs[0].Name)
	}
	// Nor can A reach the partnership's pages.
	for _, p := range []string{"/admin/joso", "/admin/joso/2022-23/schools/990007", "/admin/joso/2022-23/activities/" + bActivity} {
		if code, _, h := a.get(p); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in") {
			t.Errorf("A GET %s: %d", p, code)
		}
	}
	// A stale form is refused, not applied over a newer change.
	if code, _, _ := a.post("/joso/school/josos", url.Values{"_csrf": {a.csrf}, "version": {"1"}, "name": {"Cara D"}}); code != http.StatusConflict {
		t.Errorf("stale add: %d", code)
	}
}

func TestGovernorLinksReachNothingOfJOSO(t *testing.T) {
	t.Parallel()
	srv, bActivity, _ := josoServer(t)
	tok, err := forms.NewLinks(srv.rounds).IssueLink(context.Background(), audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnB})
	if err != nil {
		t.Fatal(err)
	}
	gov := srv.client(t)
	if code, _ := gov.openLink(tok); code != http.StatusOK {
		t.Fatalf("governor link: %d", code)
	}
	for _, p := range []string{"/joso/school", "/joso/school/josos", "/joso/school/activities/" + bActivity} {
		if code, _, h := gov.get(p); code != http.StatusSeeOther || h.Get("Location") != "/joso/sign-in" {
			t.Errorf("governor GET %s: %d %s", p, code, h.Get("Location"))
		}
	}
	if code, _, h := gov.get("/admin/joso/2022-23"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in") {
		t.Errorf("governor reached the partnership's JOSO page: %d", code)
	}
	// One browser, one role: a link teacher who then opens a governor's link is signed out
	// of the school's team, and a governor who signs in as a teacher loses the return.
	both := srv.client(t)
	both.teacherSignIn(teacherOfTest(urnA))
	tok, _ = forms.NewLinks(srv.rounds).IssueLink(context.Background(), audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnB})
	if code, _ := both.openLink(tok); code != http.StatusOK {
		t.Fatalf("governor link after teacher sign-in: %d", code)
	}
	if code, _, h := both.get("/joso/school"); code != http.StatusSeeOther || h.Get("Location") != "/joso/sign-in" {
		t.Errorf("the teacher's session outlived a governor's link: %d %s", code, h.Get("Location"))
	}
	both.teacherSignIn(teacherOfTest(urnA))
	if code, _, _ := both.get("/return"); code != http.StatusForbidden {
		t.Errorf("the governor's session outlived a teacher's sign-in: %d", code)
	}
}

func TestActivityFormErrorsKeepWhatWasTypedAndEvidenceIsChecked(t *testing.T) {
	t.Parallel()
	_, a, _ := logActivityAsA(t)
	form := url.Values{"_csrf": {a.csrf}, "type": {"m2-a1"}, "date-day": {"31"}, "date-month": {"2"}, "date-year": {"2023"},
		"description": {"<script>alert(1)</script> Safer Internet Day"}, "reach": {"lots"}, "send": {"approval"}}
	code, body, _ := a.post("/joso/school/activities", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "govuk-error-summary") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") ||
		strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, `value="31"`) {
		t.Fatalf("invalid activity: %d\n%s", code, body)
	}
	// Every problem at once: the form's own (the reach) and the programme's (the date, who took part).
	for _, field := range []string{"reach", "date-day", "josos"} {
		if !strings.Contains(body, `href="#`+field+`"`) {
			t.Errorf("the error summary leaves out %s", field)
		}
	}
	// A real date outside the programme year is refused beside the date, as typed.
	form.Set("date-day", "7")
	form.Set("date-year", "2021")
	form.Set("reach", "200")
	code, body, _ = a.post("/joso/school/activities", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#date-day"`) || !strings.Contains(body, "2022-23 programme year") ||
		!strings.Contains(body, `value="2021"`) {
		t.Fatalf("a date in another year: %d\n%s", code, body)
	}
	form.Set("date-year", "2023")
	form.Set("whole-team", "yes")
	form["audiences"] = []string{"parents", "ks1"}
	code, _, h := a.post("/joso/school/activities", form)
	if code != http.StatusSeeOther {
		t.Fatalf("valid activity: %d", code)
	}
	id := strings.TrimPrefix(strings.Split(h.Get("Location"), "?")[0], "/joso/school/activities/")
	// Sent for approval: no longer editable, so no evidence can be added.
	a.get("/joso/school/activities/" + id)
	if code, _, _ := a.uploadTo("/joso/school/activities/"+id+"/evidence", "file", "x.png", pngFile(t)); code != http.StatusConflict {
		t.Errorf("evidence on a submitted activity: %d", code)
	}
	// A draft takes a real image and refuses a disguised one.
	form.Set("send", "draft")
	_, _, h = a.post("/joso/school/activities", form)
	draft := strings.Split(h.Get("Location"), "?")[0]
	a.get(draft)
	for name, data := range map[string][]byte{"evil.png": []byte("<html><script>alert(1)</script></html>"), "../../etc/passwd.pdf": pngFile(t)} {
		if code, body, _ := a.uploadTo(draft+"/evidence", "file", name, data); code != http.StatusUnprocessableEntity || !strings.Contains(body, "PNG or JPEG") {
			t.Errorf("%s: %d", name, code)
		}
	}
	if code, _, _ := a.uploadTo(draft+"/evidence", "file", "poster.png", pngFile(t)); code != http.StatusSeeOther {
		t.Fatalf("good evidence: %d", code)
	}
	_, body, _ = a.get(draft)
	href := regexp.MustCompile(`href="(/joso/school/activities/[^"]+/evidence/[0-9a-f]{24})"`).FindStringSubmatch(body)
	if href == nil {
		t.Fatal("no evidence link")
	}
	code, file, hdr := a.get(href[1])
	if code != http.StatusOK || hdr.Get("Content-Type") != "image/png" || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") || !bytes.Equal([]byte(file), pngFile(t)) {
		t.Errorf("evidence download: %d %s %s", code, hdr.Get("Content-Type"), hdr.Get("Content-Disposition"))
	}
}

func TestPartnershipApprovesReversesAndDownloads(t *testing.T) {
	t.Parallel()
	srv, _, _ := josoServer(t)
	ctx := context.Background()
	aTeam := missions.TeamID("2022-23", urnA)
	act, err := srv.joso.Activities.Save(ctx, audit.Actor{Name: "a"}, aTeam, "", 0, missions.ActivityInput{Type: "m2-a1", Date: "2023-02-07", WholeTeam: true,
		Audiences: []string{"parents", "ks1"}, Reach: 150, Description: "Safer Internet Day"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.joso.Teams.Nominate(ctx, tester, aTeam, 0, "Super Commitment", "j1", "Ran the day"); err != nil {
		t.Fatal(err)
	}
	admin := srv.client(t)
	admin.signIn()
	admin.get("/admin/joso/2022-23/activities/" + act.ID)
	for range 2 { // approving twice posts once
		if code, _, _ := admin.post("/admin/joso/2022-23/activities/"+act.ID+"/approve", url.Values{"_csrf": {admin.csrf}}); code != http.StatusSeeOther {
			t.Fatalf("approve: %d", code)
		}
	}
	es, _ := srv.joso.Ledger.Entries(ctx, missions.EntryFilter{Activity: act.ID})
	if len(es) != 3 || es[0].Amount+es[1].Amount+es[2].Amount != 30+15+10 {
		t.Fatalf("entries after two approvals: %+v", es)
	}
	if code, body, _ := admin.get("/admin/joso/2022-23"); code != http.StatusOK || !strings.Contains(body, "Strand coverage by school") || !strings.Contains(body, `role="img"`) {
		t.Fatalf("year page: %d", code)
	}
	// Closed: no approval, but an admin reversal with a reason.
	admin.get("/admin/joso/2022-23")
	if code, _, _ := admin.post("/admin/joso/2022-23/move", url.Values{"_csrf": {admin.csrf}, "move": {"close"}}); code != http.StatusSeeOther {
		t.Fatalf("close: %d", code)
	}
	admin.get("/admin/joso/2022-23/ledger")
	if code, body, _ := admin.post("/admin/joso/2022-23/ledger/reverse", url.Values{"_csrf": {admin.csrf}, "key": {es[0].Key}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the reason") {
		t.Fatalf("reversal without a reason: %d", code)
	}
	if code, _, _ := admin.post("/admin/joso/2022-23/ledger/reverse", url.Values{"_csrf": {admin.csrf}, "key": {es[0].Key}, "reason": {"Counted twice"}}); code != http.StatusSeeOther {
		t.Fatalf("reversal: %d", code)
	}
	if code, body, _ := admin.get("/admin/joso/2022-23/ledger"); code != http.StatusOK || !strings.Contains(body, "rev:"+es[0].Key) || !strings.Contains(body, "Counted twice") {
		t.Fatalf("ledger page: %d", code)
	}
	entries, _ := srv.audit.Recent(ctx, 20)
	found := false
	for _, e := range entries {
		found = found || (e.Action == "joso-xp-reversed" && strings.Contains(e.Detail, "Counted twice"))
	}
	if !found {
		t.Error("the reversal is not in the audit log")
	}
	// Certificates: the year's, a school's, one JOSO's.
	team, _ := srv.joso.Teams.Team(ctx, aTeam)
	if _, err := srv.joso.Teams.Decide(ctx, audit.Actor{Name: testEmail}, aTeam, team.Nominations[0].ID, missions.DecisionAwarded); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "?urn=990006", "?urn=990006&nomination=" + team.Nominations[0].ID} {
		code, body, h := admin.get("/admin/joso/2022-23/certificates.pdf" + q)
		if code != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Errorf("certificates%s: %d %s", q, code, h.Get("Content-Type"))
		}
	}
	code, body, h := admin.get("/admin/joso/2022-23/joso.xlsx")
	if code != http.StatusOK || !strings.HasPrefix(body, "PK") || !strings.Contains(h.Get("Content-Disposition"), "joso-2022-23.xlsx") {
		t.Errorf("workbook: %d %s", code, h.Get("Content-Disposition"))
	}
}

// tester is who acts in the programme when a test sets it up directly.
var tester = audit.Actor{Name: "test"}
