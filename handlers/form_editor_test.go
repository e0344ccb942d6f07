package handlers

import (
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
)

// draftServer is roundServer's open round 2024-25 and a draft round 2025-26 made from
// it, with an admin signed in.
func draftServer(t *testing.T) (*testServer, *forms.Rounds, *client) {
	t.Helper()
	srv, rs := roundServer(t)
	if _, err := rs.Create(context.Background(), audit.CommandLine, forms.NewRoundInput{Year: "2025-26", Opens: "2025-10-01", Deadline: "2025-12-12"}); err != nil {
		t.Fatal(err)
	}
	admin := srv.client(t)
	admin.signIn()
	return srv, rs, admin
}

func formVersion(t *testing.T, rs *forms.Rounds, year string) int {
	t.Helper()
	r, err := rs.Get(context.Background(), year)
	if err != nil {
		t.Fatal(err)
	}
	return r.Definition.Version
}

func TestFormEditorShowsErrorsKeepingWhatWasTyped(t *testing.T) {
	t.Parallel()
	_, rs, admin := draftServer(t)
	page := "/admin/rounds/2025-26/form/sections/dsl/questions/new"
	if code, body, _ := admin.get(page); code != http.StatusOK || !strings.Contains(body, `name="structure" value="yes"`) {
		t.Fatalf("new question page: %d", code)
	}
	v := strconv.Itoa(formVersion(t, rs, "2025-26"))
	bad := url.Values{"_csrf": {admin.csrf}, "version": {v}, "structure": {"yes"}, "text": {""}, "hint": {"Typed help"},
		"kind": {"one_of"}, "required": {"yes"}, "phases": {"primary", "special"}, "choice-0": {"Only one"}, "choice-1": {""}}
	code, body, _ := admin.post("/admin/rounds/2025-26/form/sections/dsl/questions", bad)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("bad question: %d\n%s", code, body)
	}
	for _, want := range []string{"There is a problem", `href="#text"`, "Enter the question", `href="#choice-0"`, "Enter at least two choices",
		">Typed help</textarea>", `value="Only one"`, `id="text-error"`, `value="one_of" checked`, `value="special" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, `value="secondary" checked`) {
		t.Error("a phase not ticked came back ticked")
	}
	if v != strconv.Itoa(formVersion(t, rs, "2025-26")) {
		t.Error("a refused question changed the form")
	}
	good := bad
	good.Set("text", "Does the DSL meet the head weekly?")
	good.Set("choice-1", "Sometimes")
	code, _, h := admin.post("/admin/rounds/2025-26/form/sections/dsl/questions", good)
	if code != http.StatusSeeOther || h.Get("Location") != "/admin/rounds/2025-26/form#dsl.does_the_dsl_meet" {
		t.Fatalf("good question: %d %s", code, h.Get("Location"))
	}
	if _, body, _ := admin.get("/admin/rounds/2025-26/form"); !strings.Contains(body, "Does the DSL meet the head weekly?") || !strings.Contains(body, "Question added") {
		t.Error("the editor does not show the new question")
	}
	// A section's own errors, likewise.
	v = strconv.Itoa(formVersion(t, rs, "2025-26"))
	code, body, _ = admin.post("/admin/rounds/2025-26/form/sections/dsl", url.Values{"_csrf": {admin.csrf}, "version": {v}, "structure": {"yes"},
		"title": {""}, "intro": {"Typed intro"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter the section") || !strings.Contains(body, "Choose the phases asked this section") ||
		!strings.Contains(body, ">Typed intro</textarea>") {
		t.Errorf("bad section: %d", code)
	}
}

func TestFormEditorRefusesStaleEditsAndStructureOnOpenRounds(t *testing.T) {
	t.Parallel()
	_, rs, admin := draftServer(t)
	stale := strconv.Itoa(formVersion(t, rs, "2025-26"))
	admin.get("/admin/rounds/2025-26/form")
	if code, _, _ := admin.post("/admin/rounds/2025-26/form/questions/dsl.deputies/move", url.Values{"_csrf": {admin.csrf}, "version": {stale}, "direction": {"up"}}); code != http.StatusSeeOther {
		t.Fatalf("move: %d", code)
	}
	form := url.Values{"_csrf": {admin.csrf}, "version": {stale}, "structure": {"yes"}, "text": {"My new words"}, "kind": {"yes_no"},
		"required": {"yes"}, "phases": {"primary"}}
	code, body, _ := admin.post("/admin/rounds/2025-26/form/questions/dsl.on_slt", form)
	if code != http.StatusConflict || !strings.Contains(body, "Someone else changed the form") || !strings.Contains(body, ">My new words</textarea>") {
		t.Fatalf("stale edit: %d\n%s", code, body)
	}
	if strings.Contains(body, `name="version" value="`+stale+`"`) {
		t.Error("the refused page still carries the stale version")
	}
	// The open round's form takes wording, not structure.
	admin.get("/admin/rounds/2024-25/form/questions/dsl.on_slt")
	if _, body, _ := admin.get("/admin/rounds/2024-25/form/questions/dsl.on_slt"); strings.Contains(body, `name="kind"`) || !strings.Contains(body, "only the wording can change") {
		t.Error("the open round's question page offers structure")
	}
	v := formVersion(t, rs, "2024-25")
	code, _, _ = admin.post("/admin/rounds/2024-25/form/questions/dsl.on_slt", url.Values{"_csrf": {admin.csrf}, "version": {strconv.Itoa(v)},
		"text": {"Is the DSL on the senior leadership team? (reworded)"}, "hint": {""}})
	if code != http.StatusSeeOther || formVersion(t, rs, "2024-25") != v+1 {
		t.Fatalf("rewording an open round: %d, version %d", code, formVersion(t, rs, "2024-25"))
	}
	code, body, _ = admin.post("/admin/rounds/2024-25/form/questions/dsl.on_slt", url.Values{"_csrf": {admin.csrf}, "version": {strconv.Itoa(v + 1)},
		"structure": {"yes"}, "text": {"X"}, "kind": {"number"}, "phases": {"primary"}})
	if code != http.StatusConflict || !strings.Contains(body, "only wording can change") {
		t.Errorf("structure on an open round: %d", code)
	}
	for _, p := range []string{"/admin/rounds/2024-25/form/sections/new", "/admin/rounds/2024-25/form/sections/dsl/questions/new"} {
		if code, _, _ := admin.get(p); code != http.StatusConflict {
			t.Errorf("%s on an open round: %d", p, code)
		}
	}
}

func TestFormEditorMovesAndRemovesWithConfirmation(t *testing.T) {
	t.Parallel()
	_, rs, admin := draftServer(t)
	admin.get("/admin/rounds/2025-26/form")
	v := strconv.Itoa(formVersion(t, rs, "2025-26"))
	code, body, _ := admin.post("/admin/rounds/2025-26/form/questions/dsl.cover/remove", url.Values{"_csrf": {admin.csrf}, "version": {v}})
	if code != http.StatusOK || !strings.Contains(body, `name="confirm" value="yes"`) || !strings.Contains(body, `name="version" value="`+v+`"`) {
		t.Fatalf("removal asks first: %d", code)
	}
	if formVersion(t, rs, "2025-26") != mustAtoi(v) {
		t.Fatal("asking removed")
	}
	code, _, _ = admin.post("/admin/rounds/2025-26/form/questions/dsl.cover/remove", url.Values{"_csrf": {admin.csrf}, "version": {v}, "confirm": {"yes"}})
	r, _ := rs.Get(context.Background(), "2025-26")
	if _, ok := r.Definition.Question("dsl.cover"); code != http.StatusSeeOther || ok {
		t.Fatalf("removed: %d, still there %v", code, ok)
	}
	// A move the form cannot take is shown beside the question.
	code, body, _ = admin.post("/admin/rounds/2025-26/form/questions/assurance.action_plan/move", url.Values{"_csrf": {admin.csrf},
		"version": {strconv.Itoa(r.Definition.Version)}, "direction": {"up"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#assurance.action_plan"`) {
		t.Errorf("a move above its condition: %d", code)
	}
	// The round page lists the change against last year's form.
	if _, body, _ := admin.get("/admin/rounds/2025-26"); !strings.Contains(body, "What changed against round 2024-25") || !strings.Contains(body, "Removed") {
		t.Error("the round page does not list the change against 2024-25")
	}
}

