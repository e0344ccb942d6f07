package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestJOSOCommandsGiveThePartnershipsFigures loads the demo and runs the JOSO commands as
// the partnership would: the workbook says 28 schools and 97 trained JOSOs (72 the year
// before), the ledger verifies, certificates are written, and a closed year refuses to
// reopen once anonymised.
func TestJOSOCommandsGiveThePartnershipsFigures(t *testing.T) {
	t.Parallel()
	dir, out := demoDir(t)
	if !strings.Contains(out, "2022-23 (live: 28 schools, 97 trained)") {
		t.Fatalf("demo:\n%s", out)
	}
	file := filepath.Join(dir, "joso.xlsx")
	code, out, errs := assure(t, dir, "", "export", "joso", "--year", "2022-23", "--out", file)
	if code != 0 || !strings.Contains(out, "28 participating schools, 97 JOSOs trained") {
		t.Fatalf("export joso: %d\n%s\n%s", code, out, errs)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Summary")
	got := map[string]string{}
	for _, r := range rows {
		if len(r) >= 3 {
			got[r[0]] = r[1] + " " + r[2]
		}
	}
	if got["Participating schools"] != "28 22" || got["JOSOs trained"] != "97 72" {
		t.Fatalf("Summary: %v", got)
	}
	for _, year := range []string{"2022-23", "2021-22"} {
		if code, out, errs := assure(t, dir, "", "joso", "verify", "--year", year); code != 0 || !strings.Contains(out, "Every cached total matches the ledger.") {
			t.Fatalf("verify %s: %d\n%s\n%s", year, code, out, errs)
		}
	}
	pdf := filepath.Join(dir, "certificates.pdf")
	if code, out, errs := assure(t, dir, "", "joso", "certificates", "--year", "2022-23", "--out", pdf); code != 0 || !strings.Contains(out, "certificates") {
		t.Fatalf("certificates: %d\n%s\n%s", code, out, errs)
	}
	// The demo's 2021-22 is past its anonymisation date: its names are gone and it stays shut.
	if code, _, errs := assure(t, dir, "", "joso", "year", "move", "--year", "2021-22", "reopen"); code != 1 || !strings.Contains(errs, "anonymised") {
		t.Fatalf("reopening an anonymised year: %d %s", code, errs)
	}
	if code, out, _ := assure(t, dir, "", "joso", "anonymise"); code != 0 || !strings.Contains(out, "No programme year is due") {
		t.Fatalf("anonymise again: %d %s", code, out)
	}
	if code, out, errs := assure(t, dir, "", "joso", "year", "create", "--year", "2023-24"); code != 0 || !strings.Contains(out, "8 missions") {
		t.Fatalf("create 2023-24 from 2022-23's catalogue: %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := assure(t, dir, "", "joso", "enrol", "--year", "2023-24", "--urn", "990006", "--teacher", "lead@school.example.org", "--name", "Sam Lead", "--invite"); code != 0 || !strings.Contains(out, "Invitation to lead@school.example.org: outbox") {
		t.Fatalf("enrol: %d\n%s\n%s", code, out, errs)
	}
}
