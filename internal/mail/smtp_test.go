package mail

import (
	"context"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/mailtest"
	"github.com/lscp/assure/internal/storetest"
)

// The mailer is tested against a real SMTP server (internal/mailtest).

func TestDeliveryThroughSMTP(t *testing.T) {
	b := mailtest.Start(t)
	b.Refuse = "nobody@school.example"
	port := b.Port
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
	got := b.Messages()
	if len(got) != 1 || got[0].From != "assure@lscp.example" || got[0].To != "governors@school.example" || got[0].User != "assure" ||
		!strings.Contains(got[0].Data, "Subject: Reminder: safeguarding assurance") || !strings.Contains(got[0].Data, "https://x/r/abc") {
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
	b := mailtest.Start(t)
	port := b.Port
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
	if got := b.Messages(); len(got) != 1 || !strings.Contains(got[0].Data, `filename="receipt.pdf"`) || !strings.Contains(got[0].Data, "application/pdf") {
		t.Fatalf("server received %+v", got)
	}
}

// A secret in the subject (a wording that put the link there) goes in the email but not
// in the stored copy, which outbox viewers read.
func TestSecretRemovedFromStoredSubject(t *testing.T) {
	t.Parallel()
	b := mailtest.Start(t)
	st := storetest.New(t)
	m := New(st, SMTP{Host: "127.0.0.1", Port: b.Port, From: "assure@lscp.example", TLS: "none"})
	ctx := context.Background()
	msg, err := m.Send(ctx, "governors@school.example", "Your link https://x/r/tok123", "Open https://x/r/tok123\n", "invitation", "", "tok123")
	if err != nil || msg.Status != StatusSent {
		t.Fatalf("send: %+v %v", msg, err)
	}
	stored, err := m.Recent(ctx, 1)
	if err != nil || len(stored) != 1 {
		t.Fatalf("recent: %+v %v", stored, err)
	}
	if strings.Contains(stored[0].Subject, "tok123") || !strings.Contains(stored[0].Subject, Removed) {
		t.Errorf("stored subject %q", stored[0].Subject)
	}
	if got := b.Messages(); len(got) != 1 || !strings.Contains(got[0].Data, "tok123") || !strings.Contains(got[0].Data, "Subject: Your link https://x/r/tok123") {
		t.Errorf("server received %+v", got)
	}
}
