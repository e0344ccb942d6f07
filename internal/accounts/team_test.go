package accounts

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/internal/token"
)

const pw = "a long enough password"

type fixture struct {
	a    *Accounts
	mail *mail.Mailer
	log  *audit.Log
}

// newTeam is accounts on a fresh store with email kept in the outbox (where the links
// are readable) and one administrator, boss@example.org.
func newTeam(t *testing.T) fixture {
	t.Helper()
	st := storetest.New(t)
	m := mail.New(st, mail.SMTP{})
	log := audit.New(st)
	a := New(st, log, m, Config{Partnership: "Test Partnership", PublicURL: "http://assure.test"})
	if _, err := a.Create(context.Background(), audit.CommandLine, "boss@example.org", pw); err != nil {
		t.Fatal(err)
	}
	return fixture{a: a, mail: m, log: log}
}

var boss = audit.Actor{Name: "boss@example.org", IP: "192.0.2.1"}

var linkToken = regexp.MustCompile(`/account/(?:invitation|reset)/([A-Za-z0-9_-]{22})`)

// lastLink is the token of the newest email to to.
func (f fixture) lastLink(t *testing.T, to string) string {
	t.Helper()
	msgs, err := f.mail.Recent(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == to {
			if g := linkToken.FindStringSubmatch(m.Body); g != nil {
				return g[1]
			}
		}
	}
	t.Fatalf("no link emailed to %s", to)
	return ""
}

func TestRolesAndMigrationOnRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newTeam(t)
	// An account stored before roles has none: it reads as an administrator.
	if _, err := f.a.c.InsertOne(ctx, bson.D{{Key: "_id", Value: "old@example.org"}, {Key: "email", Value: "old@example.org"}, {Key: "hash", Value: HashPassword(pw)}}); err != nil {
		t.Fatal(err)
	}
	old, err := f.a.Get(ctx, "old@example.org")
	if err != nil || old.Role != Administrator || old.Status() != StatusActive {
		t.Fatalf("old account: %+v %v", old, err)
	}
	for _, c := range []struct {
		have, need Role
		ok         bool
	}{{Viewer, Viewer, true}, {Viewer, Officer, false}, {Officer, Officer, true}, {Officer, Administrator, false},
		{Administrator, Viewer, true}, {Administrator, Administrator, true}, {"", Viewer, false}, {Administrator, "", false}} {
		if got := c.have.Allows(c.need); got != c.ok {
			t.Errorf("%q allows %q: %v", c.have, c.need, got)
		}
	}
	if _, err := ParseRole("owner"); !errors.Is(err, ErrBadRole) {
		t.Errorf("unknown role: %v", err)
	}
	v, err := f.a.CreateWithRole(ctx, audit.CommandLine, "viewer@example.org", pw, Viewer)
	if err != nil || v.Role != Viewer {
		t.Fatalf("viewer: %+v %v", v, err)
	}
	if _, err := f.a.CreateWithRole(ctx, audit.CommandLine, "x@example.org", pw, "owner"); !errors.Is(err, ErrBadRole) {
		t.Fatalf("bad role: %v", err)
	}
}

