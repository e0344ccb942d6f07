package forms

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/storetest"
)

func importBytes(t *testing.T, g *Register, file []byte, las ...string) ImportReport {
	t.Helper()
	ex, err := ReadGIAS(bytes.NewReader(file), las)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := g.Import(context.Background(), ex, ImportOptions{By: audit.Actor{Name: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestImportFixtureTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := NewRegister(storetest.New(t))
	var calls, last int
	ex, err := ReadGIAS(bytes.NewReader(readFixture(t)), []string{"850", "936"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := g.Import(ctx, ex, ImportOptions{By: audit.Actor{Name: "test"}, Progress: func(done, total int) { calls++; last = done }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1096 || rep.Updated+rep.Closed+rep.Unchanged != 0 {
		t.Fatalf("first import: %+v", rep)
	}
	if calls < 2 || last != 1096 {
		t.Fatalf("progress: %d calls, last %d", calls, last)
	}
	n, _ := g.Count(ctx)
	if n != 1096 {
		t.Fatalf("register holds %d", n)
	}
	rep = importBytes(t, g, readFixture(t), "850", "936")
	if rep.Changed() || rep.Unchanged != 1096 {
		t.Fatalf("second import changed things: %+v", rep)
	}
	s, err := g.Get(ctx, 115850)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Alton Infant School" || s.LACode != "850" || s.Phase != PhasePrimary || s.Governance != GovMaintained ||
		s.District != "East Hampshire" || s.LowAge != 4 || s.HighAge != 7 {
		t.Fatalf("school: %+v", s)
	}
	if h, err := g.History(ctx, 115850); err != nil || len(h) != 1 || h[0].Change != "added" {
		t.Fatalf("history after two imports: %+v %v", h, err)
	}
}

func TestReimportUpdatesClosesAndAdds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := NewRegister(storetest.New(t))
	row := func(urn, name, status, changed string) string {
		return `"` + urn + `","925","Lincolnshire","` + name + `","Community school","Local authority maintained schools","` + status + `","Primary","` + changed + `","Boston"`
	}
	first := giasCSV(testHeader, row("120001", "Alpha Primary", "Open", "01-04-2022"), row("120002", "Beta Primary", "Open", "01-04-2022"), row("120003", "Gamma Primary", "Open", "01-04-2022"))
	if rep := importBytes(t, g, first); rep.Added != 3 {
		t.Fatalf("first: %+v", rep)
	}
	// A newer extract: Alpha renamed, Beta closed, Gamma unchanged, Delta new; Epsilon
	// (missing from the file) stays as it is.
	second := giasCSV(testHeader,
		row("120001", "Alpha Church of England Primary", "Open", "01-09-2022"),
		row("120002", "Beta Primary", "Closed", "31-08-2022"),
		row("120003", "Gamma Primary", "Open", "01-04-2022"),
		row("120004", "Delta Primary", "Proposed to open", "01-09-2022"))
	rep := importBytes(t, g, second)
	if rep.Added != 1 || rep.Updated != 1 || rep.Closed != 1 || rep.Unchanged != 1 {
		t.Fatalf("second: %+v", rep)
	}
	beta, _ := g.Get(ctx, 120002)
	betaHistory, _ := g.History(ctx, 120002)
	if beta.Status != StatusClosed || len(betaHistory) != 2 || betaHistory[1].Change != "closed" {
		t.Fatalf("beta: %+v %+v", beta, betaHistory)
	}
	alpha, _ := g.Get(ctx, 120001)
	alphaHistory, _ := g.History(ctx, 120001)
	if alpha.Name != "Alpha Church of England Primary" || len(alphaHistory) != 2 || !strings.Contains(strings.Join(alphaHistory[1].Fields, ","), "name") {
		t.Fatalf("alpha: %+v %+v", alpha, alphaHistory)
	}
	// An older extract than the register's copy does not undo the newer one.
	rep = importBytes(t, g, first)
	if rep.Skipped[SkipStale] != 2 || rep.Changed() {
		t.Fatalf("stale import: %+v", rep)
	}
	if a, _ := g.Get(ctx, 120001); a.Name != "Alpha Church of England Primary" {
		t.Fatal("stale extract overwrote a newer record")
	}
	list, total, err := g.List(ctx, SchoolFilter{Status: StatusOpen})
	if err != nil || total != 2 || len(list) != 2 {
		t.Fatalf("open schools: %d %v", total, err)
	}
	list, _, _ = g.List(ctx, SchoolFilter{Search: "gamma"})
	if len(list) != 1 || list[0].URN != 120003 {
		t.Fatalf("search: %+v", list)
	}
	if _, err := g.Get(ctx, 999); !errors.Is(err, ErrSchoolNotFound) {
		t.Fatalf("missing school: %v", err)
	}
}

func TestMalformedFileImportsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := NewRegister(storetest.New(t))
	file := append(readFixture(t), []byte("\"999999\",\"850\"\r\n")...)
	if _, err := ReadGIAS(bytes.NewReader(file), nil); err == nil || !strings.Contains(err.Error(), "line 1098") {
		t.Fatalf("err = %v, want line 1098", err)
	}
	if n, _ := g.Count(ctx); n != 0 {
		t.Fatalf("register holds %d after a refused file", n)
	}
}

func TestConcurrentImportsOneAtATime(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	g := NewRegister(st)
	ex, err := ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]error, 4)
	reps := make([]ImportReport, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], results[i] = g.Import(context.Background(), ex, ImportOptions{By: audit.Actor{Name: "test"}})
		}()
	}
	wg.Wait()
	added := 0
	for i, err := range results {
		if err != nil && !errors.Is(err, ErrImportRunning) {
			t.Fatalf("import %d: %v", i, err)
		}
		if err == nil {
			added += reps[i].Added
		}
	}
	n, _ := g.Count(context.Background())
	if n != 386 || added != 386 {
		t.Fatalf("register %d, added %d; want 386 each", n, added)
	}
}

func TestDistricts(t *testing.T) {
	t.Parallel()
	g := NewRegister(storetest.New(t))
	importBytes(t, g, county.GIAS())
	d, err := g.Districts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 7 || d[0] != "Boston" {
		t.Fatalf("districts %v", d)
	}
}
