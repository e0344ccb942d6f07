package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongooptions "go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
)

const (
	viewerEmail  = "viewer@example.org"
	officerEmail = "officer2@example.org"
	memberPass   = "a long enough password"
)

// storeSnapshot is a digest of every document of every collection but the sessions and
// rate-limit counters (kv), which any request may touch.
func storeSnapshot(t *testing.T, srv *testServer) map[string][32]byte {
	t.Helper()
	ctx := context.Background()
	db := srv.store.Collection("kv").Database()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][32]byte{}
	for _, n := range names {
		if n == "kv" {
			continue
		}
		cur, err := db.Collection(n).Find(ctx, bson.D{}, mongooptions.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			t.Fatal(err)
		}
		var all bytes.Buffer
		for cur.Next(ctx) {
			all.Write(cur.Current)
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
		out[n] = sha256.Sum256(all.Bytes())
	}
	return out
}

// routePath fills an admin route's parameters with things josoServer made.
func routePath(r adminRoute, job, activity, evidence, contact string) string {
	p := r.path
	switch {
	case strings.HasPrefix(p, "/schools/import/:id"):
		p = strings.Replace(p, ":id", job, 1)
	case strings.HasPrefix(p, "/team/:id"):
		p = strings.Replace(p, ":id", url.PathEscape(viewerEmail), 1)
	case strings.Contains(p, "/contacts/:id"):
		p = strings.Replace(p, ":id", contact, 1)
	}
	p = strings.Replace(p, ":section", "dsl", 1)
	p = strings.Replace(p, ":question", "dsl.on_slt", 1)
	year := "2024-25"
	if strings.HasPrefix(p, "/joso") {
		year = "2022-23"
	}
	return "/admin" + strings.NewReplacer(":year", year, ":urn<int>", strconv.Itoa(urnB), ":format<regex(^(xlsx|csv)$)>", "xlsx",
		":id", activity, ":file", evidence, ":nomination", "n1").Replace(p)
}

// schoolLink is a working link to a school's return or a confirmation: what opens a
// school's return to whoever holds it.
var schoolLink = regexp.MustCompile(`/(r|confirm)/[A-Za-z0-9_-]{22}`)

// TestEveryAdminRouteChecksTheRole walks the one route list: a viewer reads every admin
// page and download and is refused (403) every change, which then changes nothing; an
// officer is refused the team; a new route is covered without touching this test.
func TestEveryAdminRouteChecksTheRole(t *testing.T) {
	t.Parallel()
	srv, activity, evidence := josoServer(t)
	ctx := context.Background()
	ex, err := forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	job, err := srv.register.CreateJob(ctx, audit.Actor{Name: "test"}, "x.csv", ex)
	if err != nil {
		t.Fatal(err)
	}
	contact, err := srv.rounds.ContactBook().Add(ctx, audit.Actor{Name: "test"}, urnB,
		forms.ContactInput{Name: "Dee Ess", Email: "dsl@school.example.org", Role: forms.RoleDSL})
	if err != nil {
		t.Fatal(err)
	}
	// urnB's link is live, so a page that showed it to a viewer would hand them the school.
	if _, err := forms.NewLinks(srv.rounds).IssueLink(ctx, audit.Actor{Name: "test"}, forms.ReturnID{Round: "2024-25", URN: urnB}); err != nil {
		t.Fatal(err)
	}
	for email, role := range map[string]accounts.Role{viewerEmail: accounts.Viewer, officerEmail: accounts.Officer} {
		if _, err := srv.accounts.CreateWithRole(ctx, audit.System, email, memberPass, role); err != nil {
			t.Fatal(err)
		}
	}
	v, o, a := srv.client(t), srv.client(t), srv.client(t)
	v.signInAs(viewerEmail, memberPass)
	o.signInAs(officerEmail, memberPass)
	a.signIn()

	routes := (&Server{}).adminRoutes() // the list as New registers it
	var gets, changes int
	for _, r := range routes {
		if r.method != http.MethodGet {
			continue
		}
		gets++
		p := routePath(r, job.ID, activity, evidence, contact.ID)
		code, body, _ := v.get(p)
		if r.role == viewer && code != http.StatusOK {
			t.Errorf("viewer GET %s: %d\n%.400s", p, code, body)
		}
		if schoolLink.MatchString(body) {
			t.Errorf("viewer GET %s shows a school's working link: %s", p, schoolLink.FindString(body))
		}
		if r.role != viewer && code != http.StatusForbidden {
			t.Errorf("viewer GET %s (%s only): %d", p, r.role, code)
		}
		code, _, _ = o.get(p)
		if want := r.role != administrator; want != (code != http.StatusForbidden) {
			t.Errorf("officer GET %s (%s): %d", p, r.role, code)
		}
		if code, _, _ := a.get(p); code == http.StatusForbidden {
			t.Errorf("administrator GET %s: 403", p)
		}
	}
	// A viewer's round and return pages offer no change that would only refuse them.
	for _, page := range []string{"/admin/rounds/2024-25", "/admin/rounds/2024-25/returns/" + strconv.Itoa(urnB), "/admin/rounds/2024-25/form"} {
		if _, body, _ := v.get(page); strings.Contains(body, `method="post" action="/admin/rounds/`) || strings.Contains(body, `/form/questions/`) {
			t.Errorf("viewer's %s offers changes", page)
		}
		if _, body, _ := o.get(page); !strings.Contains(body, `method="post" action="/admin/rounds/`) && !strings.Contains(body, `/form/questions/`) {
			t.Errorf("officer's %s offers no changes", page)
		}
	}
	if _, body, _ := v.get("/admin/rounds/2024-25/invitations?urn=" + strconv.Itoa(urnB)); schoolLink.MatchString(body) {
		t.Errorf("the invitation's preview shows a viewer the school's working link: %s", schoolLink.FindString(body))
	}
	before := storeSnapshot(t, srv)
	v.get("/admin")
	for _, r := range routes {
		if r.method == http.MethodGet {
			continue
		}
		changes++
		p := routePath(r, job.ID, activity, evidence, contact.ID)
		form := url.Values{"_csrf": {v.csrf}, "confirm": {"yes"}, "role": {"administrator"}, "email": {"x@example.org"}, "reason": {"test"}}
		if code, body, _ := v.post(p, form); code != http.StatusForbidden || !strings.Contains(body, "You cannot do this") {
			t.Errorf("viewer %s %s: %d\n%.400s", r.method, p, code, body)
		}
		if r.role == administrator {
			if code, _, _ := o.post(p, url.Values{"_csrf": {o.csrf}, "confirm": {"yes"}, "role": {"administrator"}}); code != http.StatusForbidden {
				t.Errorf("officer %s %s: %d", r.method, p, code)
			}
		}
	}
	after := storeSnapshot(t, srv)
	for n, h := range before {
		if after[n] != h {
			t.Errorf("refused requests changed collection %s", n)
		}
	}
	if len(after) != len(before) {
		t.Errorf("refused requests made collections: %d, then %d", len(before), len(after))
	}
	if gets < 25 || changes < 40 {
		t.Fatalf("the route list looks short: %d pages, %d changes", gets, changes)
	}
	// An officer may still change what officers run.
	code, _ := o.returnAction(urnB, "log", url.Values{"kind": {"note"}, "note": {"Rang the school"}})
	if code != http.StatusSeeOther {
		t.Errorf("officer recording a contact: %d", code)
	}
}

