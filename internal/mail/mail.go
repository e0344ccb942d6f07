package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/metrics"
	"github.com/lscp/assure/internal/store"
)

// Message statuses.
const (
	StatusOutbox = "outbox" // no SMTP configured: readable by admins only
	StatusSent   = "sent"
	StatusFailed = "failed"
)

// Message is one email, as the outbox records it.
type Message struct {
	ID      bson.ObjectID `bson:"_id"`
	To      string        `bson:"to"`
	Subject string        `bson:"subject"`
	Body    string        `bson:"body"`
	Purpose string        `bson:"purpose"`         // what it is for: "one-time code", "reminder"...
	About   string        `bson:"about,omitempty"` // what it concerns, such as a return ID
	Created time.Time     `bson:"created"`
	Status  string        `bson:"status"`
	Error   string        `bson:"error,omitempty"`
	// Files names the attachments; Attachments holds them, read only by Attachments
	// (lists of messages leave them out).
	Files       []string     `bson:"files,omitempty"`
	Attachments []Attachment `bson:"attachments,omitempty"`
}

// Attachment is a file sent with a message, kept with it in the outbox.
type Attachment struct {
	Name        string `bson:"name"`
	ContentType string `bson:"content_type"`
	Data        []byte `bson:"data"`
}

// SMTP is how to reach the mail server; an empty Host means no SMTP (outbox only).
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS is "starttls" (port 587), "tls" (port 465) or "none" (a relay on localhost).
	TLS string
}

// Mailer records and sends messages.
type Mailer struct {
	st     *store.Store
	c      *mongo.Collection
	smtp   SMTP
	dialTO time.Duration
}

// New returns a Mailer keeping its outbox in st.
func New(st *store.Store, smtp SMTP) *Mailer {
	return &Mailer{st: st, c: st.Collection("outbox"), smtp: smtp, dialTO: 15 * time.Second}
}

// Configured says whether messages leave the service (SMTP) or stay in the outbox.
func (m *Mailer) Configured() bool { return m.smtp.Host != "" }

// Removed stands in the stored copy of a message for a secret it carried.
const Removed = "[removed: sent by email only]"

// Send records a message and, with SMTP configured, delivers it. A delivery failure is
// recorded on the message and returned. secrets (a link token, a one-time code) are in
// the email but, when it goes by SMTP, not in the stored copy, so the outbox never holds a
// working link; with no SMTP the outbox is how the message is read, so it keeps them.
func (m *Mailer) Send(ctx context.Context, to, subject, body, purpose, about string, secrets ...string) (Message, error) {
	return m.send(ctx, to, subject, body, purpose, about, nil, secrets)
}

// SendAttached is Send with files attached (a receipt, say); they carry no secrets.
func (m *Mailer) SendAttached(ctx context.Context, to, subject, body, purpose, about string, files ...Attachment) (Message, error) {
	return m.send(ctx, to, subject, body, purpose, about, files, nil)
}

func (m *Mailer) send(ctx context.Context, to, subject, body, purpose, about string, files []Attachment, secrets []string) (Message, error) {
	if _, err := mail.ParseAddress(to); err != nil || strings.ContainsAny(to, "\r\n") {
		return Message{}, fmt.Errorf("mail: %q is not an email address", to)
	}
	storedSubject, stored := subject, body
	if m.Configured() {
		for _, sec := range secrets {
			if sec != "" {
				storedSubject = strings.ReplaceAll(storedSubject, sec, Removed)
				stored = strings.ReplaceAll(stored, sec, Removed)
			}
		}
	}
	msg := Message{ID: bson.NewObjectID(), To: to, Subject: storedSubject, Body: stored, Purpose: purpose, About: about,
		Created: time.Now().UTC(), Status: StatusOutbox, Attachments: files}
	for _, f := range files {
		msg.Files = append(msg.Files, f.Name)
	}
	if err := m.st.Write(ctx, func(ctx context.Context) error {
		_, err := m.c.InsertOne(ctx, msg)
		if store.IsDuplicateKey(err) {
			return nil
		}
		return err
	}); err != nil {
		return msg, fmt.Errorf("mail: recording the message: %w", err)
	}
	if !m.Configured() {
		metrics.EmailSent(false)
		return msg, nil
	}
	sendErr := m.deliver(ctx, msg, subject, body)
	msg.Status = StatusSent
	if sendErr != nil {
		msg.Status, msg.Error = StatusFailed, sendErr.Error()
		metrics.EmailFailed()
	} else {
		metrics.EmailSent(true)
	}
	if err := m.st.Write(ctx, func(ctx context.Context) error {
		_, err := m.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: msg.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: msg.Status}, {Key: "error", Value: msg.Error}}}})
		return err
	}); err != nil {
		return msg, errors.Join(sendErr, fmt.Errorf("mail: recording delivery: %w", err))
	}
	if sendErr != nil {
		return msg, fmt.Errorf("mail: delivering to %s: %w", to, sendErr)
	}
	return msg, nil
}

