package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/internal/text"
)

func TestHashAndVerify(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	a := New(st, audit.New(st), mail.New(st, mail.SMTP{}), Config{Partnership: "Test", PublicURL: "http://assure.test"})
	if _, err := a.Create(ctx, audit.CommandLine, "Officer@Example.org", "short"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("weak password: %v", err)
	}
	if _, err := a.Create(ctx, audit.CommandLine, "not an email", "a long enough password"); !errors.Is(err, text.ErrBadEmail) {
		t.Fatalf("bad email: %v", err)
	}
	if _, err := a.Create(ctx, audit.CommandLine, "Officer@Example.org", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(ctx, audit.CommandLine, "officer@example.org", "another long password"); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	ad, err := a.Authenticate(ctx, audit.Actor{}, "OFFICER@example.org", "a long enough password")
	if err != nil || ad.ID != "officer@example.org" {
		t.Fatalf("authenticate: %v %+v", err, ad)
	}
	if _, err := a.Authenticate(ctx, audit.Actor{}, "officer@example.org", "wrong"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := a.Authenticate(ctx, audit.Actor{}, "nobody@example.org", "a long enough password"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown account: %v", err)
	}
	doc, _ := a.Get(ctx, "officer@example.org")
	if strings.Contains(doc.Hash, "a long enough password") || doc.LastSignIn.IsZero() {
		t.Fatalf("stored: %+v", doc)
	}
}

// TestAccountsRecordWhoDidWhat: making an admin, a failed and a good sign-in and a sign-out
// are in the audit log, with who and from where, without the caller recording them.
func TestAccountsRecordWhoDidWhat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	log := audit.New(st)
	a := New(st, log, mail.New(st, mail.SMTP{}), Config{})
	if _, err := a.Create(ctx, audit.CommandLine, "officer@example.org", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	from := audit.Actor{IP: "203.0.113.7"}
	if _, err := a.Authenticate(ctx, from, "officer@example.org", "wrong"); !errors.Is(err, ErrBadCredentials) {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, from, "officer@example.org", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	a.SignedOut(ctx, audit.Actor{Name: "officer@example.org", IP: from.IP})
	got, err := log.Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.Entry{
		{Actor: "officer@example.org", Action: audit.ActionSignOut, IP: from.IP},
		{Actor: "officer@example.org", Action: audit.ActionSignIn, IP: from.IP},
		{Actor: "officer@example.org", Action: audit.ActionSignInFailed, IP: from.IP},
		{Actor: "command line", Action: audit.ActionAdminCreated, Target: "officer@example.org"},
	}
	if len(got) != len(want) {
		t.Fatalf("audit log: %+v", got)
	}
	for i, w := range want {
		if g := got[i]; g.Actor != w.Actor || g.Action != w.Action || g.IP != w.IP || g.Target != w.Target {
			t.Errorf("entry %d: %+v, want %+v", i, g, w)
		}
	}
}
