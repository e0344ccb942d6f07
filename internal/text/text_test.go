package text_test

import (
	"strings"
	"testing"

	"github.com/lscp/assure/internal/text"
)

// hostile are strings people have used to make text display as something it is not.
var hostile = []struct {
	name, in, line, lines string
}{
	{"right-to-left override in a file name", "inv\u202Egnp.pdf", "invgnp.pdf", "invgnp.pdf"},
	{"every bidi override and embedding", "a\u202Ab\u202Bc\u202Cd\u202De\u202Ef", "abcdef", "abcdef"},
	{"bidi isolates", "a\u2066b\u2067c\u2068d\u2069e", "abcde", "abcde"},
	{"bidi marks", "a\u200Eb\u200Fc\u061Cd", "abcd", "abcd"},
	{"zero-width characters", "Am\u200Bira\u200C \u200DK\u2060\uFEFF", "Amira K", "Amira K"},
	{"control characters", "Sam\x00\x07\x1b[31m Lead\x7f\u0085", "Sam[31m Lead", "Sam[31m Lead"},
	{"line breaks and tabs", " Sam\r\n\tLead \n", "Sam Lead", "Sam\n\tLead"},
	{"old Mac line ends", "one\rtwo", "one two", "one\ntwo"},
	{"line and paragraph separators", "one\u2028two\u2029three", "onetwothree", "onetwothree"},
	{"invalid UTF-8", "caf\xc3 ok\xff", "caf ok", "caf ok"},
	{"only hidden characters", "\u202E\u200B\uFEFF", "", ""},
	{"ordinary text is kept", "Zoë O'Brien-Smith", "Zoë O'Brien-Smith", "Zoë O'Brien-Smith"},
	{"right-to-left scripts are kept", "مدرسة", "مدرسة", "مدرسة"},
	{"emoji are kept", "Well done 👍", "Well done 👍", "Well done 👍"},
}

func TestLineAndLinesRemoveHiddenAndControlCharacters(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			if got := text.Line(tc.in); got != tc.line {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
			}
			if got := text.Lines(tc.in); got != tc.lines {
				t.Errorf("Lines(%q) = %q, want %q", tc.in, got, tc.lines)
			}
		})
	}
}

func TestFitsAndCutCountCharactersNotBytes(t *testing.T) {
	s := strings.Repeat("é", 10)
	if !text.Fits(s, 10) || text.Fits(s, 9) {
		t.Errorf("Fits counts bytes, not characters")
	}
	if got := text.Cut(s, 3); got != "ééé" {
		t.Errorf("Cut = %q, want ééé", got)
	}
	if got := text.Cut("abc", 5); got != "abc" {
		t.Errorf("Cut of a short string = %q", got)
	}
	if got := text.Cut("abc", 0); got != "" {
		t.Errorf("Cut to 0 = %q", got)
	}
}

func FuzzLine(f *testing.F) {
	for _, tc := range hostile {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{text.Line(s), text.Lines(s)} {
			for _, r := range out {
				if r < 0x20 && r != '\n' && r != '\t' || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r >= 0x200B && r <= 0x200F || r == 0xFEFF {
					t.Fatalf("%q kept %U", s, r)
				}
			}
		}
		if strings.ContainsAny(text.Line(s), "\n\t") {
			t.Fatalf("Line(%q) kept a line break or tab", s)
		}
	})
}

func TestNormaliseEmail(t *testing.T) {
	t.Parallel()
	if got, err := text.NormaliseEmail("  Head@School.Example.ORG "); err != nil || got != "head@school.example.org" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, bad := range []string{"", "not an email", "Head <head@school.example.org>", "a@b@c", strings.Repeat("a", 250) + "@x.org"} {
		if _, err := text.NormaliseEmail(bad); err != text.ErrBadEmail {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
