package forms

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/lscp/assure/internal/demo/county"
)

// fixturePath finds a file under ../shared/fixtures; a missing fixture fails the test.
func fixturePath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "fixtures", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("fixture %s is missing (the shared/ folder must sit beside the project): %v", rel, err)
	}
	return p
}

func readFixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(fixturePath(t, "gias/hampshire-surrey-primary-2022-04-20.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadGIASFixture(t *testing.T) {
	t.Parallel()
	ex, err := ReadGIAS(bytes.NewReader(readFixture(t)), []string{"850", "936"})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Total != 1096 || len(ex.Rows) != 1096 || len(ex.Skipped) != 0 {
		t.Fatalf("total %d, rows %d, skipped %v; want 1096 all imported", ex.Total, len(ex.Rows), ex.Skipped)
	}
	count := map[string]int{}
	for _, r := range ex.Rows {
		count["phase:"+string(r.Record.Phase)]++
		count["gov:"+string(r.Record.Governance)]++
		count["status:"+string(r.Record.Status)]++
		count["gias:"+r.Record.GIASStatus]++
		if r.Record.AllThrough {
			count["all-through"]++
		}
	}
	want := map[string]int{
		"phase:primary": 1096, "gov:maintained": 929, "gov:academy": 160, "gov:free": 7,
		"status:open": 728, "status:closed": 368, "gias:Open": 726, "gias:Open, but proposed to close": 2,
		"all-through": 4,
	}
	for k, v := range want {
		if count[k] != v {
			t.Errorf("%s = %d, want %d", k, count[k], v)
		}
	}
	// The LA filter: Hampshire alone.
	ex, err = ReadGIAS(bytes.NewReader(readFixture(t)), []string{"850"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Rows)+ex.Skipped[SkipOutsideLA] != 1096 || ex.Skipped[SkipOutsideLA] == 0 || len(ex.Rows) == 0 {
		t.Fatalf("LA filter: kept %d, outside %d", len(ex.Rows), ex.Skipped[SkipOutsideLA])
	}
}

// giasCSV builds a small extract with the given header and rows.
func giasCSV(header string, rows ...string) []byte {
	return []byte(header + "\r\n" + strings.Join(rows, "\r\n") + "\r\n")
}

const testHeader = `"URN","LA (code)","LA (name)","EstablishmentName","TypeOfEstablishment (name)","EstablishmentTypeGroup (name)","EstablishmentStatus (name)","PhaseOfEducation (name)","LastChangedDate","DistrictAdministrative (name)"`

func TestReadGIASEncodings(t *testing.T) {
	t.Parallel()
	row := `"120001","925","Lincolnshire","École Saint-Hélène Primary","Community school","Local authority maintained schools","Open","Primary","01-04-2022","Boston"`
	utf8File := giasCSV(testHeader, row)
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes(utf8File)
	if err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string][]byte{
		"utf-8":         utf8File,
		"utf-8 BOM":     append([]byte{0xEF, 0xBB, 0xBF}, utf8File...),
		"windows-1252":  cp1252,
		"LF line ends":  bytes.ReplaceAll(utf8File, []byte("\r\n"), []byte("\n")),
		"national-like": giasCSV(`"URN","LA (code)","LA (name)","TypeOfEstablishment (code)","EstablishmentName","TypeOfEstablishment (name)","EstablishmentTypeGroup (name)","EstablishmentStatus (name)","PhaseOfEducation (name)"`, `"120001","925","Lincolnshire","01","École Saint-Hélène Primary","Community school","Local authority maintained schools","Open","Primary"`),
	} {
		t.Run(name, func(t *testing.T) {
			ex, err := ReadGIAS(bytes.NewReader(file), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(ex.Rows) != 1 || ex.Rows[0].Record.Name != "École Saint-Hélène Primary" {
				t.Fatalf("rows %+v", ex.Rows)
			}
		})
	}
}

func TestReadGIASRefusesMalformed(t *testing.T) {
	t.Parallel()
	good := `"120001","925","Lincolnshire","A School","Community school","Local authority maintained schools","Open","Primary","01-04-2022","Boston"`
	utf16 := append([]byte{0xFF, 0xFE}, []byte("U\x00R\x00N\x00")...)
	tests := []struct {
		name string
		file []byte
		line int
		has  string
	}{
		{"empty", nil, 0, "empty"},
		{"no URN column", giasCSV(strings.Replace(testHeader, `"URN",`, `"Ref",`, 1), good), 1, `"URN"`},
		{"short row", giasCSV(testHeader, good, `"120002","925","Lincolnshire"`), 3, "wrong number of fields"},
		{"bad URN", giasCSV(testHeader, good, strings.Replace(good, "120001", "12x", 1)), 3, "URN"},
		{"duplicate URN", giasCSV(testHeader, good, good), 3, "appears again"},
		{"bad date", giasCSV(testHeader, strings.Replace(good, "01-04-2022", "2022-04-01", 1)), 2, "dd-mm-yyyy"},
		{"unknown status", giasCSV(testHeader, strings.Replace(good, `"Open"`, `"Dormant"`, 1)), 2, "EstablishmentStatus"},
		{"utf-16", utf16, 1, "UTF-16"},
		{"NUL byte", append(giasCSV(testHeader, good), 0, 'x'), 3, "NUL"},
		{"undefined cp1252 byte", giasCSV(testHeader, good, strings.Replace(good, "A School", "B Sch\x81ol", 1)), 3, "unreadable"},
		{"bare quote", giasCSV(testHeader, good, `"120003","925","Linc"olnshire","A","B","C","Open","Primary","",""`), 3, "quote"},
		{"header only", giasCSV(testHeader), 2, "no establishments"},
		{"bad URN in another LA", giasCSV(testHeader, good, strings.Replace(strings.Replace(good, "120001", "x", 1), `"925"`, `"201"`, 1)), 3, "URN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadGIAS(bytes.NewReader(tt.file), nil)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FileError", err)
			}
			if fe.Line != tt.line || !strings.Contains(fe.Error(), tt.has) {
				t.Fatalf("err = %q (line %d), want line %d mentioning %q", fe.Error(), fe.Line, tt.line, tt.has)
			}
		})
	}
}

