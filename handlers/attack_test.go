package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/audit"
)

// Session fixation: a session ID an attacker planted before sign-in (or before a governor
// opens a link) is never the one that becomes signed in.
func TestPlantedSessionIsNeverSignedIn(t *testing.T) {
	srv, rs := roundServer(t)
	tok, _ := rs.IssueLink(context.Background(), "2024-25", urnA)
	for name, enter := range map[string]func(c *client){
		"admin sign-in": func(c *client) { c.signIn() },
		"governor link": func(c *client) { c.openLink(tok) },
	} {
		victim := srv.client(t)
		victim.get("/sign-in")
		planted := "attacker-chosen-session-id-0123456789"
		victim.cookies["assure_session"] = planted
		enter(victim)
		if got := victim.cookies["assure_session"]; got == "" || got == planted {
			t.Fatalf("%s: session ID after entering is %q", name, got)
		}
		attacker := srv.client(t)
		attacker.cookies["assure_session"] = planted
		if code, _, _ := attacker.get("/admin"); code != http.StatusSeeOther {
			t.Errorf("%s: the planted ID reached /admin: %d", name, code)
		}
		if code, _, _ := attacker.get("/return"); code != http.StatusForbidden {
			t.Errorf("%s: the planted ID reached /return: %d", name, code)
		}
	}
}

// Guessing links: after 30 failed openings from one address in ten minutes every
// opening is refused (a right one too), and the refusal is in the audit log.
func TestLinkGuessingIsLimitedAndAudited(t *testing.T) {
	srv, rs := roundServer(t)
	tok, _ := rs.IssueLink(context.Background(), "2024-25", urnA)
	c := srv.client(t)
	for i := range 30 {
		if code, _ := c.openLink("AAAAAAAAAAAAAAAAAAAA" + string(rune('A'+i%26)) + "A"); code != http.StatusNotFound {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code, body := c.openLink(tok); code != http.StatusTooManyRequests || !strings.Contains(body, "Too many attempts") {
		t.Fatalf("31st opening: %d", code)
	}
	if code, _, _ := c.get("/joso/link/AAAAAAAAAAAAAAAAAAAAAA"); code != http.StatusTooManyRequests {
		t.Fatalf("teacher link from the same address: %d", code)
	}
	var limited int
	_ = srv.audit.Each(context.Background(), audit.Filter{Action: "link-rate-limited"}, 0, func(audit.Entry) error { limited++; return nil })
	if limited < 2 {
		t.Fatalf("%d refusals audited", limited)
	}
}

// CSRF: every state-changing governor and teacher request without the token is refused
// and changes nothing.
func TestGovernorSaveWithoutTokenChangesNothing(t *testing.T) {
	srv, rs := roundServer(t)
	tok, _ := rs.IssueLink(context.Background(), "2024-25", urnA)
	g := srv.client(t)
	g.openLink(tok)
	before, _ := rs.Return(context.Background(), "2024-25", urnA)
	for _, path := range []string{"/return/section/dsl", "/return/submit", "/return/sign-out"} {
		if code, _, _ := g.post(path, url.Values{"version": {"0"}, "dsl.on_slt": {"no"}}); code != http.StatusForbidden {
			t.Errorf("%s without a token: %d", path, code)
		}
		if code, _, _ := g.post(path, url.Values{"_csrf": {"forged"}, "version": {"0"}, "dsl.on_slt": {"no"}}); code != http.StatusForbidden {
			t.Errorf("%s with a forged token: %d", path, code)
		}
	}
	after, _ := rs.Return(context.Background(), "2024-25", urnA)
	if after.Version != before.Version || len(after.Answers) != 0 {
		t.Fatalf("a refused request changed the return: v%d → v%d", before.Version, after.Version)
	}
}
