package exports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestWriteSchoolsCSV(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	rows := []SchoolRow{
		{URN: 115850, Name: "Alton Infant School", LA: "850", Phase: "primary", Governance: "maintained", Status: "open"},
		{URN: 2, Name: "=HYPERLINK(\"http://evil\")", LA: "925", Phase: "special", Governance: "academy", AllThrough: true, Status: "closed"},
	}
	if err := WriteSchoolsCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "urn,name,la,phase,governance,all_through,status" {
		t.Fatalf("header %v", recs[0])
	}
	if strings.Join(recs[1], ",") != "115850,Alton Infant School,850,primary,maintained,false,open" {
		t.Fatalf("row %v", recs[1])
	}
	if recs[2][1] != "'=HYPERLINK(\"http://evil\")" || recs[2][5] != "true" {
		t.Fatalf("row %v", recs[2])
	}
}

func TestSafeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"": "", "School": "School", "=1+1": "'=1+1", "+cmd": "'+cmd", "-2": "-2", "-x": "'-x",
		"@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx", "+44.5": "+44.5",
	} {
		if got := SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
	}
}
