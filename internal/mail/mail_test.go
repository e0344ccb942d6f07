package mail

import (
	"context"
	"net"
	"testing"

	"github.com/lscp/assure/internal/storetest"
)

func TestOutboxWithoutSMTP(t *testing.T) {
	st := storetest.New(t)
	m := New(st, SMTP{})
	if m.Configured() {
		t.Fatal("configured without a host")
	}
	if _, err := m.Send(context.Background(), "a@b.example", "Hello", "Body", "test", "x"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"not an address", "a@b.example\r\nBcc: c@d.example"} {
		if _, err := m.Send(context.Background(), bad, "s", "b", "test", ""); err == nil {
			t.Errorf("sent to %q", bad)
		}
	}
	msgs, err := m.Recent(context.Background(), 10)
	if err != nil || len(msgs) != 1 || msgs[0].Status != StatusOutbox || msgs[0].Subject != "Hello" {
		t.Fatalf("outbox: %+v %v", msgs, err)
	}
}

// A server that refuses the connection: the failure is returned and recorded.
func TestDeliveryFailureRecorded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close() // nothing listens there now
	st := storetest.New(t)
	m := New(st, SMTP{Host: "127.0.0.1", Port: port, From: "assure@example.org", TLS: "none"})
	if _, err := m.Send(context.Background(), "a@b.example", "Hello", "Body", "test", ""); err == nil {
		t.Fatal("delivery to a closed port succeeded")
	}
	msgs, _ := m.Recent(context.Background(), 1)
	if len(msgs) != 1 || msgs[0].Status != StatusFailed || msgs[0].Error == "" {
		t.Fatalf("failure not recorded: %+v", msgs)
	}
}
