package text

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lscp/assure/internal/problem"
)

// hidden reports whether r changes how text around it displays, or displays as nothing:
// bidirectional embeddings, overrides, isolates and marks, zero-width characters and
// the byte-order mark, and the line and paragraph separators that split a "single" line.
func hidden(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069,            // LRI, RLI, FSI, PDI
		r >= 0x200B && r <= 0x200F,            // zero width space, ZWNJ, ZWJ, LRM, RLM
		r == 0x2060, r == 0xFEFF, r == 0x061C, // word joiner, BOM, Arabic letter mark
		r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// Line cleans one line of text: a name, a file name, a short answer. Hidden characters
// and control characters go; a tab or line break becomes a space, so words stay apart;
// invalid UTF-8 goes; runs of spaces become one and the ends are trimmed.
func Line(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case hidden(r) || unicode.IsControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.Join(strings.Fields(s), " ")
}

// Lines cleans text of several lines (an explanation, an action plan): as Line, but line
// breaks and tabs are kept, with Windows and old Mac line ends made "\n", and each line's
// trailing spaces and the whole text's surrounding blank space trimmed.
func Lines(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case hidden(r) || unicode.IsControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Fits says whether s is at most max characters (runes, as people count them).
func Fits(s string, max int) bool { return utf8.RuneCountInString(s) <= max }

// Cut shortens s to at most max characters without splitting one, for text where a
// shorter copy is safe to keep (a label, a file name); values people rely on are refused
// instead, with a field error.
func Cut(s string, max int) string {
	if max <= 0 {
		return ""
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

// Limits shared by the boundaries that take people's text.
const (
	MaxName  = 100 // a person's name
	MaxEmail = 254 // the longest address SMTP carries (RFC 5321)
)

// ErrBadEmail is an address that is not one: the same words wherever an address is typed.
var ErrBadEmail = problem.New(problem.Invalid, "enter an email address in the correct format, like name@example.org")

// NormaliseEmail checks an address as typed (one plain address, no display name, at most
// MaxEmail) and returns it in lower case, the form admins and link teachers are keyed by.
func NormaliseEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email, "@") || !Fits(email, MaxEmail) {
		return "", ErrBadEmail
	}
	return strings.ToLower(email), nil
}
