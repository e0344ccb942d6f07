package mail

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/lscp/assure/internal/storetest"
)

// A real SMTP server for the tests (go-smtp, the maintained Go SMTP server library): the
// mailer speaks the protocol to it over TCP, with SMTP AUTH, as it would to a relay.

type received struct {
	from, to, data, user string
}

type smtpBackend struct {
	mu       sync.Mutex
	messages []received
	refuse   string // a recipient the server refuses
}

type smtpSession struct {
	b   *smtpBackend
	cur received
}

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b: b}, nil }

func (s *smtpSession) AuthMechanisms() []string { return []string{"PLAIN"} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "assure" || pass != "s3cret" {
			return errors.New("bad credentials")
		}
		s.cur.user = user
		return nil
	}), nil
}

func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.b.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.cur.to = to
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = string(b)
	s.b.mu.Lock()
	s.b.messages = append(s.b.messages, s.cur)
	s.b.mu.Unlock()
	return nil
}

func startSMTP(t *testing.T, b *smtpBackend) int {
	t.Helper()
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // loopback only, as with TLS "none" to a local relay
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

func TestDeliveryThroughSMTP(t *testing.T) {
	b := &smtpBackend{refuse: "nobody@school.example"}
	port := startSMTP(t, b)
	st := storetest.New(t)
	m := New(st, SMTP{Host: "127.0.0.1", Port: port, From: "assure@lscp.example", Username: "assure", Password: "s3cret", TLS: "none"})
	ctx := context.Background()
	msg, err := m.Send(ctx, "governors@school.example", "Reminder: safeguarding assurance", "Open your school's form:\nhttps://x/r/abc\n", "reminder", "2024-25:1", "abc")
	if err != nil || msg.Status != StatusSent {
		t.Fatalf("send: %+v %v", msg, err)
	}
	// The stored copy does not hold the link's token; the email did.
	if stored, _ := m.Recent(ctx, 1); strings.Contains(stored[0].Body, "/r/abc") || !strings.Contains(stored[0].Body, Removed) {
		t.Errorf("stored body %q", stored[0].Body)
	}
	b.mu.Lock()
	got := b.messages
	b.mu.Unlock()
	if len(got) != 1 || got[0].from != "assure@lscp.example" || got[0].to != "governors@school.example" || got[0].user != "assure" ||
		!strings.Contains(got[0].data, "Subject: Reminder: safeguarding assurance") || !strings.Contains(got[0].data, "https://x/r/abc") {
		t.Fatalf("server received %+v", got)
	}
	// The server refuses a recipient: the failure is returned and kept on the message.
	if _, err := m.Send(ctx, "nobody@school.example", "Reminder", "x", "reminder", ""); err == nil {
		t.Fatal("a refused recipient was reported as sent")
	}
	msgs, _ := m.Recent(ctx, 2)
	if msgs[0].Status != StatusFailed || !strings.Contains(msgs[0].Error, "550") || msgs[1].Status != StatusSent {
		t.Errorf("recorded: %+v", msgs)
	}
	// Wrong credentials fail too, and are recorded.
	bad := New(st, SMTP{Host: "127.0.0.1", Port: port, From: "assure@lscp.example", Username: "assure", Password: "wrong", TLS: "none"})
	if _, err := bad.Send(ctx, "governors@school.example", "x", "x", "reminder", ""); err == nil {
		t.Error("wrong SMTP password accepted")
	}
}

// A receipt goes as an attachment: through SMTP as a MIME part, and kept with the message
// in the outbox, while lists of messages name it without carrying it.
func TestAttachmentSentAndKept(t *testing.T) {
	b := &smtpBackend{}
	port := startSMTP(t, b)
	st := storetest.New(t)
	ctx := context.Background()
	pdf := Attachment{Name: "receipt.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.3 a receipt")}
	for _, m := range []*Mailer{New(st, SMTP{}), New(st, SMTP{Host: "127.0.0.1", Port: port, From: "assure@lscp.example", TLS: "none"})} {
		msg, err := m.SendAttached(ctx, "ann@school.example", "Your receipt", "Reference ACDEFGHJ", "receipt", "2024-25:1", pdf)
		if err != nil {
			t.Fatal(err)
		}
		listed, _ := m.Recent(ctx, 1)
		if len(listed) != 1 || len(listed[0].Attachments) != 0 || len(listed[0].Files) != 1 || listed[0].Files[0] != "receipt.pdf" {
			t.Fatalf("listed: %+v", listed)
		}
		files, err := m.Attachments(ctx, msg.ID)
		if err != nil || len(files) != 1 || string(files[0].Data) != string(pdf.Data) {
			t.Fatalf("kept: %+v %v", files, err)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.messages) != 1 || !strings.Contains(b.messages[0].data, `filename="receipt.pdf"`) || !strings.Contains(b.messages[0].data, "application/pdf") {
		t.Fatalf("server received %+v", b.messages)
	}
}
