package forms

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/problem"
)

// preparedReturn is school 990006's return in a two-person round, every section but the
// declaration completed through the school's link, with the service and its outbox.
func preparedReturn(t *testing.T) (*Rounds, Round, *mail.Mailer, *Assurance, Return, []Section) {
	t.Helper()
	rs, round := openRoundAs(t, NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2024-12-13", TwoPerson: true})
	if !round.TwoPerson {
		t.Fatal("the round does not keep its two-person setting")
	}
	m := mail.New(rs.st, mail.SMTP{})
	a := NewAssurance(rs, m, audit.New(rs.st), AssuranceConfig{Partnership: "Demo LSCP", PublicURL: "https://assure.example.org"})
	ret, secs := completeAllButDeclaration(t, rs, round, 990006)
	return rs, round, m, a, ret, secs
}

func preparation(version int, key string) Preparation {
	return Preparation{Version: version, Key: key, Name: "Pat Lead", Role: "dsl", Email: "dsl@school.example.org",
		ConfirmerEmail: "ann@school.example.org", At: time.Now()}
}

// confirmToken is the token of the last confirmation link emailed to the governor.
func confirmToken(t *testing.T, m *mail.Mailer) string {
	t.Helper()
	msgs, _ := m.Recent(context.Background(), 50)
	for _, msg := range msgs { // newest first
		if msg.Purpose != PurposeConfirmation {
			continue
		}
		i := strings.Index(msg.Body, "https://assure.example.org/confirm/")
		if i < 0 {
			t.Fatalf("confirmation email without its link: %s", msg.Body)
		}
		tok := msg.Body[i+len("https://assure.example.org/confirm/"):]
		return tok[:strings.IndexByte(tok, '\n')]
	}
	t.Fatal("no confirmation email")
	return ""
}

// The preparer sends the return; it cannot then be changed or submitted through the
// school's link; the governor opens their link, confirms, and the return is submitted
// with both people on it, its version and the receipts. Confirming again is the same
// confirmation, and the used link opens nothing.
func TestTwoPersonSignOffPreparedThenConfirmed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round, m, a, ret, secs := preparedReturn(t)
	preparer := Governor(ret, "192.0.2.1")
	if _, _, err := a.Submit(ctx, preparer, ret.Key(), signed(secs, ret.Version, "key", time.Now())); !errors.Is(err, ErrNeedsConfirmation) {
		t.Fatalf("a school's own submission in a two-person round: %v", err)
	}
	bad := preparation(ret.Version, "send")
	bad.ConfirmerEmail = "DSL@school.example.org"
	bad.Role = "caretaker"
	var fields problem.FieldErrors
	if _, err := a.SendForConfirmation(ctx, preparer, ret.Key(), bad); !errors.As(err, &fields) || len(fields) != 2 {
		t.Fatalf("a bad preparation: %v", err)
	}
	sent, err := a.SendForConfirmation(ctx, preparer, ret.Key(), preparation(ret.Version, "send"))
	if err != nil || sent.Status != StatusAwaitingConfirmation || sent.Preparer == nil || sent.Preparer.Role != "Designated safeguarding lead" {
		t.Fatalf("sent: %+v, %v", sent, err)
	}
	// A double click sends nothing more.
	if again, err := a.SendForConfirmation(ctx, preparer, ret.Key(), preparation(ret.Version, "send")); err != nil || again.Version != sent.Version {
		t.Fatalf("sending twice: %v", err)
	}
	tok := confirmToken(t, m)
	if msgs, _ := m.Recent(ctx, 50); len(msgs) != 1 || msgs[0].To != "ann@school.example.org" || !strings.Contains(msgs[0].Body, "Pat Lead") {
		t.Fatalf("confirmation requests: %+v", msgs)
	}
	if _, _, err := a.SaveSection(ctx, preparer, ret.Key(), sent.Version, secs[1].ID, SectionValues(secs[1], fillSection(secs[1])), SaveAndContinue); !errors.Is(err, ErrNotEditable) {
		t.Fatalf("saving while it waits for confirmation: %v", err)
	}
	opened, hash, err := a.OpenConfirmation(ctx, tok, "192.0.2.9")
	if err != nil || opened.ID != ret.ID || hash == "" {
		t.Fatalf("opening the confirmation link: %v", err)
	}
	if _, _, err := a.OpenConfirmation(ctx, "not-a-token", ""); !errors.Is(err, ErrConfirmLinkInvalid) {
		t.Fatalf("a made-up link: %v", err)
	}
	gov := Confirmer(opened, "192.0.2.9")
	decl := signed(secs, opened.Version, "", time.Now())
	sub, _, err := a.Confirm(ctx, gov, ret.Key(), hash, decl)
	if err != nil || sub.Status != StatusSubmitted || sub.Confirmer == nil || sub.Confirmer.Email != "ann@school.example.org" ||
		sub.Confirmer.Role == "" || sub.Preparer == nil || sub.Preparer.Name != "Pat Lead" {
		t.Fatalf("confirmed: %+v, %v", sub, err)
	}
	again, _, err := a.Confirm(ctx, gov, ret.Key(), hash, decl)
	if err != nil || again.Reference != sub.Reference || again.Submissions != 1 {
		t.Fatalf("confirming twice: %s vs %s, %v", again.Reference, sub.Reference, err)
	}
	if _, _, err := a.OpenConfirmation(ctx, tok, ""); !errors.Is(err, ErrConfirmLinkInvalid) {
		t.Fatalf("a used link: %v", err)
	}
	if r, err := a.ConfirmingReturn(ctx, hash); err != nil || r.Reference != sub.Reference {
		t.Fatalf("the confirming governor's session still finds the confirmation: %v", err)
	}
	versions, err := rs.returns.Versions(ctx, sub)
	if err != nil || len(versions) != 1 || versions[0].Preparer == nil || versions[0].Confirmer == nil || versions[0].Confirmer.Name != sub.Confirmer.Name {
		t.Fatalf("versions: %+v, %v", versions, err)
	}
	var receipts []string
	msgs, _ := m.Recent(ctx, 50)
	for _, msg := range msgs {
		if msg.Purpose == PurposeReceipt {
			receipts = append(receipts, msg.To)
			if !strings.Contains(msg.Body, "Prepared by Pat Lead, Designated safeguarding lead") || !strings.Contains(msg.Body, "Confirmed by "+sub.Confirmer.Name) {
				t.Errorf("receipt to %s does not name both: %s", msg.To, msg.Body)
			}
		}
	}
	if strings.Join(receipts, ",") != "dsl@school.example.org,ann@school.example.org" {
		t.Fatalf("receipts to %v", receipts)
	}
	pdf, err := ReceiptPDF("Demo LSCP", round, sub)
	if err != nil || len(pdf) == 0 {
		t.Fatalf("receipt PDF: %v", err)
	}
	if row := returnRow(sub); row.SignOff == nil || row.SignOff.PreparedBy != "Pat Lead" || row.SignOff.ConfirmedBy != sub.Confirmer.Name {
		t.Fatalf("workbook row: %+v", row.SignOff)
	}
	log := strings.Join(auditActions(t, audit.New(rs.st), ret.ID), "\n")
	for _, want := range []string{audit.ActionSentToConfirm + ": by Pat Lead (Designated safeguarding lead) to ann@school.example.org",
		"; prepared by Pat Lead, confirmed by " + sub.Confirmer.Name, "confirmation request to ann@school.example.org"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit lacks %q:\n%s", want, log)
		}
	}
	if strings.Count(log, audit.ActionSubmitted+":") != 1 {
		t.Errorf("submitted more than once:\n%s", log)
	}
}

