package forms

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
)

// assuranceOver is the assurance service over rs, sending through m.
func assuranceOver(rs *Rounds, m *mail.Mailer) (*Assurance, *audit.Log) {
	log := audit.New(rs.st)
	return NewAssurance(rs, m, log, AssuranceConfig{Partnership: "Demo LSCP"}), log
}

// submittedReturn is school 990006's return, every section answered and submitted by its
// governor through the assurance service, with the service, its outbox and its audit log.
func submittedReturn(t *testing.T) (*Rounds, Round, *mail.Mailer, *Assurance, *audit.Log, Return) {
	t.Helper()
	rs, round := openRound(t)
	m := mail.New(rs.st, mail.SMTP{})
	a, log := assuranceOver(rs, m)
	ret, secs := completeAllButDeclaration(t, rs, round, 990006)
	sub, _, err := a.Submit(context.Background(), audit.Actor{Name: "governor:" + ret.ID}, ret.Key(), signed(secs, ret.Version, "key", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return rs, round, m, a, log, sub
}

// completeAllButDeclaration saves every section but the declaration, validly.
func completeAllButDeclaration(t *testing.T, rs *Rounds, round Round, urn int) (Return, []Section) {
	t.Helper()
	ctx := context.Background()
	ret, _ := rs.returns.Get(ctx, ReturnID{Round: round.ID, URN: urn})
	secs := round.Definition.For(ret.School.Record)
	a := serviceOver(rs)
	var err error
	for _, sec := range QuestionSections(secs) {
		if ret, err = saveFilled(ctx, a, ret, ret.Version, sec); err != nil {
			t.Fatal(err)
		}
	}
	return ret, secs
}

func auditActions(t *testing.T, log *audit.Log, target string) []string {
	t.Helper()
	var out []string
	err := log.Each(context.Background(), audit.Filter{Who: target}, 0, func(e audit.Entry) error {
		out = append([]string{e.Action + ": " + e.Detail}, out...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Submitting emails the signatory a receipt with the reference and the PDF; doing it again
// with the same key sends nothing more.
func TestSubmitEmailsReceipt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	m := mail.New(rs.st, mail.SMTP{})
	a, log := assuranceOver(rs, m)
	ret, secs := completeAllButDeclaration(t, rs, round, 990006)
	s := signed(secs, ret.Version, "key", time.Now())
	sub, _, err := a.Submit(ctx, audit.Actor{Name: "governor:" + ret.ID, IP: "192.0.2.1"}, ret.Key(), s)
	if err != nil || sub.Status != StatusSubmitted {
		t.Fatalf("submit: %v", err)
	}
	if _, _, err := a.Submit(ctx, audit.Actor{Name: "governor:" + ret.ID}, ret.Key(), s); err != nil {
		t.Fatalf("the same submit again: %v", err)
	}
	msgs, _ := m.Recent(ctx, 10)
	if len(msgs) != 1 || msgs[0].To != "ann@school.example.org" || !strings.Contains(msgs[0].Body, sub.Reference) ||
		!strings.Contains(msgs[0].Subject, sub.Reference) || len(msgs[0].Files) != 1 || msgs[0].About != ret.ID {
		t.Fatalf("receipt email: %+v", msgs)
	}
	files, _ := m.Attachments(ctx, msgs[0].ID)
	if len(files) != 1 || files[0].ContentType != "application/pdf" || !strings.HasPrefix(string(files[0].Data), "%PDF") ||
		files[0].Name != ReceiptFile(sub) {
		t.Fatalf("attachment: %+v", files)
	}
	got := strings.Join(auditActions(t, log, ret.ID), "\n")
	if !strings.Contains(got, audit.ActionSubmitted+": reference "+sub.Reference) || !strings.Contains(got, audit.ActionEmailed+": receipt to ann@school.example.org") ||
		strings.Count(got, audit.ActionSubmitted) != 1 {
		t.Fatalf("audit:\n%s", got)
	}
}

// A mail server that cannot be reached does not lose the submission: it stands, and the
// failure is in the outbox and the audit log.
func TestReceiptFailureKeepsSubmission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close() // nothing listens there now
	m := mail.New(rs.st, mail.SMTP{Host: "127.0.0.1", Port: port, From: "assure@example.org", TLS: "none"})
	a, log := assuranceOver(rs, m)
	ret, secs := completeAllButDeclaration(t, rs, round, 990006)
	sub, _, err := a.Submit(ctx, audit.Actor{Name: "governor:" + ret.ID}, ret.Key(), signed(secs, ret.Version, "key", time.Now()))
	if err != nil || sub.Status != StatusSubmitted || !ValidReference(sub.Reference) {
		t.Fatalf("submit with mail down: %v %s", err, sub.Status)
	}
	if stored, _ := rs.returns.Get(ctx, ReturnID{Round: round.ID, URN: 990006}); stored.Status != StatusSubmitted {
		t.Fatalf("stored status %s", stored.Status)
	}
	msgs, _ := m.Recent(ctx, 1)
	if len(msgs) != 1 || msgs[0].Status != mail.StatusFailed {
		t.Fatalf("outbox: %+v", msgs)
	}
	if got := strings.Join(auditActions(t, log, ret.ID), "\n"); !strings.Contains(got, audit.ActionEmailFailed+": receipt to ann@school.example.org") {
		t.Fatalf("audit:\n%s", got)
	}
}

// Reopening tells the school's contact and the last signatory why, once each, and the
// declaration must be confirmed afresh.
func TestReopenEmailsContactAndSignatory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round, m, a, log, ret := submittedReturn(t)
	if err := rs.returns.SetContactEmail(ctx, audit.CommandLine, ReturnID{Round: round.ID, URN: 990006}, "office@school.example.org"); err != nil {
		t.Fatal(err)
	}
	re, err := a.Reopen(ctx, audit.Actor{Name: "officer@lscp.example", IP: "192.0.2.9"}, ret.Key(), "The DSL training date is in the future")
	if err != nil || re.Status != StatusReopened {
		t.Fatalf("reopen: %v", err)
	}
	if re.AnswerMap()["declaration.statement"].Value != "" || re.AnswerMap()["declaration.name"].Value == "" || re.Editable() == false {
		t.Fatalf("declaration after reopening: %+v", re.AnswerMap())
	}
	for _, c := range re.Completed {
		if c == "declaration" {
			t.Fatal("declaration still complete after reopening")
		}
	}
	msgs, _ := m.Recent(ctx, 10)
	to := map[string]bool{}
	for _, msg := range msgs {
		if msg.Purpose == "reopened" {
			to[msg.To] = true
			if !strings.Contains(msg.Body, "The DSL training date is in the future") {
				t.Errorf("no reason in %q", msg.Body)
			}
		}
	}
	if len(to) != 2 || !to["office@school.example.org"] || !to["ann@school.example.org"] {
		t.Fatalf("reopening emailed %v", to)
	}
	got := strings.Join(auditActions(t, log, ret.ID), "\n")
	if !strings.Contains(got, audit.ActionReopened+": The DSL training date") || strings.Count(got, audit.ActionEmailed+": reopening to") != 2 {
		t.Fatalf("audit:\n%s", got)
	}
	// Reopening what is not submitted does nothing more.
	if _, err := a.Reopen(ctx, audit.Actor{Name: "officer@lscp.example"}, ret.Key(), "again"); !errors.Is(err, ErrRoundState) {
		t.Fatalf("reopen twice: %v", err)
	}
}

// Racing submits with one key (a double click, a resent request) all get the one
// submission; none gets an error.
func TestRacingSubmitsWithOneKeyAllSucceed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	a, _ := assuranceOver(rs, mail.New(rs.st, mail.SMTP{}))
	ret, secs := completeAllButDeclaration(t, rs, round, 990007)
	s := signed(secs, ret.Version, "same-click", time.Now())
	var wg sync.WaitGroup
	refs, errs := make([]string, 8), make([]error, 8)
	for i := range refs {
		wg.Go(func() {
			r, _, err := a.Submit(ctx, audit.Actor{Name: "governor:" + ret.ID}, ret.Key(), s)
			refs[i], errs[i] = r.Reference, err
		})
	}
	wg.Wait()
	for i := range refs {
		if errs[i] != nil || refs[i] != refs[0] || refs[i] == "" {
			t.Fatalf("submit %d: %q %v (first %q)", i, refs[i], errs[i], refs[0])
		}
	}
}

// The receipt emailed to a signatory carries the answers (its PDF): when the round's
// retention ends, the outbox's copies lose their body, attachments and addressee with the
// answers, and the purge is audited by the domain.
func TestPurgeForgetsReceiptEmails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, _, m, a, log, ret := submittedReturn(t)
	other, err := m.Send(ctx, "someone@example.org", "Not about a return", "kept", "test", "2024-25x")
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.Close(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	reps, err := a.PurgeDue(ctx, "2031-12-13")
	if err != nil || len(reps) != 1 || reps[0].Emails != 1 {
		t.Fatalf("purge: %+v %v", reps, err)
	}
	msgs, _ := m.About(ctx, ret.ID, PurposeReceipt)
	if len(msgs) != 1 || msgs[0].Body == "" || strings.Contains(msgs[0].Body, "ann@") || msgs[0].To != "" || len(msgs[0].Files) != 0 {
		t.Fatalf("receipt email after the purge: %+v", msgs)
	}
	if files, _ := m.Attachments(ctx, msgs[0].ID); len(files) != 0 {
		t.Fatalf("attachments after the purge: %d", len(files))
	}
	if kept, _ := m.Recent(ctx, 10); !slices.ContainsFunc(kept, func(x mail.Message) bool { return x.ID == other.ID && x.Body == "kept" }) {
		t.Fatal("an email about something else was changed")
	}
	if got := strings.Join(auditActions(t, log, "2024-25"), "\n"); !strings.Contains(got, audit.ActionReturnsPurged) {
		t.Fatalf("purge not audited:\n%s", got)
	}
}

// A return of a closed round cannot be reopened: its link only says the round is closed,
// so the governor could not amend it, and nobody is emailed to try.
func TestReopenRefusedOnAClosedRound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round, m, a, _, ret := submittedReturn(t)
	if err := rs.Close(ctx, audit.CommandLine, round.ID); err != nil {
		t.Fatal(err)
	}
	before, _ := m.Recent(ctx, 10)
	if _, err := a.Reopen(ctx, audit.Actor{Name: "officer@lscp.example"}, ret.Key(), "A late correction"); !errors.Is(err, ErrRoundNotOpen) {
		t.Fatalf("reopening on a closed round: %v", err)
	}
	if got, _ := rs.returns.Get(ctx, ReturnID{Round: round.ID, URN: 990006}); got.Status != StatusSubmitted {
		t.Fatalf("status after a refused reopening: %s", got.Status)
	}
	if after, _ := m.Recent(ctx, 10); len(after) != len(before) {
		t.Fatalf("a refused reopening sent %d emails", len(after)-len(before))
	}
}

// SaveSection reads what was typed and decides for itself: a "Save and continue" with an
// answer missing keeps what is well formed, is not complete and says which field is
// wrong; the declaration is not a section to save; a closed round takes nothing. Each
// save is audited as the governor.
func TestSaveSectionDecidesCompletionFromWhatWasTyped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	a, log := assuranceOver(rs, mail.New(rs.st, mail.SMTP{}))
	ret, _ := rs.returns.Get(ctx, ReturnID{Round: round.ID, URN: 990006})
	sec := QuestionSections(round.Sections(ret))[0]
	values := SectionValues(sec, fillSection(sec))
	values.Del(Field(sec.Questions[0].ID, ""))
	who := Governor(ret, "192.0.2.9")
	saved, e, err := a.SaveSection(ctx, who, ret.Key(), ret.Version, sec.ID, values, SaveAndContinue)
	var invalid *InvalidEntry
	if !errors.As(err, &invalid) || len(invalid.Fields()) != 1 || invalid.Fields()[0].Field != sec.Questions[0].ID {
		t.Fatalf("missing answer: %v", err)
	}
	if slices.Contains(saved.Completed, sec.ID) || saved.Version != ret.Version+1 || len(e.Answers) == 0 {
		t.Fatalf("saved %v (version %d), typed %v", saved.Completed, saved.Version, e.Answers)
	}
	if saved, _, err = a.SaveSection(ctx, who, ret.Key(), saved.Version, sec.ID, SectionValues(sec, fillSection(sec)), SaveAndContinue); err != nil || !slices.Contains(saved.Completed, sec.ID) {
		t.Fatalf("complete: %v %v", saved.Completed, err)
	}
	decl, _ := DeclarationSection(round.Sections(ret))
	if _, _, err := a.SaveSection(ctx, who, ret.Key(), saved.Version, decl.ID, SectionValues(decl, fillSection(decl)), SaveAndContinue); !errors.Is(err, ErrSectionNotFound) {
		t.Fatalf("the declaration saved as a section: %v", err)
	}
	if got := auditActions(t, log, who.Name); len(got) != 2 || !strings.HasPrefix(got[0], "return-section-saved: "+sec.ID) {
		t.Fatalf("audited %v", got)
	}
	if err := rs.Close(ctx, audit.CommandLine, round.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.SaveSection(ctx, who, ret.Key(), saved.Version, sec.ID, values, SaveForLater); !errors.Is(err, ErrNotEditable) {
		t.Fatalf("saved in a closed round: %v", err)
	}
}
