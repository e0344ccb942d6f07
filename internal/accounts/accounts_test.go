package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/internal/text"
)

func TestHashAndVerify(t *testing.T) {
	h := HashPassword("a long enough password")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=47104,t=1,p=1$") {
		t.Fatalf("hash format %s", h)
	}
	if !VerifyPassword(h, "a long enough password") || VerifyPassword(h, "a long enough passwore") {
		t.Fatal("verify is wrong")
	}
	if a, b := HashPassword("same"), HashPassword("same"); a == b {
		t.Fatal("salt not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA", h[:len(h)-3] + "!!!"} {
		if VerifyPassword(bad, "x") {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestCreateAndAuthenticate(t *testing.T) {
	ctx := context.Background()
	a := New(storetest.New(t))
	if _, err := a.Create(ctx, "Officer@Example.org", "short"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("weak password: %v", err)
	}
	if _, err := a.Create(ctx, "not an email", "a long enough password"); !errors.Is(err, text.ErrBadEmail) {
		t.Fatalf("bad email: %v", err)
	}
	if _, err := a.Create(ctx, "Officer@Example.org", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(ctx, "officer@example.org", "another long password"); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	ad, err := a.Authenticate(ctx, "OFFICER@example.org", "a long enough password")
	if err != nil || ad.ID != "officer@example.org" {
		t.Fatalf("authenticate: %v %+v", err, ad)
	}
	if _, err := a.Authenticate(ctx, "officer@example.org", "wrong"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := a.Authenticate(ctx, "nobody@example.org", "a long enough password"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown account: %v", err)
	}
	doc, _ := a.Get(ctx, "officer@example.org")
	if strings.Contains(doc.Hash, "a long enough password") || doc.LastSignIn.IsZero() {
		t.Fatalf("stored: %+v", doc)
	}
}
