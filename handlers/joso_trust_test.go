package handlers

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lscp/assure/missions"
)

// checkedInputs lists the ids of the checkboxes a page has ticked.
func checkedInputs(body string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`<input [^>]*id="([^"]+)"[^>]*type="checkbox"[^>]*checked`).FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// logActivityAsA is school A's link teacher on the form to log an activity.
func logActivityAsA(t *testing.T) (*testServer, *client, string) {
	t.Helper()
	srv, _, _ := josoServer(t)
	a := srv.client(t)
	a.teacherSignIn(teacherOfTest(urnA))
	code, body, _ := a.get("/joso/school/activities/new")
	if code != http.StatusOK {
		t.Fatalf("the activity form: %d", code)
	}
	return srv, a, body
}

func TestActivityWhoTookPartIsAnExplicitExclusiveChoice(t *testing.T) {
	t.Parallel()
	srv, a, body := logActivityAsA(t)
	if len(checkedInputs(body)) != 0 {
		t.Fatalf("a new activity has ticked boxes: %v", checkedInputs(body))
	}
	if !strings.Contains(body, `data-behaviour="exclusive"`) {
		t.Error("the whole team is not an exclusive choice on the page")
	}
	form := url.Values{"_csrf": {a.csrf}, "type": {"m2-a1"}, "date-day": {"7"}, "date-month": {"2"}, "date-year": {"2023"},
		"whole-team": {"yes"}, "josos": {"j2"}, "description": {"Safer Internet Day quiz"}, "reach": {"90"}, "send": {"approval"}}
	code, body, _ := a.post("/joso/school/activities", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#josos"`) || !strings.Contains(body, "not both") ||
		!strings.Contains(body, "Safer Internet Day quiz") || !strings.Contains(body, `value="90"`) {
		t.Fatalf("whole team and a named JOSO: %d\n%s", code, body)
	}
	if got := checkedInputs(body); strings.Join(got, " ") != "joso-j2 whole-team" {
		t.Errorf("what was ticked is not kept: %v", got)
	}
	acts, _ := srv.joso.Activities(context.Background(), missions.TeamID("2022-23", urnA))
	if len(acts) != 0 {
		t.Fatalf("a refused activity was saved: %+v", acts)
	}
}

func TestJOSONameAlreadyInTheTeamIsRefused(t *testing.T) {
	t.Parallel()
	srv, _, _ := josoServer(t)
	a := srv.client(t)
	a.teacherSignIn(teacherOfTest(urnA))
	a.get("/joso/school/josos")
	code, body, _ := a.post("/joso/school/josos", url.Values{"_csrf": {a.csrf}, "version": {"0"}, "name": {"amira  K"}, "photos": {"yes"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "There is already a JOSO called Amira K") || !strings.Contains(body, `value="amira  K"`) ||
		!slices.Contains(checkedInputs(body), "photos") {
		t.Fatalf("a second Amira K: %d %v\n%s", code, checkedInputs(body), body)
	}
	code, body, _ = a.post("/joso/school/josos/j2", url.Values{"_csrf": {a.csrf}, "version": {"0"}, "name": {"AMIRA K"}, "withdrawn": {"yes"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "There is already a JOSO called Amira K") || !strings.Contains(body, `value="AMIRA K"`) ||
		!slices.Contains(checkedInputs(body), "withdrawn-j2") || slices.Contains(checkedInputs(body), "cert-j2") {
		t.Fatalf("renaming Ben to Amira K: %d %v\n%s", code, checkedInputs(body), body)
	}
	team, _ := srv.joso.Team(context.Background(), missions.TeamID("2022-23", urnA))
	if len(team.JOSOs) != 2 || team.JOSOs[1].Name != "Ben T" {
		t.Fatalf("the team changed: %+v", team.JOSOs)
	}
}

// sessionsForm is the catalogue's sessions form as the year holds them, less the session
// whose title is emptied.
func sessionsForm(t *testing.T, srv *testServer, csrf, remove string) url.Values {
	y, err := srv.joso.Year(context.Background(), "2022-23")
	if err != nil {
		t.Fatal(err)
	}
	f := url.Values{"_csrf": {csrf}}
	for i, s := range y.Sessions {
		n := string(rune('0' + i))
		f.Set("id-"+n, s.ID)
		f.Set("kind-"+n, s.Kind)
		f.Set("date-"+n, s.Date)
		if s.ID != remove {
			f.Set("title-"+n, s.Title)
		}
	}
	return f
}

func TestRemovingASessionAsksFirstAndAttendedSessionsStay(t *testing.T) {
	t.Parallel()
	srv, _, _ := josoServer(t) // attendance at s1 and s2
	admin := srv.client(t)
	admin.signIn()
	admin.get("/admin/joso/2022-23/catalogue")
	sessions := func() int {
		y, _ := srv.joso.Year(context.Background(), "2022-23")
		return len(y.Sessions)
	}
	code, body, _ := admin.post("/admin/joso/2022-23/catalogue/sessions", sessionsForm(t, srv, admin.csrf, "s2"))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#title-1"`) || !strings.Contains(body, "attendance is recorded") || sessions() != 4 {
		t.Fatalf("removing an attended session: %d, %d sessions\n%s", code, sessions(), body)
	}
	// Removing one nobody attended asks first, with a form that works without JavaScript.
	form := sessionsForm(t, srv, admin.csrf, "s4")
	code, body, _ = admin.post("/admin/joso/2022-23/catalogue/sessions", form)
	if code != http.StatusOK || !strings.Contains(body, "Group review session") || !strings.Contains(body, `name="confirm" value="yes"`) || sessions() != 4 {
		t.Fatalf("confirmation: %d, %d sessions\n%s", code, sessions(), body)
	}
	confirm := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(body, -1) {
		confirm.Add(m[1], m[2])
	}
	if confirm.Get("title-0") != form.Get("title-0") || confirm.Get("id-3") != "s4" || confirm.Get("title-3") != "" {
		t.Fatalf("the confirmation does not carry the form: %v", confirm)
	}
	confirm.Set("confirm", "yes")
	if code, _, _ := admin.post("/admin/joso/2022-23/catalogue/sessions", confirm); code != http.StatusSeeOther || sessions() != 3 {
		t.Fatalf("confirmed: %d, %d sessions", code, sessions())
	}
	entries, _ := srv.audit.Recent(context.Background(), 5)
	if len(entries) == 0 || !strings.Contains(entries[0].Detail, "removed s4") {
		t.Errorf("the removal is not in the audit log: %+v", entries)
	}
}

// TestCraftedJOSOPostsGetAPageNot500 sends what no page of the service sends: each gets a
// 4xx page saying what was wrong, never the "problem with the service" 500.
func TestCraftedJOSOPostsGetAPageNot500(t *testing.T) {
	t.Parallel()
	srv, bActivity, _ := josoServer(t)
	admin := srv.client(t)
	admin.signIn()
	admin.get("/admin/joso/2022-23/catalogue")
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"/admin/joso/2022-23/catalogue/rule", url.Values{"activity": {"no-such-activity"}, "base": {"10"}}},
		{"/admin/joso/2022-23/catalogue/area", url.Values{"area": {"no-such-area"}, "strands": {"self-image"}}},
		{"/admin/joso/2022-23/catalogue/sessions", url.Values{"id-0": {"s99"}, "title-0": {"Crafted"}, "kind-0": {"taught-1"}, "date-0": {"2022-10-05"}}},
		{"/admin/joso/2022-23/activities/" + bActivity + "/approve", url.Values{}},
		{"/admin/joso/2022-23/activities/" + bActivity + "/pull", url.Values{"file": {"nope"}}},
		{"/admin/joso/2022-23/ledger/reverse", url.Values{"key": {"no-such-entry"}, "reason": {"x"}}},
		{"/admin/joso/2022-23/schools/990006/training", url.Values{"session": {"s1"}, "attended": {"j99"}}},
	} {
		c.form.Set("_csrf", admin.csrf)
		code, body, _ := admin.post(c.path, c.form)
		if code < 400 || code >= 500 || strings.Contains(body, "problem with the service") {
			t.Errorf("%s %v: %d", c.path, c.form, code)
		}
	}
}