func mustAtoi(s string) int { n, _ := strconv.Atoi(s); return n }

func TestFormPreviewSavesNothing(t *testing.T) {
	t.Parallel()
	srv, rs, admin := draftServer(t)
	ctx := context.Background()
	code, body, _ := admin.get("/admin/rounds/2025-26/form/preview?phase=special")
	if code != http.StatusOK || !strings.Contains(body, "Preview of round 2025-26") || !strings.Contains(body, "/form/preview/dsl?governance=maintained&amp;phase=special") ||
		strings.Contains(body, "/form/preview/independent_standards") || strings.Contains(body, "/return/sign-out") {
		t.Fatalf("preview as special: %d\n%s", code, body)
	}
	if _, body, _ := admin.get("/admin/rounds/2025-26/form/preview?phase=independent"); !strings.Contains(body, "/form/preview/independent_standards") {
		t.Error("an independent school's preview lacks its section")
	}
	before := formVersion(t, rs, "2025-26")
	var entries int
	count := func() int {
		n := 0
		_ = srv.audit.Each(ctx, audit.Filter{}, 0, func(audit.Entry) error { n++; return nil })
		return n
	}
	if _, body, _ := admin.get("/admin/rounds/2025-26/form/preview/dsl?phase=special"); !strings.Contains(body,
		`action="/admin/rounds/2025-26/form/preview/dsl?governance=maintained&amp;phase=special"`) {
		t.Error("the previewed section does not post back as the same school")
	}
	entries = count()
	code, body, _ = admin.post("/admin/rounds/2025-26/form/preview/dsl?phase=special", url.Values{"_csrf": {admin.csrf}, "action": {"continue"},
		"dsl.deputies": {"lots"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "There is a problem") || !strings.Contains(body, `value="lots"`) {
		t.Errorf("preview with errors: %d", code)
	}
	form := forms.SectionValues(func() forms.Section {
		r, _ := rs.Get(ctx, "2025-26")
		s, _ := r.Definition.Section("dsl")
		return s
	}(), map[string]forms.Answer{"dsl.on_slt": {Value: "yes"}, "dsl.deputies": {Value: "2"}, "dsl.last_training": {Value: "2024-09-02"},
		"dsl.cover": {Value: "yes"}})
	form.Set("_csrf", admin.csrf)
	form.Set("action", "continue")
	code, body, _ = admin.post("/admin/rounds/2025-26/form/preview/dsl?phase=special", form)
	if code != http.StatusOK || !strings.Contains(body, "nothing was saved") {
		t.Errorf("preview with good answers: %d\n%s", code, body)
	}
	// The declaration too, posting back to the preview.
	code, body, _ = admin.get("/admin/rounds/2025-26/form/preview/declaration?phase=special")
	if code != http.StatusOK || !strings.Contains(body, `action="/admin/rounds/2025-26/form/preview/declaration?governance=maintained&amp;phase=special"`) {
		t.Errorf("the declaration's preview: %d\n%s", code, body)
	}
	code, body, _ = admin.post("/admin/rounds/2025-26/form/preview/declaration?phase=special", url.Values{"_csrf": {admin.csrf}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "There is a problem") {
		t.Errorf("the declaration's preview, sent empty: %d", code)
	}
	if formVersion(t, rs, "2025-26") != before || count() != entries {
		t.Errorf("the preview wrote: version %d (was %d), %d audit entries (were %d)", formVersion(t, rs, "2025-26"), before, count(), entries)
	}
}

func TestFormEditorIsForSignedInAdminsOnly(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	tok, err := forms.NewLinks(rs).IssueLink(context.Background(), audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA})
	if err != nil {
		t.Fatal(err)
	}
	gov := srv.client(t)
	if code, _ := gov.openLink(tok); code != http.StatusOK {
		t.Fatalf("link: %d", code)
	}
	anon := srv.client(t)
	anon.get("/sign-in")
	v0 := formVersion(t, rs, "2024-25")
	pages := []string{"/admin/rounds/2024-25/form", "/admin/rounds/2024-25/form/questions/dsl.on_slt", "/admin/rounds/2024-25/form/sections/dsl",
		"/admin/rounds/2024-25/form/preview?phase=special", "/admin/rounds/2024-25/form/preview/dsl"}
	for _, who := range []*client{gov, anon} {
		for _, p := range pages {
			if code, _, h := who.get(p); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/sign-in") {
				t.Errorf("GET %s: %d %s", p, code, h.Get("Location"))
			}
		}
		code, _, _ := who.post("/admin/rounds/2024-25/form/questions/dsl.on_slt", url.Values{"_csrf": {who.csrf}, "version": {strconv.Itoa(v0)}, "text": {"Hijacked"}})
		if code == http.StatusOK || formVersion(t, rs, "2024-25") != v0 {
			t.Errorf("POST by a non-admin: %d, form version %d (was %d)", code, formVersion(t, rs, "2024-25"), v0)
		}
	}
}

// The preview's task list counts the sections it shows: none completed, of all of them.
func TestFormPreviewCountsItsSections(t *testing.T) {
	t.Parallel()
	_, _, admin := draftServer(t)
	code, body, _ := admin.get("/admin/rounds/2025-26/form/preview?phase=special")
	n := strings.Count(body, "govuk-task-list__item--with-link")
	if code != http.StatusOK || n == 0 || !strings.Contains(body, fmt.Sprintf("0 of %d sections completed", n)) {
		t.Fatalf("preview of %d sections: %d, it says %q", n, code, regexp.MustCompile(`\d+ of \d+ sections completed`).FindString(body))
	}
}
