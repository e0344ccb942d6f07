package exports

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Whatever a governor typed is drawn in the receipt as text: markup stays literal, and a
// string built to break out of a PDF text operator cannot add a script or a link.
func TestReceiptDrawsHostileTextAsText(t *testing.T) {
	t.Parallel()
	hostile := `<script>alert(1)</script> x) Tj /JavaScript << /S /JS /JS (app.alert(1)) >> (`
	var buf bytes.Buffer
	err := WriteReceiptPDF(&buf, Receipt{Partnership: "Test LSCP", School: "<b>School</b>", Round: "2024-25", Reference: "ACDEFGHJ",
		URN: 990006, Submitted: time.Date(2024, 12, 1, 10, 0, 0, 0, time.UTC),
		Sections: []ReceiptSection{{Title: "Leadership", Rows: []ReceiptRow{{Question: "Q", Answer: hostile, Comment: "=SUM(A1)"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`).FindAllSubmatch(buf.Bytes(), -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a compressed page stream (a font, say)
		}
		b, _ := io.ReadAll(zr)
		text.Write(b)
	}
	page := text.String()
	if !strings.Contains(page, `<script>alert\(1\)</script>`) || !strings.Contains(page, `x\) Tj /JavaScript`) || !strings.Contains(page, "=SUM") {
		t.Fatalf("hostile text not drawn literally and escaped:\n%s", page)
	}
	raw := buf.String()
	for _, bad := range []string{"/JavaScript", "/JS ", "/OpenAction", "/Launch", "/URI"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the PDF's own structure has %s", bad)
		}
	}
}

// pageTexts returns the text of each page stream of a PDF written by fpdf, in page order.
func pageTexts(t *testing.T, pdf []byte) []string {
	t.Helper()
	var pages []string
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`).FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(zr)
		if strings.Contains(string(b), "Tj") {
			pages = append(pages, string(b))
		}
	}
	return pages
}

// A receipt runs over several pages when the return is long: each page says which it is
// of how many, and carries the reference, so a loose page can be matched to its return.
func TestReceiptNumbersPagesWithReference(t *testing.T) {
	t.Parallel()
	var rows []ReceiptRow
	for range 120 {
		rows = append(rows, ReceiptRow{Question: "Is the single central record complete and up to date?", Answer: "Partly",
			Comment: "Two references are missing for new staff; the business manager is chasing them."})
	}
	var buf bytes.Buffer
	err := WriteReceiptPDF(&buf, Receipt{Partnership: "Test LSCP", School: "Demo Primary", Round: "2024-25", Reference: "ACDEFGHJ",
		URN: 990006, Submitted: time.Date(2024, 12, 1, 10, 0, 0, 0, time.UTC), Sections: []ReceiptSection{{Title: "Recruitment", Rows: rows}}})
	if err != nil {
		t.Fatal(err)
	}
	pages := pageTexts(t, buf.Bytes())
	if len(pages) < 3 {
		t.Fatalf("%d pages, want at least 3", len(pages))
	}
	for i, p := range pages {
		want := fmt.Sprintf("Page %d of %d", i+1, len(pages))
		if !strings.Contains(p, want) || !strings.Contains(p, "ACDEFGHJ") {
			t.Errorf("page %d: no %q or no reference", i+1, want)
		}
	}
}
