package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExportReturnsReproducesTheReport loads the demo, exports round 2022-23 as a user
// would and reads the workbook back: the Summary must be the annual report's table.
func TestExportReturnsReproducesTheReport(t *testing.T) {
	t.Parallel()
	dir, out := demoDir(t)
	if !strings.Contains(out, "rounds 2021-22 and 2022-23") {
		t.Fatalf("demo:\n%s", out)
	}
	file := filepath.Join(dir, "returns.xlsx")
	code, out, errs := assure(t, dir, "", "export", "returns", "--round", "2022-23", "--out", file)
	if code != 0 || !strings.Contains(out, "339 of 386 returned (88%)") {
		t.Fatalf("export: %d\n%s\n%s", code, out, errs)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	var order []string
	phase := ""
	for _, r := range rows[4:] {
		if len(r) < 4 || r[0] == "" {
			continue
		}
		key := r[0]
		if r[0] == "Maintained" || r[0] == "Academy" || r[0] == "Free school" {
			key = phase + "/" + r[0]
		} else {
			phase = r[0]
		}
		got[key] = r[1:8]
		order = append(order, key)
	}
	// Returned, expected, rate; then 2021-22's returned, expected, rate.
	want := map[string]string{
		"All provisions and phases":        "339 386 88% 255 386 66%",
		"Nursery":                          "5 5 100% 4 5 80%",
		"Primary":                          "257 281 91% 188 281 67%",
		"Primary/Maintained":               "158 162 98% 115 162 71%",
		"Primary/Academy":                  "97 117 83% 71 117 61%",
		"Primary/Free school":              "2 2 100% 2 2 100%",
		"Secondary":                        "48 53 91% 32 53 60%",
		"Secondary/Maintained":             "2 2 100% 2 2 100%",
		"Secondary/Academy":                "45 50 90% 29 50 58%",
		"Secondary/Free school":            "1 1 100% 1 1 100%",
		"Special":                          "15 18 83% 16 18 89%",
		"Special/Maintained":               "5 5 100% 5 5 100%",
		"Special/Academy":                  "10 13 77% 11 13 85%",
		"Independent":                      "9 24 38% 11 24 46%",
		"Alternative provision":            "5 5 100% 4 5 80%",
		"Alternative provision/Maintained": "3 3 100% 3 3 100%",
		"Alternative provision/Academy":    "2 2 100% 1 2 50%",
	}
	for k, w := range want {
		if g := strings.Join(got[k][:6], " "); g != w {
			t.Errorf("%s: %s, want %s", k, g, w)
		}
	}
	if len(order) != len(want) || order[0] != "All provisions and phases" || order[1] != "Nursery" {
		t.Errorf("rows in order %v", order)
	}
	// Rates are numbers formatted as percentages.
	if v, _ := f.GetCellValue("Summary", "D5", excelize.Options{RawCellValue: true}); v != "0.88" {
		t.Errorf("overall rate cell holds %q, want 0.88", v)
	}
	// Other sheets: every expected school, the 47 not returned, one row per return.
	for sheet, n := range map[string]int{"By school": 1 + 386, "Not returned": 1 + 47, "Answers": 2 + 339} {
		rows, _ := f.GetRows(sheet)
		if len(rows) != n {
			t.Errorf("%s has %d rows, want %d", sheet, len(rows), n)
		}
	}
	rows, _ = f.GetRows("Cannot assure")
	if len(rows) < 2 || rows[1][6] == "" {
		t.Errorf("Cannot assure: %q", rows)
	}

	// The same rows as CSV.
	csvFile := filepath.Join(dir, "returns.csv")
	if code, _, errs := assure(t, dir, "", "export", "returns", "--round", "2022-23", "--out", csvFile, "--format", "csv"); code != 0 {
		t.Fatalf("csv: %s", errs)
	}
	raw, _ := os.ReadFile(csvFile)
	recs, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil || len(recs) != 387 || recs[0][0] != "URN" {
		t.Errorf("csv: %d rows, %v", len(recs), err)
	}
	// A round that does not exist names the problem and writes nothing.
	if code, _, errs := assure(t, dir, "", "export", "returns", "--round", "2030-31", "--out", filepath.Join(dir, "x.xlsx")); code == 0 || !strings.Contains(errs, "no round") {
		t.Errorf("missing round: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.xlsx")); err == nil {
		t.Error("a failed export left a file")
	}
}

// TestRemindersRunOncePerStep lets the live demo round's reminder step fall due from the
// command line: it reaches only schools that have not returned, and only once.
func TestRemindersRunOncePerStep(t *testing.T) {
	t.Parallel()
	dir, _ := demoDir(t)
	code, out, errs := assure(t, dir, "", "reminders", "run")
	if code != 0 || !strings.Contains(out, "Reminders: ") || strings.Contains(out, " 0 sent") {
		t.Fatalf("first run: %d %s %s", code, out, errs)
	}
	code, out, _ = assure(t, dir, "", "reminders", "run")
	if code != 0 || !strings.Contains(out, "Reminders: 0 sent") {
		t.Fatalf("second run sent again: %s", out)
	}
	if code, out, errs := assure(t, dir, "", "reminders", "run", "--today", "bad"); code == 0 {
		t.Errorf("bad day accepted: %s %s", out, errs)
	}
}
