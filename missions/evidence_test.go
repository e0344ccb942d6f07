package missions

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanFileNameSurvivesLongExtensionsAndHiddenCharacters(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"poster." + strings.Repeat("x", 300): strings.Repeat("x", 0) + "poster." + strings.Repeat("x", 93),
		strings.Repeat("a", 200) + ".png":    strings.Repeat("a", 96) + ".png",
		"inv\u202Egnp.pdf":                   "invgnp.pdf",
		"po\u200Bster\u2066.png":             "poster.png",
		"a\tb\nc.png":                        "a b c.png",
		strings.Repeat("é", 150) + ".jpg":    strings.Repeat("é", 96) + ".jpg",
		`..\..\C:\evil/../poster "1".PNG`:    "poster 1.PNG",
		"\u202E":                             "evidence",
		"." + strings.Repeat("é", 120):       strings.Repeat("é", 100),
	} {
		if got := CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"poster.png", "a." + strings.Repeat("x", 200), "inv\u202Egnp.pdf", `..\..\x`, ".", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := CleanFileName(in)
		if got == "" || !utf8.ValidString(got) || utf8.RuneCountInString(got) > maxFileName {
			t.Fatalf("CleanFileName(%q) = %q", in, got)
		}
		if strings.ContainsAny(got, "/\\\"\x00\n\u202E\u200B") {
			t.Fatalf("CleanFileName(%q) = %q keeps a character it must not", in, got)
		}
	})
}

// pdf is a small, plain PDF with body as its catalogue's extra entries.
func pdf(body string) []byte {
	return []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + body + " >>\nendobj\n" +
		"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

// pdfWithStream hides content in a Flate-compressed object stream, as PDF 1.5 allows.
func pdfWithStream(t *testing.T, hidden string) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	_, _ = w.Write([]byte(hidden))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return append(pdf("/Extra 3 0 R"), append(append([]byte("3 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n"), z.Bytes()...), []byte("\nendstream\nendobj\n")...)...)
}

func TestPDFsWithScriptsActionsOrEmbeddedFilesAreRefused(t *testing.T) {
	t.Parallel()
	for name, data := range map[string][]byte{
		"JavaScript":             pdf("/Names << /JavaScript 3 0 R >>"),
		"JS":                     pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
		"JS alone":               pdf("/X << /JS (app.alert(1)) >>"),
		"OpenAction":             pdf("/OpenAction 3 0 R"),
		"AA":                     pdf("/AA << /O 3 0 R >>"),
		"Launch":                 pdf("/X << /S /Launch /F (cmd.exe) >>"),
		"EmbeddedFile":           pdf("/X << /Type /EmbeddedFile >>"),
		"EmbeddedFiles":          pdf("/Names << /EmbeddedFiles 3 0 R >>"),
		"hex-escaped JavaScript": pdf("/Names << /J#61vaScript 3 0 R >>"),
		"hex-escaped AA":         pdf("/#41#41 << /O 3 0 R >>"),
		"hex-escaped Launch":     pdf("/X << /S /L#61#75nch >>"),
		"in an object stream":    pdfWithStream(t, "<< /OpenAction << /S /JavaScript /JS (x) >> >>"),
		"encrypted":              pdf("/Encrypt 3 0 R"),
	} {
		if _, err := CheckEvidence("poster.pdf", data); !errors.Is(err, ErrEvidenceType) {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
	for name, data := range map[string][]byte{
		"plain":                       pdf(""),
		"names that only start alike": pdf("/JSON 1 /AAA 2 /Launcher 3 /OpenActions 4"),
		"a plain object stream":       pdfWithStream(t, "<< /Type /Page >>"),
	} {
		if typ, err := CheckEvidence("poster.pdf", data); err != nil || typ != "application/pdf" {
			t.Errorf("%s: refused: %v", name, err)
		}
	}
}

// pngHeader is a PNG signature and an IHDR chunk claiming w×h, with nothing after it.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit greyscale
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

func TestImagesMustDecodeAsTheirTypeWithinBounds(t *testing.T) {
	t.Parallel()
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	good := map[string][]byte{"poster.png": pngBytes(t), "poster.jpg": jpg.Bytes()}
	for name, data := range good {
		if _, err := CheckEvidence(name, data); err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
	for name, data := range map[string][]byte{
		"magic bytes then junk.png":     append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("junk"), 20)...),
		"magic bytes then junk.jpg":     append([]byte{0xFF, 0xD8, 0xFF}, bytes.Repeat([]byte("junk"), 20)...),
		"a bad header checksum.png":     append(pngHeader(4, 4)[:29], 0, 0, 0, 0),
		"a million pixels square.png":   pngHeader(1_000_000, 1_000_000),
		"too wide.png":                  pngHeader(100_000, 1),
		"HTML after the JPEG magic.jpg": append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, []byte("<html><script>alert(1)</script></html>")...),
	} {
		if _, err := CheckEvidence(name, data); !errors.Is(err, ErrEvidenceType) {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
}
