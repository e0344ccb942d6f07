package handlers

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/storetest"
)

// benchSchoolsPage times the register page of an England-sized register (the demo's, as
// `assure demo --schools 24000` builds it) through the whole HTTP stack, signed in, a
// filter's third page. Cold is the first view on a server just started on the store.
func benchSchoolsPage(b *testing.B, n int, cold bool) {
	st := storetest.New(b)
	ex, err := forms.ReadGIAS(bytes.NewReader(county.England(n)), nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := forms.NewRegister(st).Import(context.Background(), ex, forms.ImportOptions{By: audit.Actor{Name: "bench"}}); err != nil {
		b.Fatal(err)
	}
	cfg := Config{Partnership: "Test Partnership"}
	c := newTestServerOn(b, cfg, st).client(b)
	c.signIn()
	for b.Loop() {
		if cold {
			b.StopTimer()
			c = newTestServerOn(b, cfg, st).client(b)
			c.signIn()
			b.StartTimer()
		}
		if code, body, _ := c.get("/admin/schools?phase=primary&page=3"); code != http.StatusOK || !bytes.Contains([]byte(body), []byte("Primary")) {
			b.Fatalf("register page: %d", code)
		}
	}
}

func BenchmarkSchoolsPage24000(b *testing.B)     { benchSchoolsPage(b, 24000, false) }
func BenchmarkSchoolsPage24000Cold(b *testing.B) { benchSchoolsPage(b, 24000, true) }