// deliver sends msg with the subject and body as written, secrets and all: msg holds
// the stored copies, which may not.
func (m *Mailer) deliver(ctx context.Context, msg Message, subject, body string) error {
	gm := gomail.NewMsg()
	if err := gm.From(m.smtp.From); err != nil {
		return err
	}
	if err := gm.To(msg.To); err != nil {
		return err
	}
	gm.Subject(subject)
	gm.SetBodyString(gomail.TypeTextPlain, body)
	for _, f := range msg.Attachments {
		if err := gm.AttachReader(f.Name, bytes.NewReader(f.Data), gomail.WithFileContentType(gomail.ContentType(f.ContentType))); err != nil {
			return err
		}
	}
	opts := []gomail.Option{gomail.WithPort(m.smtp.Port), gomail.WithTimeout(m.dialTO)}
	switch m.smtp.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSLPort(false))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.smtp.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(m.smtp.Username), gomail.WithPassword(m.smtp.Password))
	}
	client, err := gomail.NewClient(m.smtp.Host, opts...)
	if err != nil {
		return err
	}
	return client.DialAndSendWithContext(ctx, gm)
}

// Recent returns the newest messages first.
func (m *Mailer) Recent(ctx context.Context, limit int) ([]Message, error) {
	out, err := store.FindAll[Message](ctx, m.c, bson.D{}, options.Find().SetSort(bson.D{{Key: "created", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit)).SetProjection(bson.D{{Key: "attachments", Value: 0}}))
	if err != nil {
		return nil, fmt.Errorf("mail: reading the outbox: %w", err)
	}
	return out, nil
}

// Attachments returns a message's attached files.
func (m *Mailer) Attachments(ctx context.Context, id bson.ObjectID) ([]Attachment, error) {
	msg, err := store.FindByID[Message](ctx, m.c, id, errors.New("mail: no such message"))
	if err != nil {
		return nil, err
	}
	return msg.Attachments, nil
}

// Forgotten replaces the body of a message whose retention has ended.
const Forgotten = "(removed when its retention ended)"

// Forget empties the messages about anything whose ID starts with prefix (a round's
// returns, "2024-25:"): body, addressee and attachments go, so an outbox copy of a receipt
// never outlives the answers it carries; subject, purpose and dates stay as the record that
// a message was sent. It reports how many it changed; forgetting twice changes nothing.
func (m *Mailer) Forget(ctx context.Context, prefix string) (int64, error) {
	var n int64
	err := m.st.Write(ctx, func(ctx context.Context) error {
		res, err := m.c.UpdateMany(ctx,
			bson.D{{Key: "about", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(prefix)}}},
				{Key: "body", Value: bson.D{{Key: "$ne", Value: Forgotten}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "body", Value: Forgotten}, {Key: "to", Value: ""}}},
				{Key: "$unset", Value: bson.D{{Key: "attachments", Value: ""}, {Key: "files", Value: ""}}}})
		if err != nil {
			return err
		}
		n = res.ModifiedCount
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("mail: forgetting messages about %s: %w", prefix, err)
	}
	return n, nil
}

// About returns the messages about something (a return's ID) sent for the given
// purposes, newest first, without their attachments.
func (m *Mailer) About(ctx context.Context, about string, purposes ...string) ([]Message, error) {
	out, err := store.FindAll[Message](ctx, m.c, bson.D{{Key: "about", Value: about}, {Key: "purpose", Value: bson.D{{Key: "$in", Value: purposes}}}},
		options.Find().SetSort(bson.D{{Key: "created", Value: -1}, {Key: "_id", Value: -1}}).SetProjection(bson.D{{Key: "attachments", Value: 0}}))
	if err != nil {
		return nil, fmt.Errorf("mail: reading messages about %s: %w", about, err)
	}
	return out, nil
}