// The governor sends the return back with a comment: the preparer can change it again,
// the comment is on the return, and the link is dead; a second sending makes a new link
// and the first stays dead.
func TestTwoPersonSentBackWithAComment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, _, m, a, ret, secs := preparedReturn(t)
	sent, err := a.SendForConfirmation(ctx, Governor(ret, ""), ret.Key(), preparation(ret.Version, "one"))
	if err != nil {
		t.Fatal(err)
	}
	first := confirmToken(t, m)
	r, hash, err := a.OpenConfirmation(ctx, first, "")
	if err != nil {
		t.Fatal(err)
	}
	gov := Confirmer(r, "")
	if _, err := a.SendBack(ctx, gov, ret.Key(), hash, "  "); !errors.Is(err, ErrSendBackComment) {
		t.Fatalf("sending back without a comment: %v", err)
	}
	back, err := a.SendBack(ctx, gov, ret.Key(), hash, "The DSL training date is wrong")
	if err != nil || back.Status != StatusInProgress || back.SentBack != "The DSL training date is wrong" || !back.Editable() {
		t.Fatalf("sent back: %+v, %v", back, err)
	}
	msgs, _ := m.Recent(ctx, 1)
	if msgs[0].To != "dsl@school.example.org" || !strings.Contains(msgs[0].Body, "The DSL training date is wrong") {
		t.Fatalf("the preparer is told: %+v", msgs[0])
	}
	if _, _, err := a.OpenConfirmation(ctx, first, ""); !errors.Is(err, ErrConfirmLinkInvalid) {
		t.Fatalf("the link of a return sent back: %v", err)
	}
	if _, _, err := a.Confirm(ctx, gov, ret.Key(), hash, signed(secs, back.Version, "", time.Now())); !errors.Is(err, ErrConfirmLinkInvalid) {
		t.Fatalf("confirming through a dead link: %v", err)
	}
	saved, err := saveFilled(ctx, a, back, back.Version, secs[2])
	if err != nil {
		t.Fatalf("the preparer changes it again: %v", err)
	}
	if _, err := a.SendForConfirmation(ctx, Governor(ret, ""), ret.Key(), preparation(saved.Version, "two")); err != nil {
		t.Fatal(err)
	}
	second := confirmToken(t, m)
	if second == first {
		t.Fatal("a second sending reused the link")
	}
	if _, _, err := a.OpenConfirmation(ctx, first, ""); !errors.Is(err, ErrConfirmLinkInvalid) {
		t.Fatalf("a stale link: %v", err)
	}
	if r, _, err := a.OpenConfirmation(ctx, second, ""); err != nil || r.SentBack != "" || r.Version <= sent.Version {
		t.Fatalf("the new link: %+v, %v", r.SentBack, err)
	}
}