// Rows the register does not keep are counted, not judged.
func TestReadGIASDoesNotJudgeSkippedRows(t *testing.T) {
	t.Parallel()
	good := `"120001","925","Lincolnshire","A School","Community school","Local authority maintained schools","Open","Primary","01-04-2022","Boston"`
	welsh := `"400001","","Wales","Ysgol Gymraeg","Welsh establishment","Welsh schools","Dormant","Primary","not a date",""`
	otherLA := `"120002","201","City of London","B School","Community school","Local authority maintained schools","Sleeping","Primary","31-02-2022",""`
	ex, err := ReadGIAS(bytes.NewReader(giasCSV(testHeader, good, welsh, otherLA)), []string{"925"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Rows) != 1 || ex.Skipped[SkipOutsideLA] != 2 {
		t.Fatalf("rows %d, skipped %v", len(ex.Rows), ex.Skipped)
	}
	ex, err = ReadGIAS(bytes.NewReader(giasCSV(testHeader, good, welsh)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Rows) != 1 || ex.Skipped[SkipExcludedGroup("Welsh schools")] != 1 {
		t.Fatalf("rows %d, skipped %v", len(ex.Rows), ex.Skipped)
	}
}

func TestDemoGIASMatchesTheReport(t *testing.T) {
	t.Parallel()
	ex, err := ReadGIAS(bytes.NewReader(county.GIAS()), []string{county.LA})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range ex.Rows {
		count[string(r.Record.Phase)]++
		count[string(r.Record.Phase)+"/"+string(r.Record.Governance)]++
		if r.Record.AllThrough {
			count["all-through"]++
		}
	}
	want := map[string]int{
		"nursery": 5, "primary": 281, "secondary": 53, "special": 18, "independent": 24, "alternative": 5,
		"primary/maintained": 162, "primary/academy": 117, "primary/free": 2,
		"secondary/maintained": 2, "secondary/academy": 50, "secondary/free": 1,
		"special/maintained": 5, "special/academy": 13, "all-through": 1,
	}
	if len(ex.Rows) != 386 {
		t.Errorf("demo county has %d schools, want 386", len(ex.Rows))
	}
	for k, v := range want {
		if count[k] != v {
			t.Errorf("%s = %d, want %d", k, count[k], v)
		}
	}
}

func FuzzReadGIAS(f *testing.F) {
	f.Add(giasCSV(testHeader, `"120001","925","Lincolnshire","A School","Community school","Local authority maintained schools","Open","Primary","01-04-2022","Boston"`))
	f.Add(county.GIAS()[:700])
	f.Add([]byte("URN\n1\n"))
	f.Add([]byte{0xEF, 0xBB, 0xBF, '"', 'U'})
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, err := ReadGIAS(bytes.NewReader(data), nil)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a FileError: %v", err)
			}
			return
		}
		for _, r := range ex.Rows {
			if r.Record.URN <= 0 || r.Record.Phase == "" || r.Record.Governance == "" || r.Record.Status == "" {
				t.Fatalf("accepted an unclassified row: %+v", r)
			}
		}
		if len(ex.Rows)+ex.skippedTotal() != ex.Total {
			t.Fatalf("rows %d + skipped %d != total %d", len(ex.Rows), ex.skippedTotal(), ex.Total)
		}
	})
}
