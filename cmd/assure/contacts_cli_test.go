package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The contact book from the command line: a bad file refused naming its line, a good one
// loaded (and again, changing nothing), listed as CSV; then a round's invitations sent
// to the round's roles, or others, each once.
func TestContactsImportListAndRoundInvite(t *testing.T) {
	t.Parallel()
	dir, _ := demoDir(t)
	file := filepath.Join(t.TempDir(), "contacts.csv")
	_ = os.WriteFile(file, []byte("urn,name,email,role\n990006,Dee Ess,dsl6@school.example.org,dsl\n990006,X,x6@school.example.org,teacher\n"), 0o600)
	if code, _, errs := assure(t, dir, "", "contacts", "import", file); code != 1 || !strings.Contains(errs, "line 3") || !strings.Contains(errs, `"teacher" is not a role`) {
		t.Fatalf("a bad file: %d %s", code, errs)
	}
	book := "urn,name,email,role\n990006,Dee Ess,dsl6@school.example.org,dsl\n990006,Gov Ernor,gov6@school.example.org,safeguarding-governor\n" +
		"990006,Hed Teacher,head6@school.example.org,headteacher\n990007,Bee Dsl,dsl7@school.example.org,dsl\n"
	_ = os.WriteFile(file, []byte(book), 0o600)
	if code, out, errs := assure(t, dir, "", "contacts", "import", file); code != 0 || !strings.Contains(out, "4 contacts of 2 schools loaded; 2 schools changed") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	if code, out, _ := assure(t, dir, "", "contacts", "import", file); code != 0 || !strings.Contains(out, "0 schools changed, 2 already as the file says") {
		t.Fatalf("import again: %d %s", code, out)
	}
	code, out, _ := assure(t, dir, "", "contacts", "list", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "urn,name,email,role,bounced,bounced_why\n990006,Dee Ess,dsl6@school.example.org,dsl,,\n") || strings.Count(out, "\n") != 5 {
		t.Fatalf("list: %d\n%s", code, out)
	}
	if code, out, _ := assure(t, dir, "", "contacts", "list"); code != 0 || !strings.Contains(out, "Designated safeguarding lead") {
		t.Fatalf("list as a table: %d\n%s", code, out)
	}

	if code, out, errs := assure(t, dir, "", "round", "create", "--year", "2030-31", "--opens", "2030-10-01", "--deadline", "2099-12-13"); code != 0 {
		t.Fatalf("create: %s %s", out, errs)
	}
	if code, _, errs := assure(t, dir, "", "round", "invite", "--year", "2030-31"); code != 1 || !strings.Contains(errs, "open") {
		t.Fatalf("inviting to a draft round: %d %s", code, errs)
	}
	if code, out, errs := assure(t, dir, "", "round", "open", "--year", "2030-31"); code != 0 {
		t.Fatalf("open: %s %s", out, errs)
	}
	if code, out, errs := assure(t, dir, "", "round", "invite", "--year", "2030-31"); code != 0 || !strings.Contains(out, "3 invitations sent to 2 schools, 0 failed") {
		t.Fatalf("invite: %d %s %s", code, out, errs)
	}
	if code, out, _ := assure(t, dir, "", "round", "invite", "--year", "2030-31"); code != 0 || !strings.Contains(out, "0 invitations sent to 0 schools, 0 failed, 3 already sent") {
		t.Fatalf("invite again: %d %s", code, out)
	}
	if code, out, _ := assure(t, dir, "", "round", "invite", "--year", "2030-31", "--roles", "headteacher"); code != 0 || !strings.Contains(out, "1 invitations sent to 1 schools") {
		t.Fatalf("invite the heads: %d %s", code, out)
	}
	if code, _, errs := assure(t, dir, "", "round", "invite", "--year", "2030-31", "--roles", "caretaker"); code != 1 || !strings.Contains(errs, `"caretaker" is not a role`) {
		t.Fatalf("an unknown role: %d %s", code, errs)
	}
}
