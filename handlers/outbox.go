package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/mail"
)

// The outbox page shows the newest outboxKept messages, outboxPerPage at a time (a
// reminder run's messages, bodies and all, would otherwise make pages of megabytes).
const (
	outboxKept    = 200
	outboxPerPage = 20
)

// OutboxPage lists the email the service has sent or holds.
type OutboxPage struct {
	Page
	Configured bool
	Messages   []OutboxMessage // the page of them shown
	Pager      Pager
}

// OutboxMessage is one message as the outbox page shows it.
type OutboxMessage struct {
	When, To, Subject, Body, Status, Error, Purpose string
	Files                                           string // attachments' names
}

func (s *Server) outboxPage(c *fiber.Ctx) error {
	msgs, err := s.deps.Mail.Recent(c.UserContext(), outboxKept)
	if err != nil {
		return err
	}
	p := OutboxPage{Page: s.basePage(c, "Email"), Configured: s.deps.Mail.Configured()}
	var lo, hi int
	p.Pager, lo, hi = pageOf(c, "page", len(msgs), outboxPerPage, "Pages of email", "")
	for _, m := range msgs[lo:hi] {
		om := outboxMessage(m)
		if hidden := hiddenBody(roleOf(c), m); hidden != "" {
			om.Body = hidden
		}
		p.Messages = append(p.Messages, om)
	}
	return s.render(c, fiber.StatusOK, "outbox", p)
}

func outboxMessage(m mail.Message) OutboxMessage {
	return OutboxMessage{When: m.Created.In(london).Format("2 Jan 2006 15:04"), To: m.To, Subject: m.Subject,
		Body: m.Body, Status: m.Status, Error: m.Error, Purpose: m.Purpose, Files: strings.Join(m.Files, ", ")}
}

// hiddenBody is what stands for a message's body that someone of role may not read, or
// "" if they may. With no SMTP the outbox keeps links that sign in: a viewer, who changes
// nothing, reads no body; only administrators read the team's own invitations and reset
// links, which would otherwise let anyone who reads the outbox take over an account.
func hiddenBody(role accounts.Role, m mail.Message) string {
	switch {
	case !role.Allows(accounts.Officer):
		return "[shown to officers and administrators: emails can carry links that sign in]"
	case accounts.IsAccountEmail(m.Purpose) && !role.Allows(accounts.Administrator):
		return "[shown to administrators only: it carries a link to set a password]"
	}
	return ""
}
