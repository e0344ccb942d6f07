package forms

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/storetest"
)

// What an admin does to a round and its returns is in the audit log, written by the domain
// with who did it and from where: no caller has to remember to record it.
func TestAdminActionsAreAuditedByTheDomain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	c := NewChase(rs, noEmail{}, ChaseConfig{Partnership: "Demo LSCP"})
	now := time.Now()
	steps := []struct {
		action string
		do     func() error
	}{
		{audit.ActionReminderSchedule, func() error { return rs.SetReminderDays(ctx, admin, round.ID, []int{14, 2}) }},
		{audit.ActionContactEmail, func() error {
			return rs.returns.SetContactEmail(ctx, admin, ReturnID{Round: round.ID, URN: 990006}, "gov@school.example.org")
		}},
		{audit.ActionLinksIssued, func() error {
			_, err := NewLinks(rs).IssueLink(ctx, admin, ReturnID{Round: round.ID, URN: 990006})
			return err
		}},
		{audit.ActionLinkRevoked, func() error { return NewLinks(rs).RevokeLink(ctx, admin, ReturnID{Round: round.ID, URN: 990006}) }},
		{audit.ActionReminderSent, func() error {
			_, err := c.SendReminder(ctx, admin, ReturnID{Round: round.ID, URN: 990006}, now)
			return err
		}},
		{audit.ActionContactRecorded, func() error {
			_, err := c.RecordContact(ctx, admin, ReturnID{Round: round.ID, URN: 990006}, ContactPhone, "Rang the clerk", now)
			return err
		}},
		{audit.ActionExempted, func() error {
			return rs.returns.SetExempt(ctx, admin, ReturnID{Round: round.ID, URN: 990007}, true, "closing")
		}},
		{audit.ActionRetentionSet, func() error { return rs.SetRetention(ctx, admin, round.ID, 3) }},
		{audit.ActionRoundClosed, func() error { return rs.Close(ctx, admin, round.ID) }},
		{audit.ActionRoundReopened, func() error { return rs.ReopenRound(ctx, admin, round.ID) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.action, err)
		}
	}
	var got []string
	err := rs.audit.Each(ctx, audit.Filter{Who: admin.Name}, 0, func(e audit.Entry) error {
		if e.IP != admin.IP {
			t.Errorf("%s recorded from %q", e.Action, e.IP)
		}
		got = append(got, e.Action)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(got)
	var want []string
	for _, s := range steps {
		want = append(want, s.action)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("audited %v, want %v", got, want)
	}
}

// An import of the register, and a file refused before it, are in the audit log, written
// by the register with who gave the file.
func TestRegisterRecordsImportsAndRefusedFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	g := NewRegister(st)
	if _, err := g.ReadFile(ctx, admin, "broken.csv", strings.NewReader("not,a,gias,file\n1,2,3,4\n"), nil); err == nil {
		t.Fatal("a broken file was read")
	}
	ex, err := g.ReadFile(ctx, admin, "demo.csv", bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Import(ctx, ex, ImportOptions{File: "demo.csv", By: admin}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = audit.New(st).Each(ctx, audit.Filter{Who: admin.Name}, 0, func(e audit.Entry) error {
		got = append([]string{e.Action + " " + e.Target + " " + e.IP}, got...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{audit.ActionImportFailed + " broken.csv " + admin.IP, audit.ActionImport + " demo.csv " + admin.IP}
	if !slices.Equal(got, want) {
		t.Fatalf("audited %v, want %v", got, want)
	}
}
