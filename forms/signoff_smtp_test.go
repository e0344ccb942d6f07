package forms

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/mailtest"
)

// receivedMail is one message as a mail client reads it: its text and its attachments.
type receivedMail struct {
	Subject, Text string
	Files         map[string][]byte
}

// readReceived decodes a message the SMTP server received (MIME, quoted-printable text,
// base64 attachments).
func readReceived(t *testing.T, data string) receivedMail {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out := receivedMail{Subject: msg.Header.Get("Subject"), Files: map[string][]byte{}}
	var walk func(contentType, encoding, disposition string, body io.Reader)
	walk = func(contentType, encoding, disposition string, body io.Reader) {
		media, params, _ := mime.ParseMediaType(contentType)
		if strings.HasPrefix(media, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err != nil {
					return
				}
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p)
			}
		}
		b, _ := io.ReadAll(body)
		if strings.EqualFold(encoding, "base64") {
			b, _ = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
		}
		if _, dp, err := mime.ParseMediaType(disposition); err == nil && dp["filename"] != "" {
			out.Files[dp["filename"]] = b
			return
		}
		if strings.HasPrefix(media, "text/plain") {
			out.Text += string(b)
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body)
	return out
}

// pdfText is the text drawn on a PDF's pages (fpdf compresses each page stream).
func pdfText(pdf []byte) string {
	var text strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`).FindAllSubmatch(pdf, -1) {
		if zr, err := zlib.NewReader(bytes.NewReader(m[1])); err == nil {
			b, _ := io.ReadAll(zr)
			text.Write(b)
		}
	}
	return text.String()
}

// Through a real SMTP server: the governor receives the confirmation request with their
// link, and once they confirm, both people receive the receipt, whose text and PDF name
// them both.
func TestTwoPersonEmailsThroughSMTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := mailtest.Start(t)
	rs, round := openRoundAs(t, NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2099-12-13", TwoPerson: true})
	m := mail.New(rs.st, mail.SMTP{Host: "127.0.0.1", Port: srv.Port, From: "assure@lscp.example", TLS: "none"})
	a := NewAssurance(rs, m, audit.New(rs.st), AssuranceConfig{Partnership: "Demo LSCP", PublicURL: "https://assure.example.org"})
	ret, secs := completeAllButDeclaration(t, rs, round, 990006)
	sent, err := a.SendForConfirmation(ctx, Governor(ret, ""), ret.Key(), preparation(ret.Version, "k"))
	if err != nil {
		t.Fatal(err)
	}
	got := srv.To("ann@school.example.org")
	if len(got) != 1 {
		t.Fatalf("confirmation requests received: %d", len(got))
	}
	request := readReceived(t, got[0].Data)
	link := regexp.MustCompile(`https://assure\.example\.org/confirm/([A-Za-z0-9_-]{22})`).FindStringSubmatch(request.Text)
	if link == nil || !strings.Contains(request.Subject, "Please confirm") || !strings.Contains(request.Text, "Pat Lead (Designated safeguarding lead") {
		t.Fatalf("confirmation request: %q\n%s", request.Subject, request.Text)
	}
	// The outbox keeps the email, not the link in it.
	if msgs, _ := m.Recent(ctx, 1); strings.Contains(msgs[0].Body, link[1]) || msgs[0].Status != mail.StatusSent {
		t.Fatalf("the outbox's copy: %+v", msgs[0])
	}
	_, hash, err := a.OpenConfirmation(ctx, link[1], "")
	if err != nil {
		t.Fatalf("the emailed link: %v", err)
	}
	sub, _, err := a.Confirm(ctx, Confirmer(sent, ""), ret.Key(), hash, signed(secs, sent.Version, "", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"ann@school.example.org", "dsl@school.example.org"} {
		msgs := srv.To(to)
		if len(msgs) == 0 {
			t.Fatalf("no receipt for %s", to)
		}
		receipt := readReceived(t, msgs[len(msgs)-1].Data)
		if !strings.Contains(receipt.Subject, sub.Reference) || !strings.Contains(receipt.Text, "Prepared by Pat Lead, Designated safeguarding lead") ||
			!strings.Contains(receipt.Text, "Confirmed by "+sub.Confirmer.Name) {
			t.Fatalf("receipt to %s: %q\n%s", to, receipt.Subject, receipt.Text)
		}
		pdf := receipt.Files[ReceiptFile(sub)]
		if text := pdfText(pdf); !strings.HasPrefix(string(pdf), "%PDF") || !strings.Contains(text, "Prepared by Pat Lead") || !strings.Contains(text, "Confirmed by "+sub.Confirmer.Name) {
			t.Fatalf("receipt PDF to %s does not name both (%d bytes)", to, len(pdf))
		}
	}
}
