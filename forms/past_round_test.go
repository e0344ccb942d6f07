package forms

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/storetest"
)

// A past round is checked before anything is written: its schools against the register,
// its answers against the form; it goes in closed, with its expected schools, and is
// audited; a year that has a round is refused. (The demo's rounds, loaded the same way,
// check the submitted returns and the figures: demo_rounds_test.go.)
func TestLoadPastChecksAndRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	g := NewRegister(st)
	importBytes(t, g, county.GIAS())
	rs := NewRounds(st, g)
	def, err := DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	opens := time.Date(2021, 10, 4, 0, 0, 0, 0, time.UTC)
	base := func(returns ...PastReturn) PastRound {
		return PastRound{Year: "2021-22", Opens: "2021-10-04", Deadline: "2021-12-10", Created: opens.AddDate(0, 0, -14),
			Definition: *def, Returns: returns}
	}
	at := opens.AddDate(0, 0, 20)
	for name, in := range map[string]PastRound{
		"no returns":        base(),
		"unknown school":    base(PastReturn{URN: 123456}),
		"school twice":      base(PastReturn{URN: 990001}, PastReturn{URN: 990001}),
		"answers, no date":  base(PastReturn{URN: 990001, Answers: []StoredAnswer{{Question: QuestionAssuranceGiven, Answer: Answer{Value: "yes"}}}}),
		"incomplete":        base(PastReturn{URN: 990001, Submitted: at, Answers: []StoredAnswer{{Question: QuestionAssuranceGiven, Answer: Answer{Value: "yes"}}}}),
		"unknown question":  base(PastReturn{URN: 990001, Submitted: at, Answers: []StoredAnswer{{Question: "no.such", Answer: Answer{Value: "yes"}}}}),
		"before it opened":  base(PastReturn{URN: 990001, Submitted: opens.AddDate(0, 0, -1)}),
		"not an email":      base(PastReturn{URN: 990001, ContactEmail: "governors"}),
		"deadline first":    func() PastRound { in := base(PastReturn{URN: 990001}); in.Deadline = "2021-10-01"; return in }(),
		"set up after open": func() PastRound { in := base(PastReturn{URN: 990001}); in.Created = opens.AddDate(0, 0, 3); return in }(),
	} {
		if _, err := rs.LoadPast(ctx, audit.CommandLine, in); problem.KindOf(err) != problem.Invalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if n, _ := rs.returns.returns.CountDocuments(ctx, struct{}{}); n != 0 {
		t.Fatalf("refused loads wrote %d returns", n)
	}
	r, err := rs.LoadPast(ctx, audit.CommandLine, base(PastReturn{URN: 990001, ContactEmail: "a@example.org", LinkIssued: opens}, PastReturn{URN: 990002}))
	if err != nil {
		t.Fatal(err)
	}
	if r.State != RoundClosed || r.Expected != 2 || !r.Opened.Equal(time.Date(2021, 10, 3, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("loaded %s, %d expected, opened %s", r.State, r.Expected, r.Opened)
	}
	ret, err := rs.returns.Get(ctx, ReturnID{Round: "2021-22", URN: 990001})
	if err != nil || ret.Status != StatusNotStarted || ret.ContactEmail != "a@example.org" || ret.LinksIssued != 1 {
		t.Errorf("return %+v %v", ret, err)
	}
	var actions []string
	_ = rs.audit.Each(ctx, audit.Filter{Action: audit.ActionRoundLoaded}, 0, func(e audit.Entry) error {
		actions = append(actions, e.Target+" "+e.Detail)
		return nil
	})
	if len(actions) != 1 || actions[0] != "2021-22 closed, 2 schools expected, 0 returned" {
		t.Errorf("audit %q", actions)
	}
	if _, err := rs.LoadPast(ctx, audit.CommandLine, base(PastReturn{URN: 990003})); !errors.Is(err, ErrRoundExists) {
		t.Errorf("a second load of 2021-22: %v", err)
	}
}
