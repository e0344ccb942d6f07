package forms

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/internal/token"
)

// openRound makes a register of the demo county and an open round 2024-25.
func openRound(t *testing.T) (*Rounds, Round) {
	t.Helper()
	return openRoundAs(t, NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2024-12-13", GraceDays: 2})
}

// openRoundAs is a round created as in asks, opened over the demo register.
func openRoundAs(t *testing.T, in NewRoundInput) (*Rounds, Round) {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	g := NewRegister(st)
	importBytes(t, g, county.GIAS())
	rs := NewRounds(st, g)
	if _, err := rs.Create(ctx, audit.CommandLine, in); err != nil {
		t.Fatal(err)
	}
	r, err := rs.Open(ctx, audit.CommandLine, in.Year)
	if err != nil {
		t.Fatal(err)
	}
	return rs, r
}

// fillSection answers every question of a section validly.
func fillSection(sec Section) map[string]Answer {
	out := map[string]Answer{}
	for _, q := range sec.Questions {
		var a Answer
		switch q.Kind {
		case KindYesNo, KindYesPartlyNo:
			a.Value = "yes"
		case KindDate:
			a.Value = "2024-09-02"
		case KindNumber:
			a.Value = "2"
		case KindShortText, KindLongText:
			a.Value = "Ann Governor"
			if q.Format == "email" {
				a.Value = "ann@school.example.org"
			}
		case KindOneOf:
			a.Value = q.Choices[0].Value
		case KindManyOf:
			a.Values = []string{q.Choices[0].Value}
		case KindDeclaration:
			a.Value = "confirmed"
		}
		if q.ShowIf == nil {
			out[q.ID] = a
		}
	}
	return out
}

func TestRoundLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, r := openRound(t)
	if r.State != RoundOpen || r.Expected != 386 {
		t.Fatalf("round %s expects %d", r.State, r.Expected)
	}
	if _, err := rs.Create(ctx, audit.CommandLine, NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2024-12-13"}); !errors.Is(err, ErrRoundExists) {
		t.Fatalf("duplicate round: %v", err)
	}
	for _, bad := range []NewRoundInput{{Year: "2024-26", Opens: "2024-10-01", Deadline: "2024-12-13"},
		{Year: "2025-26", Opens: "2025-12-01", Deadline: "2025-10-01"}, {Year: "2025-26", Opens: "1/10/2025", Deadline: "2025-12-01"}} {
		if _, err := rs.Create(ctx, audit.CommandLine, bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	// Opening again is harmless (a retry after a crash).
	if r2, err := rs.Open(ctx, audit.CommandLine, "2024-25"); err != nil || r2.Expected != 386 {
		t.Fatalf("reopen: %v %d", err, r2.Expected)
	}
	next, err := rs.Create(ctx, audit.CommandLine, NewRoundInput{Year: "2025-26", Opens: "2025-10-01", Deadline: "2025-12-12"})
	if err != nil || next.Definition.Version != 2 {
		t.Fatalf("next round starts from the last definition: %v v%d", err, next.Definition.Version)
	}
	if err := rs.Close(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	if err := rs.Close(ctx, audit.CommandLine, "2024-25"); !errors.Is(err, ErrRoundState) {
		t.Fatalf("closing twice: %v", err)
	}
	if err := rs.Archive(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	if r.Late(Return{}, time.Date(2024, 12, 15, 23, 0, 0, 0, time.UTC)) || !r.Late(Return{}, time.Date(2024, 12, 16, 0, 0, 0, 0, time.UTC)) {
		t.Error("deadline plus two days' grace is wrong")
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, _ := openRound(t)
	tokA, err := NewLinks(rs).IssueLink(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990001})
	if err != nil {
		t.Fatal(err)
	}
	tokB, _ := NewLinks(rs).IssueLink(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990002})
	ra, err := NewLinks(rs).ResolveLink(ctx, tokA)
	if err != nil || ra.URN != 990001 {
		t.Fatalf("link A opens %d (%v)", ra.URN, err)
	}
	if rb, _ := NewLinks(rs).ResolveLink(ctx, tokB); rb.URN != 990002 {
		t.Fatal("link B opens the wrong school")
	}
	if !token.Valid(tokA) || ra.LinkHash != token.Hash(tokA) || ra.LinkHash == tokA {
		t.Fatal("token stored in the clear, or malformed")
	}
	tokA2, _ := NewLinks(rs).IssueLink(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990001})
	if _, err := NewLinks(rs).ResolveLink(ctx, tokA); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("replaced link still works: %v", err)
	}
	if _, err := NewLinks(rs).ResolveLink(ctx, tokA2); err != nil {
		t.Fatal(err)
	}
	if err := NewLinks(rs).RevokeLink(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990001}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewLinks(rs).ResolveLink(ctx, tokA2); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("revoked link still works: %v", err)
	}
	for _, bad := range []string{"", "short", tokB + "x", "../../etc/passwd", "AAAAAAAAAAAAAAAAAAAAAA"} {
		if _, err := NewLinks(rs).ResolveLink(ctx, bad); !errors.Is(err, ErrLinkInvalid) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
}

func TestSaveSubmitReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	a := serviceOver(rs)
	ret, _ := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990006}) // a primary school
	secs := round.Definition.For(ret.School.Record)
	questions := QuestionSections(secs)
	// First sitting: two sections.
	var err error
	for _, sec := range questions[:2] {
		if ret, err = saveFilled(ctx, a, ret, ret.Version, sec); err != nil {
			t.Fatal(err)
		}
	}
	if ret.Status != StatusInProgress || len(ret.Completed) != 2 {
		t.Fatalf("after first sitting: %s %v", ret.Status, ret.Completed)
	}
	if _, err := submitted(ctx, a, ret, signed(secs, ret.Version, "k1", time.Now())); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("incomplete submit: %v", err)
	}
	// A stale save is refused and handed the newer answers.
	stale := ret.Version - 1
	if latest, _, err := a.SaveSection(ctx, Governor(ret, ""), ret.Key(), stale, secs[0].ID, nil, SaveForLater); !errors.Is(err, ErrConflict) || latest.Version != ret.Version {
		t.Fatalf("stale save: %v", err)
	}
	// Second sitting: the rest.
	for _, sec := range questions[2:] {
		if ret, err = saveFilled(ctx, a, ret, ret.Version, sec); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2024, 12, 1, 10, 0, 0, 0, time.UTC)
	sub, err := submitted(ctx, a, ret, signed(secs, ret.Version, "k2", at))
	if err != nil || sub.Status != StatusSubmitted || !ValidReference(sub.Reference) || sub.Late {
		t.Fatalf("submit: %v %+v", err, sub)
	}
	again, err := submitted(ctx, a, ret, signed(secs, ret.Version, "k2", at))
	if err != nil || again.Reference != sub.Reference {
		t.Fatalf("resubmitted request: %v %s", err, again.Reference)
	}
	if _, err := saveFilled(ctx, a, ret, sub.Version, secs[0]); !errors.Is(err, ErrNotEditable) {
		t.Fatalf("edit after submit: %v", err)
	}
	// Reopen, amend one answer, resubmit late: two versions, one change between them.
	if _, err := rs.reopen(ctx, ret.Key(), ""); err == nil {
		t.Fatal("reopened without a reason")
	}
	re, err := rs.reopen(ctx, ret.Key(), "DSL training date was wrong")
	if err != nil || re.Status != StatusReopened {
		t.Fatal(err)
	}
	var dslSec Section
	for _, s := range secs {
		if s.ID == "dsl" {
			dslSec = s
		}
	}
	ans := fillSection(dslSec)
	ans["dsl.last_training"] = Answer{Value: "2023-06-30"}
	if re, _, err = a.SaveSection(ctx, Governor(re, ""), re.Key(), re.Version, dslSec.ID, SectionValues(dslSec, ans), SaveAndContinue); err != nil {
		t.Fatal(err)
	}
	sub2, err := submitted(ctx, a, re, signed(secs, re.Version, "k3", time.Date(2024, 12, 20, 9, 0, 0, 0, time.UTC)))
	if err != nil || !sub2.Late || sub2.Reference == sub.Reference || sub2.Submissions != 2 {
		t.Fatalf("resubmit: %v %+v", err, sub2)
	}
	vs, err := rs.returns.Versions(ctx, sub2)
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions: %d %v", len(vs), err)
	}
	changes := Diff(vs[0].Answers, vs[1].Answers)
	if len(changes) != 1 || changes[0].Question != "dsl.last_training" || changes[0].Before.Value != "2024-09-02" || changes[0].After.Value != "2023-06-30" {
		t.Fatalf("diff: %+v", changes)
	}
}

func TestConcurrentSavesOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	a := serviceOver(rs)
	ret, _ := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990006})
	sec := round.Definition.For(ret.School.Record)[1]
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = saveFilled(ctx, a, ret, ret.Version, sec)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrConflict):
			t.Fatalf("save failed: %v", err)
		}
	}
	after, _ := rs.returns.Get(ctx, ReturnID{Round: ret.ID[:7], URN: 990006})
	if won != 1 || after.Version != ret.Version+1 {
		t.Fatalf("%d saves won, version %d -> %d", won, ret.Version, after.Version)
	}
}

func TestDoubleSubmissionMakesOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	a := serviceOver(rs)
	ret, _ := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990007})
	secs := round.Definition.For(ret.School.Record)
	var err error
	for _, sec := range QuestionSections(secs) {
		if ret, err = saveFilled(ctx, a, ret, ret.Version, sec); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	refs := make([]string, 6)
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := submitted(ctx, a, ret, signed(secs, ret.Version, "same-click", time.Now()))
			if err != nil {
				t.Errorf("submit %d: %v", i, err)
			}
			refs[i] = r.Reference
		}()
	}
	wg.Wait()
	for _, r := range refs {
		if r != refs[0] || r == "" {
			t.Fatalf("references differ: %v", refs)
		}
	}
	final, _ := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990007})
	vs, _ := rs.returns.Versions(ctx, final)
	if final.Submissions != 1 || len(vs) != 1 {
		t.Fatalf("%d submissions, %d versions", final.Submissions, len(vs))
	}
}

