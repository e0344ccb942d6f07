package forms

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

func boundsRow(urn int, name string) string {
	return fmt.Sprintf(`"%d","925","Lincolnshire","%s","Community school","Local authority maintained schools","Open","Primary","01-04-2022","Boston"`, urn, name)
}

// A file bigger than any real register is refused, naming where it went too far, and so
// are fields and lines longer than GIAS ever writes.
func TestReadGIASBoundsRowsFieldsAndLines(t *testing.T) {
	t.Parallel()
	var many strings.Builder
	many.WriteString(testHeader + "\n")
	for i := 1; i <= MaxGIASRows+1; i++ {
		many.WriteString(boundsRow(100000+i, "School") + "\n")
	}
	tests := []struct {
		name string
		file []byte
		line int
		has  string
	}{
		{"too many rows", []byte(many.String()), MaxGIASRows + 2, "more than 100000"},
		{"a field too long", giasCSV(testHeader, boundsRow(120001, "A"), boundsRow(120002, strings.Repeat("x", MaxGIASField+1))), 3, "EstablishmentName"},
		{"a field too long in a column the register ignores", giasCSV(testHeader, strings.Replace(boundsRow(120001, "A"), "Lincolnshire", strings.Repeat("é", MaxGIASField+1), 1)), 2, "LA (name)"},
		{"a line too long", giasCSV(testHeader, boundsRow(120001, "A"), boundsRow(120002, "A")+`,"`+strings.Repeat("x", maxGIASLine)+`"`), 3, "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGIAS(bytes.NewReader(tc.file), nil)
			var fe *FileError
			if !errors.As(err, &fe) || fe.Line != tc.line || !strings.Contains(fe.Reason, tc.has) {
				t.Fatalf("err = %v, want line %d with %q", err, tc.line, tc.has)
			}
		})
	}
}

// snapshotRegister is everything a reader can see of the register.
func snapshotRegister(t *testing.T, g *Register) string {
	t.Helper()
	ctx := context.Background()
	list, total, err := g.List(ctx, SchoolFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "total %d\n", total)
	for _, s := range list {
		fmt.Fprintf(&b, "%+v\n", s.Record)
	}
	// The history of the first and last schools, and of the one a changed file adds.
	for _, urn := range []int{list[0].URN, list[len(list)-1].URN, 999001} {
		h, err := g.History(ctx, urn)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d: %+v\n", urn, h)
	}
	last, err := g.LastImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "last import %v\n", last != nil && last.ID != "")
	if last != nil {
		fmt.Fprintf(&b, "%s\n", last.ID)
	}
	return b.String()
}

// changedExtract renames every school of ex and adds one, as a later GIAS file might.
func changedExtract(ex *Extract) *Extract {
	out := &Extract{Skipped: map[string]int{}, Total: ex.Total + 1}
	for _, r := range ex.Rows {
		r.Record.Name += " (renamed)"
		out.Rows = append(out.Rows, r)
	}
	last := out.Rows[len(out.Rows)-1]
	last.Line++
	last.Record.URN = 999001
	return &Extract{Rows: append(out.Rows, last), Skipped: out.Skipped, Total: out.Total}
}