// Racing confirmations through one link make one submission, and every one of them is
// given it.
func TestRacingConfirmationsMakeOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, _, m, a, ret, secs := preparedReturn(t)
	sent, err := a.SendForConfirmation(ctx, Governor(ret, ""), ret.Key(), preparation(ret.Version, "k"))
	if err != nil {
		t.Fatal(err)
	}
	_, hash, err := a.OpenConfirmation(ctx, confirmToken(t, m), "")
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]string, 5)
	var wg sync.WaitGroup
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub, _, err := a.Confirm(ctx, Confirmer(sent, ""), ret.Key(), hash, signed(secs, sent.Version, "", time.Now()))
			if err != nil {
				t.Error(err)
			}
			refs[i] = sub.Reference
		}()
	}
	wg.Wait()
	for _, ref := range refs {
		if ref != refs[0] || ref == "" {
			t.Fatalf("references %v", refs)
		}
	}
	got, _ := rs.returns.Get(ctx, ret.Key())
	if got.Submissions != 1 {
		t.Fatalf("%d submissions", got.Submissions)
	}
}

// Purging a round's answers also forgets the two people who signed its returns off, on
// the return and its version.
func TestPurgeForgetsTheSignOffPeople(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round, m, a, ret, secs := preparedReturn(t)
	sent, err := a.SendForConfirmation(ctx, Governor(ret, ""), ret.Key(), preparation(ret.Version, "k"))
	if err != nil {
		t.Fatal(err)
	}
	_, hash, err := a.OpenConfirmation(ctx, confirmToken(t, m), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Confirm(ctx, Confirmer(sent, ""), ret.Key(), hash, signed(secs, sent.Version, "", time.Now())); err != nil {
		t.Fatal(err)
	}
	if err := rs.Close(ctx, audit.CommandLine, round.ID); err != nil {
		t.Fatal(err)
	}
	if reps, err := rs.PurgeDue(ctx, "2099-01-01"); err != nil || len(reps) != 1 {
		t.Fatalf("purge: %v %v", reps, err)
	}
	got, _ := rs.returns.Get(ctx, ret.Key())
	versions, err := rs.returns.Versions(ctx, got)
	if err != nil || got.Preparer != nil || got.Confirmer != nil || got.ConfirmTo != "" || len(versions) != 1 || versions[0].Preparer != nil || versions[0].Confirmer != nil {
		t.Fatalf("after the purge: %+v %+v, versions %+v %v", got.Preparer, got.Confirmer, versions, err)
	}
}