func TestExemptAndAddLate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, _ := openRound(t)
	if err := rs.returns.SetExempt(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990001}, true, ""); err == nil {
		t.Fatal("exempt without a reason")
	}
	if err := rs.returns.SetExempt(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990001}, true, "Closed for rebuilding"); err != nil {
		t.Fatal(err)
	}
	r, _ := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990001})
	if !r.Exempt || r.Editable() {
		t.Fatal("exempt return still editable")
	}
	if err := rs.AddLate(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990001}); err == nil {
		t.Fatal("added a school twice")
	}
}

func TestOneTimeCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, _ := openRound(t)
	id := ReturnID{Round: "2024-25", URN: 990006}
	codes := oneTimeCodes{rs.returns}
	now := time.Now()
	if _, _, err := codes.NewCode(ctx, id, now); !errors.Is(err, ErrNoContactEmail) {
		t.Fatalf("no contact email: %v", err)
	}
	if err := rs.returns.SetContactEmail(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990006}, "not an email"); err == nil {
		t.Fatal("bad email accepted")
	}
	if err := rs.returns.SetContactEmail(ctx, audit.CommandLine, ReturnID{Round: "2024-25", URN: 990006}, "governor@school.example.org"); err != nil {
		t.Fatal(err)
	}
	code, to, err := codes.NewCode(ctx, id, now)
	if err != nil || len(code) != 6 || to != "governor@school.example.org" {
		t.Fatalf("code %q to %q: %v", code, to, err)
	}
	if _, _, err := codes.NewCode(ctx, id, now.Add(10*time.Second)); !errors.Is(err, ErrCodeTooSoon) {
		t.Fatalf("resend at once: %v", err)
	}
	r, _ := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990006})
	if r.Code.Hash == code || r.Code.Hash == "" {
		t.Fatal("code stored in the clear")
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if err := codes.CheckCode(ctx, id, wrong, now); !errors.Is(err, ErrCodeWrong) {
		t.Fatalf("wrong code: %v", err)
	}
	if err := codes.CheckCode(ctx, id, code[:3]+" "+code[3:], now); err != nil {
		t.Fatalf("right code: %v", err)
	}
	if err := codes.CheckCode(ctx, id, code, now); !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("code used twice: %v", err)
	}
	// Five tries and the code is used up, even the right one after them.
	code, _, _ = codes.NewCode(ctx, id, now.Add(2*time.Minute))
	for range CodeMaxAttempts {
		_ = codes.CheckCode(ctx, id, wrong, now.Add(2*time.Minute))
	}
	if err := codes.CheckCode(ctx, id, code, now.Add(2*time.Minute)); !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("after five tries: %v", err)
	}
	code, _, _ = codes.NewCode(ctx, id, now.Add(4*time.Minute))
	if err := codes.CheckCode(ctx, id, code, now.Add(20*time.Minute)); !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("expired code: %v", err)
	}
}

