package forms

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

// The register held in memory lists what the store's own query would, filter by filter.
func TestListInMemoryMatchesTheStoresQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	g := NewRegister(st)
	importBytes(t, g, readFixture(t), "850", "936")
	p, schools, err := g.current(ctx)
	if err != nil || p.Chunks == 0 {
		t.Fatalf("pointer %+v, %v: want a snapshot", p, err)
	}
	for _, f := range []SchoolFilter{
		{},
		{Phase: PhasePrimary},
		{Phase: PhaseSecondary, Governance: GovAcademy},
		{Status: StatusClosed},
		{District: "East Hampshire", Status: StatusOpen},
		{LACode: "936"},
		{Search: "infant"},
		{Search: "ST. "},
		{Search: "(c"},
		{Search: "115850"},
		{Search: "nothing like a school"},
	} {
		want, err := store.FindAll[School](ctx, schools, f.query())
		if err != nil {
			t.Fatal(err)
		}
		sortByName(want)
		got, total, err := g.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if total != int64(len(want)) || !slices.Equal(schoolIDs(got), schoolIDs(want)) {
			t.Fatalf("%+v: %d schools %v, want %d %v", f, total, firstFive(schoolIDs(got)), len(want), firstFive(schoolIDs(want)))
		}
		f.Offset, f.Limit = 10, 25
		page, total, err := g.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if total != int64(len(want)) || !slices.Equal(schoolIDs(page), schoolIDs(want[min(10, len(want)):min(35, len(want))])) {
			t.Fatalf("%+v: page %v of %d", f, schoolIDs(page), total)
		}
	}
}

func schoolIDs(list []School) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

func firstFive(s []string) []string { return s[:min(len(s), 5)] }

// An import by another instance is seen by this one's next listing, which had the
// register in memory; and a fresh instance reads the register from the snapshot.
func TestListSeesAnotherInstancesImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	here, there := NewRegister(st), NewRegister(st)
	importBytes(t, there, county.GIAS())
	if _, n, err := here.List(ctx, SchoolFilter{Limit: 10}); err != nil || n != 386 {
		t.Fatalf("first listing: %d, %v", n, err)
	}
	ex, err := ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		t.Fatal(err)
	}
	ex.Rows[0].Record.Name = "Renamed Primary School"
	ex.Rows[0].Record.LastChanged = "2030-01-01"
	ex.Rows = ex.Rows[:len(ex.Rows)-1] // one school fewer in the file: it stays, as GIAS drops no one
	ex.Rows = append(ex.Rows, GIASRow{Line: 999, Record: SyntheticExtract(1).Rows[0].Record})
	if _, err := there.Import(ctx, ex, ImportOptions{By: audit.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]*Register{"this instance": here, "a fresh instance": NewRegister(st)} {
		list, n, err := g.List(ctx, SchoolFilter{Search: "Renamed"})
		if err != nil || n != 1 || list[0].URN != ex.Rows[0].Record.URN {
			t.Fatalf("%s: %v %d %v", name, list, n, err)
		}
		if _, n, _ := g.List(ctx, SchoolFilter{}); n != 387 {
			t.Fatalf("%s: %d schools, want 387", name, n)
		}
	}
	// Only the current register's snapshot is kept once the next import tidies.
	importBytes(t, there, county.GIAS())
	n, err := st.Collection("register_snapshots").CountDocuments(ctx, bson.D{{Key: "import", Value: bson.D{{Key: "$ne", Value: mustPointer(t, there).Import}}}})
	if err != nil || n != 0 {
		t.Fatalf("%d snapshot parts of earlier imports kept, %v", n, err)
	}
}

func mustPointer(t *testing.T, g *Register) registerPointer {
	t.Helper()
	p, _, err := g.current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The snapshot's encoding gives back every field of every school, and refuses damage.
func TestSnapshotEncodingKeepsEveryField(t *testing.T) {
	t.Parallel()
	var list []School
	for n := range 3 {
		s := School{ID: strconv.Itoa(n), Updated: time.UnixMilli(int64(1700000000000 + n)).UTC()}
		v := reflect.ValueOf(&s.Record).Elem()
		for i := range v.NumField() {
			switch f := v.Field(i); f.Kind() {
			case reflect.String:
				f.SetString(fmt.Sprintf("%s %d", v.Type().Field(i).Name, n%2))
			case reflect.Int:
				f.SetInt(int64(i*1000 - n))
			case reflect.Bool:
				f.SetBool((i+n)%2 == 0)
			default:
				t.Fatalf("Record.%s is a %s: teach register_codec.go to keep it", v.Type().Field(i).Name, f.Kind())
			}
		}
		list = append(list, s)
	}
	list = append(list, School{ID: "empty"})
	data, err := encodeSchools(list)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeSchools(data, nil)
	if err != nil || !reflect.DeepEqual(got, list) {
		t.Fatalf("decoded %+v, %v;\nwant %+v", got, err, list)
	}
	if _, err := decodeSchools(data[:len(data)-3], nil); err == nil {
		t.Fatal("a cut snapshot decoded")
	}
}
