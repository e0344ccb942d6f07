package forms

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/mailtest"
)

var emailedLink = regexp.MustCompile(`https://assure\.example\.org/r/([A-Za-z0-9_-]+)`)

// Invitations reach a real SMTP server with the school's working link; one the server
// refuses is in the chase log as failed, and is not sent again.
func TestInvitationsArriveWithTheSchoolsWorkingLink(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	rs, urns := bookRound(t)
	refused := fmt.Sprintf("gov%d@school.example.org", urns[1])
	srv.Refuse = refused
	ctx := context.Background()
	m := mail.New(rs.st, mail.SMTP{Host: "127.0.0.1", Port: srv.Port, From: "assure@lscp.example", TLS: "none"})
	c := NewChase(rs, m, ChaseConfig{Partnership: "Demo LSCP", PublicURL: "https://assure.example.org"})
	run, err := c.SendInvitations(ctx, audit.CommandLine, "2024-25", nil, time.Now())
	if err != nil || run.Sent != 2*len(urns)-1 || run.Failed != 1 {
		t.Fatalf("run: %+v, %v", run, err)
	}
	links := NewLinks(rs)
	for _, u := range urns {
		addr := fmt.Sprintf("dsl%d@school.example.org", u)
		got := srv.To(addr)
		if len(got) != 1 {
			t.Fatalf("%s received %d messages", addr, len(got))
		}
		match := emailedLink.FindStringSubmatch(got[0].Data)
		if match == nil {
			t.Fatalf("no link in the invitation to %s:\n%s", addr, got[0].Data)
		}
		r, err := links.ResolveLink(ctx, match[1])
		if err != nil || r.URN != u {
			t.Fatalf("the link emailed to %s opens %+v, %v", addr, r.Key(), err)
		}
	}
	log, err := c.Log(ctx, ReturnID{Round: "2024-25", URN: urns[1]})
	if err != nil {
		t.Fatal(err)
	}
	var failed, sent int
	for _, e := range log {
		switch {
		case e.Kind == ContactInvitation && e.Delivery == mail.StatusFailed && e.To == refused && e.Error != "":
			failed++
		case e.Kind == ContactInvitation && e.Delivery == mail.StatusSent:
			sent++
		}
	}
	if failed != 1 || sent != 1 {
		t.Fatalf("chase log: %+v", log)
	}
	if again, err := c.SendInvitations(ctx, audit.CommandLine, "2024-25", nil, time.Now()); err != nil || again.Sent+again.Failed != 0 {
		t.Fatalf("rerun: %+v, %v", again, err)
	}
}