func TestInvitationIsSingleUseExpiresAndOnlyItsHashIsStored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newTeam(t)
	ad, err := f.a.Invite(ctx, boss, "New.Colleague@example.org", Officer)
	if err != nil || ad.Status() != StatusInvited || ad.Role != Officer {
		t.Fatalf("invite: %+v %v", ad, err)
	}
	if _, err := f.a.Invite(ctx, boss, "boss@example.org", Viewer); !errors.Is(err, ErrExists) {
		t.Fatalf("inviting a member: %v", err)
	}
	tok := f.lastLink(t, "New.Colleague@example.org")
	// Only the hash is stored.
	var docs []bson.M
	cur, err := f.a.links.Find(ctx, bson.D{})
	if err != nil || cur.All(ctx, &docs) != nil || len(docs) != 1 {
		t.Fatalf("links: %v %v", docs, err)
	}
	if docs[0]["_id"] != token.Hash(tok) || strings.Contains(strings.ToLower(bsonString(docs[0])), strings.ToLower(tok)) {
		t.Fatalf("stored link holds the token: %v", docs[0])
	}
	// An invited account cannot sign in yet.
	if _, err := f.a.Authenticate(ctx, audit.Actor{}, "new.colleague@example.org", ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("invited signs in: %v", err)
	}
	now := time.Now()
	if who, err := f.a.Invitation(ctx, tok, now); err != nil || who.ID != "new.colleague@example.org" {
		t.Fatalf("invitation: %+v %v", who, err)
	}
	if _, err := f.a.Accept(ctx, audit.Actor{}, tok, "short", now); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("weak password: %v", err)
	}
	if _, err := f.a.Accept(ctx, audit.Actor{}, tok, pw, now.Add(InvitationLasts+time.Minute)); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("expired invitation: %v", err)
	}
	if _, err := f.a.Accept(ctx, audit.Actor{IP: "192.0.2.9"}, tok, pw, now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Accept(ctx, audit.Actor{}, tok, "another long password", now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("second use: %v", err)
	}
	if _, err := f.a.Authenticate(ctx, audit.Actor{}, "new.colleague@example.org", pw); err != nil {
		t.Fatalf("sign-in after accepting: %v", err)
	}
	for _, bad := range []string{"", "not-a-token", strings.Repeat("A", 22)} {
		if _, err := f.a.Invitation(ctx, bad, now); !errors.Is(err, ErrLinkInvalid) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	expectAudit(t, f.log, audit.ActionAdminInvited, audit.ActionInvitationAccepted)
}

func TestDeactivationEndsSessionsAndLastAdministratorStays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newTeam(t)
	b, _ := f.a.Get(ctx, "boss@example.org")
	if _, err := f.a.Session(ctx, b.ID, b.Sessions); err != nil {
		t.Fatal(err)
	}
	// The only administrator cannot be demoted, nor deactivated (by anyone).
	if err := f.a.SetRole(ctx, boss, "boss@example.org", Officer); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("demote last: %v", err)
	}
	if err := f.a.Deactivate(ctx, audit.CommandLine, "boss@example.org"); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("deactivate last: %v", err)
	}
	if err := f.a.Deactivate(ctx, boss, "boss@example.org"); !errors.Is(err, ErrDeactivateYourself) {
		t.Fatalf("deactivate yourself: %v", err)
	}
	if err := f.a.SetRole(ctx, boss, "nobody@example.org", Officer); !errors.Is(err, ErrNoSuchAdmin) {
		t.Fatalf("unknown: %v", err)
	}
	o, err := f.a.CreateWithRole(ctx, boss, "officer@example.org", pw, Officer)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.a.Deactivate(ctx, boss, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Session(ctx, o.ID, o.Sessions); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("session of a deactivated account: %v", err)
	}
	if _, err := f.a.Authenticate(ctx, audit.Actor{}, o.ID, pw); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("deactivated signs in: %v", err)
	}
	if err := f.a.Reactivate(ctx, boss, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Session(ctx, o.ID, o.Sessions); !errors.Is(err, ErrSessionEnded) {
		t.Fatal("reactivating brought an old session back")
	}
	if _, err := f.a.Authenticate(ctx, audit.Actor{}, o.ID, pw); err != nil {
		t.Fatalf("reactivated: %v", err)
	}
	// With a second administrator, the first can be demoted; then the second is the last.
	if err := f.a.SetRole(ctx, boss, o.ID, Administrator); err != nil {
		t.Fatal(err)
	}
	if err := f.a.SetRole(ctx, boss, "boss@example.org", Viewer); err != nil {
		t.Fatal(err)
	}
	if err := f.a.Deactivate(ctx, boss, o.ID); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("deactivate the new last: %v", err)
	}
	if err := f.a.SetRole(ctx, boss, o.ID, Viewer); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("demote the new last: %v", err)
	}
	team, err := f.a.List(ctx)
	if err != nil || len(team) != 2 || team[0].Role != Viewer || team[1].Role != Administrator {
		t.Fatalf("team: %+v %v", team, err)
	}
	expectAudit(t, f.log, audit.ActionRoleChanged, audit.ActionDeactivated, audit.ActionReactivated)
}

func TestResetLinksAndSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newTeam(t)
	now := time.Now()
	before, _ := f.a.Get(ctx, "boss@example.org")
	// Unknown and malformed addresses are answered the same and email nothing.
	for _, e := range []string{"nobody@example.org", "not an email"} {
		if err := f.a.AskReset(ctx, audit.Actor{}, e, now); err != nil {
			t.Fatal(err)
		}
	}
	if msgs, _ := f.mail.Recent(ctx, 10); len(msgs) != 0 {
		t.Fatalf("emailed an unknown address: %+v", msgs)
	}
	if err := f.a.AskReset(ctx, audit.Actor{}, "BOSS@example.org", now); err != nil {
		t.Fatal(err)
	}
	tok := f.lastLink(t, "boss@example.org")
	if _, err := f.a.Invitation(ctx, tok, now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("a reset link used as an invitation: %v", err)
	}
	if _, err := f.a.Reset(ctx, audit.Actor{}, tok, "a new long password", now.Add(ResetLasts+time.Second)); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("expired reset: %v", err)
	}
	if _, err := f.a.ResetLink(ctx, tok, now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Reset(ctx, audit.Actor{}, tok, "a new long password", now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Reset(ctx, audit.Actor{}, tok, "a third long password", now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("second use: %v", err)
	}
	if _, err := f.a.Session(ctx, before.ID, before.Sessions); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("old session after a reset: %v", err)
	}
	if _, err := f.a.Authenticate(ctx, audit.Actor{}, "boss@example.org", pw); !errors.Is(err, ErrBadCredentials) {
		t.Fatal("old password still works")
	}
	if _, err := f.a.Authenticate(ctx, audit.Actor{}, "boss@example.org", "a new long password"); err != nil {
		t.Fatal(err)
	}
	expectAudit(t, f.log, audit.ActionResetAsked, audit.ActionPasswordReset)
}

func TestTwoFactorCodesCountOnceAndRecoveryCodesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newTeam(t)
	id := "boss@example.org"
	if _, _, err := f.a.ConfirmTwoFactor(ctx, boss, id, "123456", "", time.Now()); !errors.Is(err, ErrNoSetUpBegun) {
		t.Fatalf("confirm before begin: %v", err)
	}
	setup, err := f.a.BeginTwoFactor(ctx, id)
	if err != nil || setup.Secret == "" || !strings.HasPrefix(setup.URI, "otpauth://totp/") || !strings.Contains(setup.URI, "secret="+setup.Secret) {
		t.Fatalf("begin: %+v %v", setup, err)
	}
	if again, err := f.a.PendingTwoFactor(ctx, id); err != nil || again != setup {
		t.Fatalf("pending: %+v %v", again, err)
	}
	now := time.Now()
	if _, _, err := f.a.ConfirmTwoFactor(ctx, boss, id, "000000", "", now); !problem.Is(err, problem.Invalid) {
		t.Fatalf("wrong code: %v", err)
	}
	code, err := totp.GenerateCode(setup.Secret, now)
	if err != nil {
		t.Fatal(err)
	}
	codes, _, err := f.a.ConfirmTwoFactor(ctx, boss, id, code, "", now)
	if err != nil || len(codes) != RecoveryCodes {
		t.Fatalf("confirm: %v %v", codes, err)
	}
	ad, _ := f.a.Get(ctx, id)
	if !ad.TwoFactor() || ad.TOTPPending != "" {
		t.Fatalf("after confirm: %+v", ad)
	}
	// The code used to confirm cannot sign in: its step is spent.
	if _, err := f.a.SecondFactor(ctx, boss, id, code, now); !errors.Is(err, ErrBadCode) {
		t.Fatalf("confirming code reused: %v", err)
	}
	next := now.Add(30 * time.Second)
	code2, _ := totp.GenerateCode(setup.Secret, next)
	if _, err := f.a.SecondFactor(ctx, boss, id, code2, next); err != nil {
		t.Fatalf("next step: %v", err)
	}
	if _, err := f.a.SecondFactor(ctx, boss, id, code2, next); !errors.Is(err, ErrBadCode) {
		t.Fatalf("same step twice: %v", err)
	}
	// Recovery codes are stored as hashes and each works once.
	var stored []bson.M
	cur, _ := f.a.recovery.Find(ctx, bson.D{})
	if err := cur.All(ctx, &stored); err != nil || len(stored) != RecoveryCodes {
		t.Fatalf("stored codes: %v %v", stored, err)
	}
	for _, d := range stored {
		for _, c := range codes {
			if strings.Contains(bsonString(d), c) {
				t.Fatalf("recovery code stored as is: %v", d)
			}
		}
	}
	if _, err := f.a.SecondFactor(ctx, boss, id, strings.ToUpper(codes[3][:5])+"-"+codes[3][5:], next); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	if _, err := f.a.SecondFactor(ctx, boss, id, codes[3], next); !errors.Is(err, ErrBadCode) {
		t.Fatalf("recovery code twice: %v", err)
	}
	if n, _ := f.a.RecoveryCodesLeft(ctx, id); n != RecoveryCodes-1 {
		t.Fatalf("codes left: %d", n)
	}
	if _, err := f.a.SecondFactor(ctx, boss, id, "abcdefghjk", next); !errors.Is(err, ErrBadCode) {
		t.Fatalf("made-up recovery code: %v", err)
	}
	expectAudit(t, f.log, audit.ActionTwoFactorSetUp, audit.ActionTwoFactorFailed, audit.ActionSignIn)
	// A password sign-in of a two-factor account says a code is still to come.
	if _, err := f.a.Authenticate(ctx, audit.Actor{}, id, pw); err != nil {
		t.Fatal(err)
	}
	expectAudit(t, f.log, audit.ActionPasswordAccepted)
	// An administrator turns it off for a member who lost phone and codes: their
	// sessions end, and a password alone signs in again.
	if err := f.a.TurnOffTwoFactor(ctx, audit.CommandLine, id); err != nil {
		t.Fatal(err)
	}
	off, _ := f.a.Get(ctx, id)
	if off.TwoFactor() || off.Sessions != ad.Sessions+1 {
		t.Fatalf("after turning off: %+v", off)
	}
	if n, _ := f.a.RecoveryCodesLeft(ctx, id); n != 0 {
		t.Fatalf("recovery codes kept: %d", n)
	}
	expectAudit(t, f.log, audit.ActionTwoFactorOff)
}

