package token

import "testing"

func TestTokens(t *testing.T) {
	t.Parallel()
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New()
	if a == b || !Valid(a) || !Valid(b) {
		t.Fatalf("new tokens %q %q", a, b)
	}
	key := []byte("a key of the store")
	d := Derive(key, "2026-27:100001\x001")
	if !Valid(d) || d != Derive(key, "2026-27:100001\x001") || d == Derive(key, "2026-27:100001\x002") || d == Derive([]byte("another key"), "2026-27:100001\x001") {
		t.Fatalf("derived tokens must be valid, stable for a key and message, and differ otherwise")
	}
	for _, bad := range []string{"", "short", a + "x", "!!!!!!!!!!!!!!!!!!!!!!", a[:21] + "="} {
		if Valid(bad) {
			t.Errorf("Valid(%q)", bad)
		}
	}
	if h := Hash(a); h == a || len(h) != 64 || h != Hash(a) {
		t.Error("Hash is a stable SHA-256 in hex")
	}
}
