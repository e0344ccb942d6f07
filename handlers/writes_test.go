package handlers

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/loadtest"
)

// What a governor's busiest steps cost in store writes, counted, not timed (issue 15):
// opening a good link writes the session and its audit entry, nothing for the rate limit;
// a section save in the steady state writes the return once, its audit entry riding on
// the return's trail, copied to the audit log after in a group insert that concurrent
// saves share (here, alone, one per save); a bad link writes its failure's count.
func TestGovernorStepsInStoreWrites(t *testing.T) {
	t.Parallel()
	srv, rs := roundServer(t)
	ctx := context.Background()
	tok, err := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: urnA})
	if err != nil {
		t.Fatal(err)
	}
	g := srv.client(t)
	g.get("/sign-in") // a CSRF cookie, as a browser has before it follows a link
	writes := func(step func()) int64 {
		t.Helper()
		srv.store.Flush()
		before := srv.store.Writes()
		step()
		srv.store.Flush()
		return srv.store.Writes() - before
	}
	if n := writes(func() {
		if code, _, _ := g.get("/r/" + tok); code != http.StatusSeeOther {
			t.Fatalf("opening the link: %d", code)
		}
	}); n != 2 {
		t.Errorf("opening a good link: %d writes, want 2 (the session and its audit entry)", n)
	}
	ret, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnA})
	round, _ := rs.Get(ctx, "2024-25")
	secs := forms.QuestionSections(round.Definition.For(ret.School.Record))
	today := time.Now().In(academic.London)
	save := func(sec forms.Section) {
		t.Helper()
		_, body, _ := g.get("/return/section/" + sec.ID)
		form, _ := loadtest.AnswersFor(urnA, sec, today)
		form.Set("_csrf", g.csrf)
		form.Set("version", versionInput.FindStringSubmatch(body)[1])
		form.Set("action", "continue")
		if code, _, _ := g.post("/return/section/"+sec.ID, form); code != http.StatusSeeOther {
			t.Fatalf("saving %s: %d", sec.ID, code)
		}
	}
	save(secs[0]) // the first save also moves the round's change stamp: the status changes
	if n := writes(func() { save(secs[1]) }); n != 2 {
		t.Errorf("a section save in the steady state: %d writes, want 2 (the return, and the audit log's copy of its entry)", n)
	}
	stranger := srv.client(t)
	stranger.get("/sign-in")
	if n := writes(func() { stranger.get("/r/AAAAAAAAAAAAAAAAAAAAAA") }); n != 1 {
		t.Errorf("a bad link: %d writes, want 1 (its failure's count)", n)
	}
}