func bsonString(d bson.M) string {
	var b strings.Builder
	for k, v := range d {
		b.WriteString(k)
		if s, ok := v.(string); ok {
			b.WriteString("=" + s + ";")
		}
	}
	return b.String()
}

// expectAudit fails unless the log holds each action.
func expectAudit(t *testing.T, log *audit.Log, actions ...string) {
	t.Helper()
	got, err := log.Recent(context.Background(), 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range actions {
		found := false
		for _, e := range got {
			found = found || e.Action == want
		}
		if !found {
			t.Errorf("no %s in the audit log", want)
		}
	}
}

// TestOnlyTheNewestLinkWorks: a newer link of a kind, using a link, a password set, or a
// deactivation or reactivation leaves no older link of the account working.
func TestOnlyTheNewestLinkWorks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newTeam(t)
	now := time.Now()
	const boss2 = "boss@example.org"
	// Two resets: the newer is used, and the older no longer sets a password.
	if err := f.a.AskReset(ctx, audit.Actor{}, boss2, now); err != nil {
		t.Fatal(err)
	}
	older := f.lastLink(t, boss2)
	if err := f.a.AskReset(ctx, audit.Actor{}, boss2, now); err != nil {
		t.Fatal(err)
	}
	newer := f.lastLink(t, boss2)
	if older == newer {
		t.Fatal("the same link twice")
	}
	if _, err := f.a.ResetLink(ctx, older, now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("an older reset link after a newer was sent: %v", err)
	}
	if _, err := f.a.Reset(ctx, audit.Actor{}, newer, "a new long password", now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Reset(ctx, audit.Actor{}, older, "an attacker's password", now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("an older reset link after the newer was used: %v", err)
	}
	// A reset link sent before a deactivation works neither then nor after reactivation.
	if _, err := f.a.Create(ctx, audit.CommandLine, "second@example.org", pw); err != nil {
		t.Fatal(err)
	}
	if err := f.a.AskReset(ctx, audit.Actor{}, "second@example.org", now); err != nil {
		t.Fatal(err)
	}
	before := f.lastLink(t, "second@example.org")
	if err := f.a.Deactivate(ctx, boss, "second@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := f.a.Reactivate(ctx, boss, "second@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Reset(ctx, audit.Actor{}, before, "an attacker's password", now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("a reset link from before a deactivation: %v", err)
	}
	// Inviting again: only the newest invitation sets the password.
	if _, err := f.a.Invite(ctx, boss, "new@example.org", Viewer); err != nil {
		t.Fatal(err)
	}
	first := f.lastLink(t, "new@example.org")
	if _, err := f.a.Invite(ctx, boss, "new@example.org", Officer); err != nil {
		t.Fatal(err)
	}
	second := f.lastLink(t, "new@example.org")
	if _, err := f.a.Invitation(ctx, first, now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("the first invitation after inviting again: %v", err)
	}
	if _, err := f.a.Accept(ctx, audit.Actor{}, first, "an attacker's password", now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("the first invitation accepted: %v", err)
	}
	if _, err := f.a.Accept(ctx, audit.Actor{}, second, pw, now); err != nil {
		t.Fatal(err)
	}
	// An invitation sent before a deactivation is dead after reactivation too.
	if _, err := f.a.Invite(ctx, boss, "later@example.org", Viewer); err != nil {
		t.Fatal(err)
	}
	invited := f.lastLink(t, "later@example.org")
	if err := f.a.Deactivate(ctx, boss, "later@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := f.a.Reactivate(ctx, boss, "later@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Accept(ctx, audit.Actor{}, invited, "an attacker's password", now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("an invitation from before a deactivation: %v", err)
	}
}

// TestReplacingTwoFactorNeedsThePasswordAndEndsSessions: with two-factor on, a new secret
// replaces it only with the current password, and then the account's sessions end.
func TestReplacingTwoFactorNeedsThePasswordAndEndsSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newTeam(t)
	id := "boss@example.org"
	now := time.Now()
	setup, err := f.a.BeginTwoFactor(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(setup.Secret, now)
	// Turning it on the first time needs no password: the member is signed in with it.
	first, _, err := f.a.ConfirmTwoFactor(ctx, boss, id, code, "", now)
	if err != nil {
		t.Fatal(err)
	}
	on, _ := f.a.Get(ctx, id)
	replacement, err := f.a.BeginTwoFactor(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(30 * time.Second)
	code, _ = totp.GenerateCode(replacement.Secret, later)
	for _, wrong := range []string{"", "not the password"} {
		if _, _, err := f.a.ConfirmTwoFactor(ctx, boss, id, code, wrong, later); !errors.Is(err, ErrCurrentPassword) {
			t.Fatalf("replaced with password %q: %v", wrong, err)
		}
	}
	if ad, _ := f.a.Get(ctx, id); ad.TOTPSecret != on.TOTPSecret || ad.Sessions != on.Sessions {
		t.Fatalf("a refused replacement changed the account: %+v", ad)
	}
	if _, err := f.a.SecondFactor(ctx, boss, id, first[0], later); err != nil {
		t.Fatalf("a recovery code after a refused replacement: %v", err)
	}
	codes, ad, err := f.a.ConfirmTwoFactor(ctx, boss, id, code, pw, later)
	if err != nil || len(codes) != RecoveryCodes {
		t.Fatalf("replace with the password: %v %v", codes, err)
	}
	if ad.TOTPSecret != replacement.Secret || ad.Sessions != on.Sessions+1 {
		t.Fatalf("after replacing: %+v", ad)
	}
	if _, err := f.a.Session(ctx, id, on.Sessions); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("a session from before the replacement: %v", err)
	}
	if _, err := f.a.Session(ctx, id, ad.Sessions); err != nil {
		t.Fatalf("the new generation: %v", err)
	}
	if _, err := f.a.SecondFactor(ctx, boss, id, first[1], later); !errors.Is(err, ErrBadCode) {
		t.Fatalf("an old recovery code after replacing: %v", err)
	}
	expectAudit(t, f.log, audit.ActionTwoFactorFailed, audit.ActionTwoFactorSetUp)
}
