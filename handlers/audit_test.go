package handlers

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/audit"
)

// The audit log: filtered on the page, exported whole as CSV with hostile text made
// harmless, dates checked, and for admins only.
func TestAuditLogFilterAndExport(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	hostile := `=HYPERLINK("http://evil.example")<script>alert(1)</script>@example.org`
	// What a sign-in form records as the actor is whatever was typed.
	if err := srv.audit.Record(context.Background(), audit.Entry{Actor: hostile, Action: audit.ActionSignInFailed, IP: "203.0.113.9"}); err != nil {
		t.Fatal(err)
	}
	c := srv.client(t)
	if code, _, _ := c.get("/admin/audit.csv"); code != http.StatusSeeOther {
		t.Fatalf("anonymous audit export: %d", code)
	}
	c.signIn()
	code, body, _ := c.get("/admin/audit?action=sign-in-failed")
	if code != 200 || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(body, "<script>alert(1)") ||
		!strings.Contains(body, "1 matching entry") {
		t.Fatalf("filtered page: %d\n%s", code, body)
	}
	code, body, _ = c.get("/admin/audit?who=OFFICER%40example.org")
	if code != 200 || !strings.Contains(body, "sign-in") || strings.Contains(body, "evil.example") {
		t.Fatalf("filter by who: %d", code)
	}
	code, body, _ = c.get("/admin/audit?from=2024-13-01&action=made-up")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "From must be a date like 2024-12-13") || !strings.Contains(body, "Choose an action from the list") {
		t.Fatalf("bad filter: %d", code)
	}
	code, body, h := c.get("/admin/audit.csv")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %s", code, h.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 3 || rows[0][0] != "when (UTC)" || rows[0][5] != "from address" {
		t.Fatalf("export rows: %v %v", err, rows)
	}
	found := false
	for _, r := range rows[1:] {
		if strings.Contains(r[1], "evil.example") {
			found = true
			if strings.HasPrefix(r[1], "=") {
				t.Errorf("formula exported as is: %q", r[1])
			}
		}
	}
	if !found {
		t.Fatal("the failed sign-in is not in the export")
	}
	if _, body, _ := c.get("/admin/audit?action=exported"); !strings.Contains(body, "audit log") {
		t.Fatal("the export itself is not audited")
	}
}
