package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/storetest"
)

// ctxSpy is the real register, noting the context each register page's store call gets.
type ctxSpy struct {
	*forms.Register
	seen []context.Context
}

func (s *ctxSpy) wrap(r *forms.Register) schoolsRegister {
	s.Register = r
	return s
}

func (s *ctxSpy) Summary(ctx context.Context) (forms.RegisterSummary, error) {
	s.seen = append(s.seen, ctx)
	return s.Register.Summary(ctx)
}

func (s *ctxSpy) Districts(ctx context.Context) ([]string, error) {
	s.seen = append(s.seen, ctx)
	return s.Register.Districts(ctx)
}

func (s *ctxSpy) List(ctx context.Context, f forms.SchoolFilter) ([]forms.School, int64, error) {
	s.seen = append(s.seen, ctx)
	return s.Register.List(ctx, f)
}

// Every request runs under a deadline, and the store calls of the register pages use the
// request's context: a request past its deadline stops at its next store call instead of
// holding the register in memory for minutes.
func TestRequestsPastTheirDeadlineStopAtTheStore(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	c := newTestServerOn(t, Config{Partnership: "Test Partnership"}, st).client(t)
	c.signIn()
	// The same session on a server with a deadline: the register pages' store calls get
	// the request's context, deadline and all.
	spy := &ctxSpy{}
	c.srv = newTestServerWrapping(t, Config{Partnership: "Test Partnership"}, st, spy.wrap)
	for _, path := range []string{"/admin", "/admin/schools"} {
		spy.seen = nil
		if code, _, _ := c.get(path); code != http.StatusOK || len(spy.seen) == 0 {
			t.Fatalf("%s: %d, %d register calls", path, code, len(spy.seen))
		}
		for _, ctx := range spy.seen {
			if _, ok := ctx.Deadline(); !ok {
				t.Fatalf("%s: a store call ran without the request's deadline", path)
			}
		}
	}
	// Then on a server whose requests' deadlines have passed as they start: the request
	// stops at its first store call (the session's account check, before any register
	// call), and any register call it made was already past its deadline.
	c.srv = newTestServerWrapping(t, Config{Partnership: "Test Partnership", RequestTimeout: -1}, st, spy.wrap)
	for _, path := range []string{"/admin", "/admin/schools"} {
		spy.seen = nil
		code, _, _ := c.get(path)
		for _, ctx := range spy.seen {
			if _, ok := ctx.Deadline(); !ok || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Fatalf("%s: a store call ran without the request's deadline (err %v)", path, ctx.Err())
			}
		}
		if code == http.StatusOK {
			t.Fatalf("%s answered 200 past its deadline", path)
		}
	}
}

// The register pages read the register's figures from one document and list one page.
func TestRegisterPagesDoNotReadTheWholeRegister(t *testing.T) {
	t.Parallel()
	spy := &ctxSpy{}
	srv := newTestServerWrapping(t, Config{Partnership: "Test Partnership"}, storetest.New(t), spy.wrap)
	ex, err := forms.ReadGIAS(strings.NewReader(string(county.GIAS())), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.register.Import(context.Background(), ex, forms.ImportOptions{By: audit.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	c := srv.client(t)
	c.signIn()
	code, body, _ := c.get("/admin")
	if code != http.StatusOK || !strings.Contains(body, "386") {
		t.Fatalf("admin home: %d\n%s", code, body)
	}
	code, body, _ = c.get("/admin/schools?page=100000")
	if code != http.StatusOK {
		t.Fatalf("a page far past the end: %d", code)
	}
	if strings.Count(body, `href="/admin/schools/`) > schoolsPerPage+5 {
		t.Fatal("more than a page of schools")
	}
}

// An extension before the round's deadline, or more than a year after it, is refused
// beside the date, in words that say why.
func TestExtensionOutOfRangeRefusedBesideTheDate(t *testing.T) {
	t.Parallel()
	srv, _ := roundServer(t) // the round's deadline is 2099-12-13
	admin := srv.client(t)
	admin.signIn()
	page := "/admin/rounds/2024-25/returns/" + strconv.Itoa(urnA)
	for until, want := range map[string]string{"2024-11-01": "after the round", "9999-12-31": "at most a year"} {
		admin.get(page)
		code, body, _ := admin.post(page+"/extension", url.Values{"_csrf": {admin.csrf}, "until": {until}, "reason": {"Flood"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, `id="until-error"`) {
			t.Errorf("an extension to %s: %d, want 422 saying %q beside the date", until, code, want)
		}
	}
}
