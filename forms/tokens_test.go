package forms

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/token"
)

// FuzzTokensAndReferences: whatever arrives in a link or a reference field, the checks
// never panic, accept only the shapes they promise, and what the service makes passes.
func FuzzTokensAndReferences(f *testing.F) {
	f.Add("t0xP8hK7jdKFwTYVM7qiwg", "ACDEFGHJ")
	f.Add("../../etc/passwd", "0O1IL258")
	f.Add("AAAAAAAAAAAAAAAAAAAAA=", "acdefghj")
	f.Add("%00%00", "ÀCDEFGHJ")
	f.Add("2024-25", "2024-25:990006")
	f.Fuzz(func(t *testing.T, tok, ref string) {
		if token.Valid(tok) {
			b, err := base64.RawURLEncoding.DecodeString(tok)
			if len(tok) != 22 || err != nil || len(b) != 16 {
				t.Fatalf("accepted token %q", tok)
			}
			if h := token.Hash(tok); len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
				t.Fatalf("hash of %q is %q", tok, h)
			}
		}
		if ValidReference(ref) && (len(ref) != 8 || strings.Trim(ref, referenceAlphabet) != "") {
			t.Fatalf("accepted reference %q", ref)
		}
		if err := academic.CheckYear(ref); err == nil && (len(ref) != 7 || ref[4] != '-') {
			t.Fatalf("accepted year %q", ref)
		}
		if r := NewReference(); !ValidReference(r) {
			t.Fatalf("made reference %q refused", r)
		}
	})
}
