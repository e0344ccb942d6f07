package forms

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
)

// A school's link stays the same through reminders and mail merges until an admin
// replaces or revokes it, and the store never holds it.
func TestLinkStaysTheSameUntilRevoked(t *testing.T) {
	t.Parallel()
	rs, c, m, round, returns := chaseRound(t)
	ctx := context.Background()
	r := returns[5]
	first, err := NewLinks(rs).Link(ctx, ReturnID{Round: round.ID, URN: r.URN})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := NewLinks(rs).Link(ctx, ReturnID{Round: round.ID, URN: r.URN}); again != first {
		t.Fatalf("asking again gave another link")
	}
	merge, err := NewLinks(rs).IssueLinks(ctx, audit.Actor{Name: "test"}, LinksRequest{Year: round.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got := linkOf(merge, r.URN); got != first {
		t.Fatalf("mail merge link %q, want %q", got, first)
	}
	if _, err := c.SendReminder(ctx, admin, ReturnID{Round: round.ID, URN: r.URN}, time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs, _ := m.Recent(ctx, 1)
	if !strings.Contains(msgs[0].Body, "/r/"+first+"\n") {
		t.Fatalf("reminder does not carry the school's link:\n%s", msgs[0].Body)
	}
	if got, err := NewLinks(rs).ResolveLink(ctx, first); err != nil || got.ID != r.ID {
		t.Fatalf("link after a reminder: %v", err)
	}
	again, _ := NewLinks(rs).IssueLinks(ctx, audit.Actor{Name: "test"}, LinksRequest{Year: round.ID})
	if linkOf(again, r.URN) != first {
		t.Fatal("a second mail merge gave another link")
	}
	// The store holds no token in clear.
	var raw bson.M
	if err := rs.returns.returns.FindOne(ctx, bson.D{{Key: "_id", Value: r.ID}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if b, _ := bson.MarshalExtJSON(raw, false, false); strings.Contains(string(b), first) {
		t.Fatal("the return holds the token")
	}
	// Replacing gives a new link; the old one stops. Revoking stops it; the next is new again.
	replaced, err := NewLinks(rs).IssueLink(ctx, audit.CommandLine, ReturnID{Round: round.ID, URN: r.URN})
	if err != nil || replaced == first {
		t.Fatalf("replacement %q, %v", replaced, err)
	}
	if _, err := NewLinks(rs).ResolveLink(ctx, first); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("old link after replacement: %v", err)
	}
	if err := NewLinks(rs).RevokeLink(ctx, audit.CommandLine, ReturnID{Round: round.ID, URN: r.URN}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewLinks(rs).ResolveLink(ctx, replaced); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("revoked link: %v", err)
	}
	next, _ := NewLinks(rs).Link(ctx, ReturnID{Round: round.ID, URN: r.URN})
	if next == first || next == replaced {
		t.Fatal("a revoked link came back")
	}
}

// The mail merge leaves out exempt schools, and submitted ones unless asked for.
func TestMailMergeRows(t *testing.T) {
	t.Parallel()
	rs, _, _, round, returns := chaseRound(t)
	ctx := context.Background()
	rows, err := NewLinks(rs).IssueLinks(ctx, audit.Actor{Name: "test"}, LinksRequest{Year: round.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 386-4 || linkOf(rows, returns[0].URN) != "" || linkOf(rows, returns[3].URN) != "" {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0].ContactEmail == "" || rows[0].Status != "not started" {
		t.Errorf("first row %+v", rows[0])
	}
	all, _ := NewLinks(rs).IssueLinks(ctx, audit.Actor{Name: "test"}, LinksRequest{Year: round.ID, IncludeSubmitted: true})
	if len(all) != 386-1 || linkOf(all, returns[0].URN) == "" {
		t.Fatalf("with submitted: %d rows", len(all))
	}
	entries, _ := rs.audit.Recent(ctx, 5)
	if len(entries) < 2 || entries[0].Action != "links-issued" || !strings.Contains(entries[0].Detail, "submitted schools included") {
		t.Errorf("audit %+v", entries)
	}
}

func linkOf(rows []SchoolLink, urn int) string {
	for _, r := range rows {
		if r.URN == urn {
			return r.Token
		}
	}
	return ""
}

// A closed round can be reopened, with who did it in the audit log, until it is archived.
func TestRoundReopenUntilArchived(t *testing.T) {
	t.Parallel()
	rs, round := openRound(t)
	ctx := context.Background()
	if err := rs.ReopenRound(ctx, admin, round.ID); !errors.Is(err, ErrRoundState) {
		t.Fatalf("reopening an open round: %v", err)
	}
	if err := rs.Close(ctx, audit.CommandLine, round.ID); err != nil {
		t.Fatal(err)
	}
	if err := rs.ReopenRound(ctx, admin, round.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ := rs.Get(ctx, round.ID); r.State != RoundOpen {
		t.Fatalf("state after reopening: %s", r.State)
	}
	if e, _ := rs.audit.Recent(ctx, 1); len(e) != 1 || e[0].Action != "round-reopened" || e[0].Actor != "admin@example.org" {
		t.Errorf("audit %+v", e)
	}
	_ = rs.Close(ctx, audit.CommandLine, round.ID)
	if err := rs.Archive(ctx, audit.CommandLine, round.ID); err != nil {
		t.Fatal(err)
	}
	if err := rs.ReopenRound(ctx, admin, round.ID); !errors.Is(err, ErrRoundState) {
		t.Fatalf("reopening an archived round: %v", err)
	}
}
