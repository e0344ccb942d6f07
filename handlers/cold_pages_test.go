package handlers

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/rounds"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

// maxPageBytes is the most HTML an admin page may send: long lists are paged.
const maxPageBytes = 100 << 10

// largeCounty is a store holding a county of n schools with past rounds closed with nine
// in ten returned, with answers (the last is 2022-23), and a live round of the current
// year about half returned (the demo's round makers over a synthetic register).
type largeCounty struct {
	st         *store.Store
	live, past string
	urn        int
}

func newLargeCounty(t testing.TB, n int, pastYears ...string) largeCounty {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	g := forms.NewRegister(st)
	by := audit.Actor{Name: "setup"}
	if _, err := g.Import(ctx, forms.SyntheticExtract(n), forms.ImportOptions{By: by}); err != nil {
		t.Fatal(err)
	}
	rs := forms.NewRounds(st, g)
	for _, y := range pastYears {
		if err := rounds.Full(ctx, g, rs, by, y); err != nil {
			t.Fatal(err)
		}
	}
	live, err := rounds.Live(ctx, g, rs, by, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	list, err := app.New(st, app.Config{Partnership: "Test Partnership"}).Returns.OfRound(ctx, live.ID)
	if err != nil || len(list) == 0 {
		t.Fatalf("live round: %d returns, %v", len(list), err)
	}
	return largeCounty{st: st, live: live.ID, past: "2022-23", urn: list[len(list)/2].URN}
}

// adminPages are every admin page a viewer opens about rounds, schools and the service.
func (lc largeCounty) adminPages() []string {
	y, p := "/admin/rounds/"+lc.live, "/admin/rounds/"+lc.past
	return []string{"/admin/", "/admin/rounds", y, y + "/dashboard", y + "?status=submitted", y + "/dashboard?status=not_started",
		y + "/invitations", y + "/form", y + "/form/preview", y + "/returns/" + strconv.Itoa(lc.urn),
		p, p + "/dashboard", "/admin/audit", "/admin/outbox", "/admin/contacts", "/admin/schools", "/admin/team"}
}

// Every admin page of a large county sends at most maxPageBytes of HTML. 400 schools are
// enough to prove the paging (before it, the round page of the 386-school demo county was
// 170 KB) at a fraction of the cost of the 1,000 the benchmark uses.
func TestAdminPagesOfALargeCountyAreSmall(t *testing.T) {
	t.Parallel()
	lc := newLargeCounty(t, 400, "2022-23")
	c := newTestServerOn(t, Config{Partnership: "Test Partnership"}, lc.st).client(t)
	c.signIn()
	for _, path := range lc.adminPages() {
		code, body, _ := c.get(path)
		if code != 200 {
			t.Errorf("%s: %d", path, code)
			continue
		}
		t.Logf("%s: %d KB", path, len(body)>>10)
		if len(body) > maxPageBytes {
			t.Errorf("%s: %d KB of HTML, over %d KB", path, len(body)>>10, maxPageBytes>>10)
		}
	}
}

// BenchmarkAdminPagesCold times each admin page's first view after a restart: every
// iteration starts a new server (new services, nothing held in memory) on the same store
// of a 1,000-school county and opens the page once, signed in with the session the store
// keeps. Set ASSURE_BENCH_SCHOOLS for another size.
func BenchmarkAdminPagesCold(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("ASSURE_BENCH_SCHOOLS")); err == nil && v > 0 {
		n = v
	}
	lc := newLargeCounty(b, n, "2021-22", "2022-23")
	first := newTestServerOn(b, Config{Partnership: "Test Partnership"}, lc.st).client(b)
	first.signIn()
	// Every page once, so that what a running service keeps in the store (the rounds'
	// lists) is there, as after any restart of a service that has been used.
	for _, path := range lc.adminPages() {
		first.get(path)
	}
	for _, path := range lc.adminPages() {
		b.Run(fmt.Sprintf("%q", path), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				c := *first
				c.t, c.srv = b, newTestServerOn(b, Config{Partnership: "Test Partnership"}, lc.st)
				b.StartTimer()
				if code, body, _ := c.get(path); code != 200 {
					b.Fatalf("%s: %d %s", path, code, body)
				}
			}
		})
	}
}
