package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const successBanner = "govuk-notification-banner--success"

// A confirmation shows once, on the page after the action, and not on reload; one typed
// into the address shows nothing.
func TestFlashShowsOnceAndNotFromTheAddress(t *testing.T) {
	t.Parallel()
	srv, _, _ := josoServer(t)
	a := srv.client(t)
	a.teacherSignIn(teacherOfTest(urnA))
	a.get("/joso/school/josos")
	code, _, h := a.post("/joso/school/josos/j1", url.Values{"_csrf": {a.csrf}, "version": {"0"}, "name": {"Zed Q"}})
	if code != http.StatusSeeOther || strings.Contains(h.Get("Location"), "?") {
		t.Fatalf("changing a JOSO: %d %s", code, h.Get("Location"))
	}
	if _, body, _ := a.get(h.Get("Location")); !strings.Contains(body, successBanner) || !strings.Contains(body, "JOSO changed") {
		t.Fatal("no confirmation after the change")
	}
	if _, body, _ := a.get(h.Get("Location")); strings.Contains(body, successBanner) {
		t.Fatal("the confirmation shows again on reload")
	}
	for _, p := range []string{"/joso/school?done=Activity+approved", "/joso/school/josos?done=JOSO+added", "/joso/school/training?done=Attendance+saved"} {
		if code, body, _ := a.get(p); code != http.StatusOK || strings.Contains(body, successBanner) {
			t.Errorf("%s: %d, banner shown: %v", p, code, strings.Contains(body, successBanner))
		}
	}
	admin := srv.client(t)
	admin.signIn()
	if _, body, _ := admin.get("/admin/joso/2022-23?done=Settings+saved"); strings.Contains(body, successBanner) {
		t.Error("an admin page shows a confirmation from the address")
	}
	if _, body, _ := admin.get("/admin/rounds/2024-25/dashboard?sent=500&failed=0&noemail=0"); strings.Contains(body, "reminders sent") {
		t.Error("the dashboard shows a reminder count from the address")
	}
}