func TestRouteListRefusesAViewerChange(t *testing.T) {
	t.Parallel()
	if err := checkAdminRoutes([]adminRoute{get(viewer, "/x", nil), post(officer, "/x", nil)}); err != nil {
		t.Fatal(err)
	}
	if err := checkAdminRoutes([]adminRoute{post(viewer, "/x", nil)}); err == nil {
		t.Fatal("a POST open to viewers was accepted")
	}
	if err := checkAdminRoutes([]adminRoute{get("", "/x", nil)}); err == nil {
		t.Fatal("a route without a role was accepted")
	}
}

// TestDeactivatedMemberIsSignedOutAtOnce: deactivating a member (after a confirmation
// step) ends the session they have, and they cannot sign in again until reactivated.
func TestDeactivatedMemberIsSignedOutAtOnce(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	if _, err := srv.accounts.CreateWithRole(ctx, audit.System, officerEmail, memberPass, accounts.Officer); err != nil {
		t.Fatal(err)
	}
	o, a := srv.client(t), srv.client(t)
	o.signInAs(officerEmail, memberPass)
	a.signIn()
	if code, _, _ := o.get("/admin"); code != http.StatusOK {
		t.Fatalf("officer before: %d", code)
	}
	member := "/admin/team/" + url.PathEscape(officerEmail)
	code, body, _ := a.get(member)
	if code != http.StatusOK || !strings.Contains(body, "Officer") {
		t.Fatalf("member page: %d\n%s", code, body)
	}
	code, body, _ = a.post(member+"/deactivate", url.Values{"_csrf": {a.csrf}})
	if code != http.StatusOK || !strings.Contains(body, "Deactivate "+officerEmail+"?") {
		t.Fatalf("confirmation: %d\n%s", code, body)
	}
	if code, _, _ := o.get("/admin"); code != http.StatusOK {
		t.Fatal("asking for confirmation deactivated")
	}
	if code, _, h := a.post(member+"/deactivate", url.Values{"_csrf": {a.csrf}, "confirm": {"yes"}}); code != http.StatusSeeOther || h.Get("Location") != member {
		t.Fatalf("deactivate: %d %s", code, h.Get("Location"))
	}
	if code, _, h := o.get("/admin"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in") {
		t.Fatalf("deactivated session: %d %s", code, h.Get("Location"))
	}
	o.get("/sign-in")
	if code, _, _ := o.post("/sign-in", url.Values{"_csrf": {o.csrf}, "email": {officerEmail}, "password": {memberPass}}); code != http.StatusUnauthorized {
		t.Fatalf("deactivated sign-in: %d", code)
	}
	// The last administrator cannot be demoted from the page either.
	self := "/admin/team/" + url.PathEscape(testEmail)
	a.get(self)
	if code, body, _ := a.post(self+"/role", url.Values{"_csrf": {a.csrf}, "role": {"viewer"}}); code != http.StatusConflict || !strings.Contains(body, "at least one active administrator") {
		t.Fatalf("demoting the last administrator: %d\n%s", code, body)
	}
	a.get(member)
	if code, _, _ := a.post(member+"/reactivate", url.Values{"_csrf": {a.csrf}}); code != http.StatusSeeOther {
		t.Fatalf("reactivate: %d", code)
	}
	o.signInAs(officerEmail, memberPass)
	if code, _, _ := o.get("/admin/team"); code != http.StatusForbidden {
		t.Fatalf("officer on the team page: %d", code)
	}
}
