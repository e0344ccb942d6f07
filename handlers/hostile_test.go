package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A file name that displays as something it is not loses its hidden characters on the
// way in, and a PDF that would act when opened is refused with the reason.
func TestEvidenceNamesAreShownAsTheyAreAndActivePDFsRefused(t *testing.T) {
	t.Parallel()
	srv, _, _ := josoServer(t)
	a := srv.client(t)
	a.teacherSignIn(teacherOfTest(urnA))
	a.get("/joso/school/activities/new")
	form := url.Values{"_csrf": {a.csrf}, "type": {"m2-a1"}, "date-day": {"7"}, "date-month": {"2"}, "date-year": {"2023"},
		"description": {"Safer Internet Day"}, "reach": {"200"}, "whole-team": {"yes"}, "audiences": {"parents"}, "send": {"draft"}}
	code, _, h := a.post("/joso/school/activities", form)
	if code != http.StatusSeeOther {
		t.Fatalf("draft activity: %d", code)
	}
	draft := strings.Split(h.Get("Location"), "?")[0]
	a.get(draft)
	plain := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	// Shown by a browser as "invfdp.png"; it is a PDF.
	if code, _, _ := a.uploadTo(draft+"/evidence", "file", "inv\u202egnp.pdf", plain); code != http.StatusSeeOther {
		t.Fatalf("plain PDF: %d", code)
	}
	_, body, _ := a.get(draft)
	if strings.Contains(body, "\u202e") || !strings.Contains(body, "invgnp.pdf") {
		t.Fatal("the page shows the file name with its override")
	}
	active := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >> >>\nendobj\n%%EOF\n")
	code, body, _ = a.uploadTo(draft+"/evidence", "file", "poster.pdf", active)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "scripts, actions") {
		t.Fatalf("a PDF with a script: %d", code)
	}
}
