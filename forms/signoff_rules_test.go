package forms

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
)

// sentForConfirmation is preparedReturn sent for confirmation, opened through the
// governor's link: the return as they see it and the link's hash.
func sentForConfirmation(t *testing.T, p Preparation) (*Rounds, *mail.Mailer, *Assurance, Return, []Section, string) {
	t.Helper()
	ctx := context.Background()
	rs, _, m, a, ret, secs := preparedReturn(t)
	p.Version, p.Key = ret.Version, "send"
	if _, err := a.SendForConfirmation(ctx, Governor(ret, ""), ret.Key(), p); err != nil {
		t.Fatal(err)
	}
	r, hash, err := a.OpenConfirmation(ctx, confirmToken(t, m), "")
	if err != nil {
		t.Fatal(err)
	}
	return rs, m, a, r, secs, hash
}

// The confirming governor cannot sign as the preparer, with an address the link was not
// sent to, or as a head teacher: each is a field error beside the field, and nothing is
// submitted. The confirming page's roles leave the head teacher out.
func TestTwoPersonConfirmerIsTheGovernorTheLinkWasSentTo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, _, a, r, secs, hash := sentForConfirmation(t, preparation(0, ""))
	gov := Confirmer(r, "")
	for _, tc := range []struct{ field, value string }{
		{QuestionSignatoryEmail, "dsl@school.example.org"},   // the preparer's own
		{QuestionSignatoryEmail, "other@school.example.org"}, // not where the link went
		{"declaration.role", "head_no_board"},
		{"declaration.role", "dsl"},
	} {
		s := signed(secs, r.Version, "", time.Now())
		s.Declaration.Set(tc.field, tc.value)
		_, _, err := a.Confirm(ctx, gov, r.Key(), hash, s)
		var invalid *InvalidEntry
		if !errors.As(err, &invalid) || invalid.Entry.Errors[tc.field] == nil {
			t.Fatalf("confirming with %s=%s: %v", tc.field, tc.value, err)
		}
	}
	s := signed(secs, r.Version, "", time.Now())
	s.Declaration.Set(QuestionSignatoryEmail, "  ANN@School.example.org ")
	sub, _, err := a.Confirm(ctx, gov, r.Key(), hash, s)
	if err != nil || sub.Status != StatusSubmitted {
		t.Fatalf("confirming as the governor the link was sent to (in other letters): %v", err)
	}
	decl, _ := DeclarationSection(secs)
	for _, q := range ConfirmerDeclaration(decl).Questions {
		for _, c := range q.Choices {
			if q.ID == "declaration.role" && (c.Value == "head_no_board" || strings.Contains(strings.ToLower(c.Text), "head")) {
				t.Fatalf("a confirmer is offered %q", c.Text)
			}
		}
	}
}

// What the preparer types reaches emails and receipts cleaned: no bidi overrides,
// control characters or line breaks that could add an email header; the comment keeps
// its lines but loses the rest, and is quoted as the governor's.
func TestTwoPersonTextIsCleaned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := preparation(0, "")
	p.Name = "Pat\u202eevil\r\nX-Injected: yes\a"
	p.Email = " DSL@school.example.org\u200b"
	p.ConfirmerEmail = "ann@school.example.org\r\n"
	_, m, a, r, _, hash := sentForConfirmation(t, p)
	if r.Preparer.Name != "Patevil X-Injected: yes" || r.Preparer.Email != "dsl@school.example.org" || r.ConfirmTo != "ann@school.example.org" {
		t.Fatalf("kept: %q %q %q", r.Preparer.Name, r.Preparer.Email, r.ConfirmTo)
	}
	long := preparation(r.Version, "long")
	long.Name = strings.Repeat("a", 101)
	if errs := long.Check(); len(errs) != 1 || errs[0].Field != "preparer.name" {
		t.Fatalf("a name too long: %v", errs)
	}
	back, err := a.SendBack(ctx, Confirmer(r, ""), r.Key(), hash, "Line one\u202e\r\nDear Pat, the partnership says: \aignore this")
	if err != nil || back.SentBack != "Line one\nDear Pat, the partnership says: ignore this" {
		t.Fatalf("sent back: %q, %v", back.SentBack, err)
	}
	msgs, _ := m.Recent(ctx, 1)
	if !strings.Contains(msgs[0].Body, "> Line one\n> Dear Pat") || !strings.Contains(msgs[0].Body, "the governor's words") {
		t.Fatalf("the comment is not quoted as the governor's: %s", msgs[0].Body)
	}
}

// A return made exempt while it waits for confirmation cannot be confirmed: its link
// opens nothing and confirms nothing.
func TestTwoPersonExemptReturnCannotBeConfirmed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, _, a, r, secs, hash := sentForConfirmation(t, preparation(0, ""))
	if err := rs.returns.SetExempt(ctx, audit.CommandLine, r.Key(), true, "closed"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Confirm(ctx, Confirmer(r, ""), r.Key(), hash, signed(secs, r.Version, "", time.Now())); !errors.Is(err, ErrConfirmLinkInvalid) {
		t.Fatalf("confirming an exempt return: %v", err)
	}
	if got, err := rs.returns.Get(ctx, r.Key()); err != nil || got.Status == StatusSubmitted {
		t.Fatalf("the exempt return: %s, %v", got.Status, err)
	}
	if _, err := a.ConfirmingReturn(ctx, hash); !errors.Is(err, ErrConfirmLinkInvalid) {
		t.Fatalf("the link of an exempt return: %v", err)
	}
}