// serviceOver is the assurance service over rs, sending no email: for tests of saving and
// submitting that read the outbox for something else.
func serviceOver(rs *Rounds) *Assurance {
	return NewAssurance(rs, noEmail{}, audit.New(rs.st), AssuranceConfig{Partnership: "Demo LSCP"})
}

// noEmail sends nothing and keeps nothing.
type noEmail struct{}

func (noEmail) Send(context.Context, string, string, string, string, string, ...string) (mail.Message, error) {
	return mail.Message{Status: mail.StatusSent}, nil
}

func (noEmail) SendAttached(context.Context, string, string, string, string, string, ...mail.Attachment) (mail.Message, error) {
	return mail.Message{Status: mail.StatusSent}, nil
}

func (noEmail) Forget(context.Context, string) (int64, error) { return 0, nil }

// saveFilled is the governor's "Save and continue" on a section with every question
// answered validly, through the assurance service.
func saveFilled(ctx context.Context, a *Assurance, r Return, version int, sec Section) (Return, error) {
	saved, _, err := a.SaveSection(ctx, Governor(r, ""), r.Key(), version, sec.ID, SectionValues(sec, fillSection(sec)), SaveAndContinue)
	return saved, err
}

// submitted submits a return through the assurance service, as its governor.
func submitted(ctx context.Context, a *Assurance, r Return, s Submission) (Return, error) {
	sub, _, err := a.Submit(ctx, Governor(r, ""), r.Key(), s)
	return sub, err
}

// signed is a submission with the declaration signed.
func signed(secs []Section, version int, key string, at time.Time) Submission {
	decl, _ := DeclarationSection(secs)
	return Submission{Version: version, Key: key, Declaration: SectionValues(decl, fillSection(decl)), At: at}
}

// TestAnExemptionNeedsAReason: the rule is the service's, so a page or a command that
// forgets to check gets the same refusal, of a kind the person can correct, and nothing
// changes.
func TestAnExemptionNeedsAReason(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	returns, err := rs.returns.OfRound(ctx, round.ID)
	if err != nil || len(returns) == 0 {
		t.Fatalf("returns: %v", err)
	}
	urn := returns[0].URN
	err = rs.returns.SetExempt(ctx, audit.CommandLine, ReturnID{Round: round.ID, URN: urn}, true, "  ")
	if !errors.Is(err, ErrExemptReason) || !problem.Is(err, problem.Invalid) {
		t.Fatalf("an exemption without a reason: %v", err)
	}
	if r, err := rs.returns.Get(ctx, ReturnID{Round: round.ID, URN: urn}); err != nil || r.Exempt {
		t.Fatalf("after a refused exemption: exempt %v, %v", r.Exempt, err)
	}
}