// An import that fails part way, on a row the store cannot hold or because the import was
// stopped mid-write, leaves the register exactly as it was.
func TestImportFailingLateLeavesTheRegisterAsBefore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := NewRegister(storetest.New(t))
	ex, err := ReadGIAS(bytes.NewReader(readFixture(t)), []string{"850", "936"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Import(ctx, ex, ImportOptions{By: audit.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	before := snapshotRegister(t, g)

	t.Run("a last row too large for the store", func(t *testing.T) {
		bad := changedExtract(ex)
		bad.Rows[len(bad.Rows)-1].Record.Name = strings.Repeat("x", 17<<20)
		if _, err := g.Import(ctx, bad, ImportOptions{By: audit.Actor{Name: "test"}}); err == nil {
			t.Fatal("an import with a 17 MB school succeeded")
		}
		if after := snapshotRegister(t, g); after != before {
			t.Fatal("the register changed")
		}
	})
	t.Run("stopped after the first schools were written", func(t *testing.T) {
		stop, cancel := context.WithCancel(ctx)
		defer cancel()
		_, err := g.Import(stop, changedExtract(ex), ImportOptions{By: audit.Actor{Name: "test"}, Progress: func(done, total int) {
			if done > 0 {
				cancel()
			}
		}})
		if err == nil {
			t.Fatal("a stopped import succeeded")
		}
		if after := snapshotRegister(t, g); after != before {
			t.Fatal("the register changed")
		}
	})
	// And the lock went with the failed imports: the next one runs.
	rep, err := g.Import(ctx, changedExtract(ex), ImportOptions{By: audit.Actor{Name: "test"}})
	if err != nil || rep.Added != 1 || rep.Updated != len(ex.Rows) {
		t.Fatalf("the next import: %+v %v", rep, err)
	}
	if s, err := g.Get(ctx, ex.Rows[0].Record.URN); err != nil || !strings.HasSuffix(s.Name, "(renamed)") {
		t.Fatalf("after the good import: %+v %v", s, err)
	}
}

// killedImporterEnv carries the store and database a re-run of this test binary imports
// into before it is killed (TestHelperKilledImporter).
const killedImporterEnv = "ASSURE_KILLED_IMPORTER"

// testLease is the lease the killed importer holds: short, so the test does not wait long.
const testLease = 2 * time.Second

// TestHelperKilledImporter is not a test on its own: TestKilledImporterDoesNotBlock runs the
// test binary again with killedImporterEnv set, and this imports until it is killed.
func TestHelperKilledImporter(t *testing.T) {
	t.Parallel()
	uri, db, ok := strings.Cut(os.Getenv(killedImporterEnv), " ")
	if !ok {
		return
	}
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Wrap(ctx, client, db, store.KindEmbedded)
	if err != nil {
		t.Fatal(err)
	}
	g := NewRegister(st)
	g.lease = testLease
	ex, err := ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Import(ctx, ex, ImportOptions{By: audit.Actor{Name: "killed"}, Progress: func(done, total int) {
		if done > 0 {
			fmt.Println("IMPORTING")
			select {} // until killed
		}
	}})
	t.Fatalf("the import returned: %v", err)
}

// A lock left by an importer that was killed lapses after its short lease: the next import
// is not blocked for the lock's old thirty minutes, and the register shows nothing of the
// killed import.
func TestKilledImporterDoesNotBlock(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	g := NewRegister(st)
	g.lease = testLease
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperKilledImporter$", "-test.count=1")
	cmd.Env = append(os.Environ(), killedImporterEnv+"="+storetest.URI(t)+" "+st.DB.Name())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() && !strings.Contains(sc.Text(), "IMPORTING") {
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed := time.Now()

	ctx := context.Background()
	var lock struct {
		Expires time.Time `bson:"expires"`
	}
	if err := st.Collection("locks").FindOne(ctx, bson.D{{Key: "_id", Value: "register-import"}}).Decode(&lock); err != nil {
		t.Fatalf("the killed importer held no lock: %v", err)
	}
	if lock.Expires.After(killed.Add(testLease)) {
		t.Fatalf("the killed importer's lock lasts until %s, %s after it died; want within its lease of %s",
			lock.Expires.Format(time.RFC3339), lock.Expires.Sub(killed).Round(time.Second), testLease)
	}
	if n, err := g.Count(ctx); err != nil || n != 0 {
		t.Fatalf("the killed import shows %d schools (%v)", n, err)
	}
	time.Sleep(time.Until(lock.Expires) + 100*time.Millisecond)
	ex, err := ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := g.Import(ctx, ex, ImportOptions{By: audit.Actor{Name: "test"}})
	if err != nil {
		t.Fatalf("the import after a killed one: %v", err)
	}
	if n, _ := g.Count(ctx); rep.Added != 386 || n != 386 {
		t.Fatalf("added %d, register %d; want 386", rep.Added, n)
	}
}
