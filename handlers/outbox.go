package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/mail"
)

// OutboxPage lists the email the service has sent or holds.
type OutboxPage struct {
	Page
	Configured bool
	Messages   []OutboxMessage
}

// OutboxMessage is one message as the outbox page shows it.
type OutboxMessage struct {
	When, To, Subject, Body, Status, Error, Purpose string
	Files                                           string // attachments' names
}

func (s *Server) outboxPage(c *fiber.Ctx) error {
	msgs, err := s.deps.Mail.Recent(c.UserContext(), 200)
	if err != nil {
		return err
	}
	p := OutboxPage{Page: s.basePage(c, "Email"), Configured: s.deps.Mail.Configured()}
	for _, m := range msgs {
		p.Messages = append(p.Messages, outboxMessage(m))
	}
	return s.render(c, fiber.StatusOK, "outbox", p)
}

func outboxMessage(m mail.Message) OutboxMessage {
	return OutboxMessage{When: m.Created.In(london).Format("2 Jan 2006 15:04"), To: m.To, Subject: m.Subject,
		Body: m.Body, Status: m.Status, Error: m.Error, Purpose: m.Purpose, Files: strings.Join(m.Files, ", ")}
}
