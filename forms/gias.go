package forms

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/text"
)

// Bounds on an extract, well above what GIAS publishes, so that a file built to exhaust
// the service is refused before it costs much: the national file is about 60 MB and lists
// about 50,000 establishments (24,000 of them open schools in England), its longest line
// is a few kilobytes and its longest field a few hundred characters.
const (
	MaxGIASFileSize = 200 << 20
	MaxGIASRows     = 100_000
	MaxGIASField    = 500      // characters in any one field
	maxGIASLine     = 64 << 10 // bytes in any one line
)

// FileError is why a GIAS file was refused as a whole, with the line it was found on
// (0 when it is about the whole file). Nothing from a refused file is imported.
type FileError struct {
	Line   int
	Reason string
}

// Kind is Invalid: the file can be corrected and sent again.
func (e *FileError) Kind() problem.Kind { return problem.Invalid }

func (e *FileError) Error() string {
	if e.Line == 0 {
		return "GIAS file refused: " + e.Reason
	}
	return fmt.Sprintf("GIAS file refused: line %d: %s", e.Line, e.Reason)
}

// GIAS column headers, exactly as GIAS writes them.
const (
	colURN          = "URN"
	colLACode       = "LA (code)"
	colLAName       = "LA (name)"
	colEstabNumber  = "EstablishmentNumber"
	colName         = "EstablishmentName"
	colType         = "TypeOfEstablishment (name)"
	colTypeGroup    = "EstablishmentTypeGroup (name)"
	colStatus       = "EstablishmentStatus (name)"
	colPhase        = "PhaseOfEducation (name)"
	colLowAge       = "StatutoryLowAge"
	colHighAge      = "StatutoryHighAge"
	colNursery      = "NurseryProvision (name)"
	colSixthForm    = "OfficialSixthForm (name)"
	colBoarders     = "Boarders (name)"
	colTrusts       = "Trusts (name)"
	colOpenDate     = "OpenDate"
	colCloseDate    = "CloseDate"
	colLastChanged  = "LastChangedDate"
	colDistrict     = "DistrictAdministrative (name)"
	colPostcode     = "Postcode"
	colWebsite      = "SchoolWebsite"
	requiredColumns = "URN, LA (code), EstablishmentName, TypeOfEstablishment (name), EstablishmentTypeGroup (name), EstablishmentStatus (name), PhaseOfEducation (name)"
)

var required = []string{colURN, colLACode, colName, colType, colTypeGroup, colStatus, colPhase}

// GIASRow is one establishment the register will hold, with the line it came from.
type GIASRow struct {
	Line   int
	Record Record
}

// Extract is a GIAS file read, checked and classified, ready to import.
type Extract struct {
	Rows    []GIASRow
	Skipped map[string]int // reason -> rows
	Total   int            // establishments in the file
}

// ReadGIAS reads a GIAS extract (the national file or a custom download), finding columns
// by header, accepting Windows-1252 or UTF-8 with or without a byte-order mark, and keeps
// the rows in the given local authorities (all of them when las is empty). Any malformed
// line refuses the whole file with a *FileError naming the line.
func ReadGIAS(r io.Reader, las []string) (*Extract, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxGIASFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading GIAS file: %w", err)
	}
	if len(raw) > MaxGIASFileSize {
		return nil, &FileError{Reason: fmt.Sprintf("larger than %d MB; the national GIAS file is about 60 MB", MaxGIASFileSize>>20)}
	}
	raw, err = decodeGIAS(raw)
	if err != nil {
		return nil, err
	}
	if line := longLine(raw); line > 0 {
		return nil, &FileError{Line: line, Reason: fmt.Sprintf("the line is longer than %d characters; GIAS lines are a few thousand", maxGIASLine)}
	}
	keep := map[string]bool{}
	for _, la := range las {
		if la = strings.TrimSpace(la); la != "" {
			keep[la] = true
		}
	}

	cr := csv.NewReader(bytes.NewReader(raw))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &FileError{Reason: "the file is empty"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	header = slices.Clone(header) // the reader reuses its record
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.TrimSpace(h)] = i
	}
	var missing []string
	for _, name := range required {
		if _, ok := cols[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, &FileError{Line: 1, Reason: fmt.Sprintf("missing column(s) %s; a GIAS extract needs %s",
			quoteList(missing), requiredColumns)}
	}
	cr.FieldsPerRecord = len(header)

	ex := &Extract{Skipped: map[string]int{}}
	seen := map[int]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line at the end of a hand-edited file
		}
		ex.Total++
		if ex.Total > MaxGIASRows {
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("the file lists more than %d establishments; GIAS lists about 50,000 in all", MaxGIASRows)}
		}
		if i := overlongField(rec); i >= 0 {
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("the %s field is longer than %d characters", strings.TrimSpace(header[i]), MaxGIASField)}
		}
		get := func(col string) string {
			if i, ok := cols[col]; ok {
				return text.Line(rec[i])
			}
			return ""
		}
		// Structure first: every row needs a unique, well-formed URN.
		urn, err := strconv.Atoi(get(colURN))
		if err != nil || urn <= 0 {
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("URN %q is not a positive whole number", get(colURN))}
		}
		if first, dup := seen[urn]; dup {
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("URN %d appears again (first on line %d)", urn, first)}
		}
		seen[urn] = line
		// Then which rows the register keeps. Rows it does not keep (another LA, a type
		// group the return does not cover) are counted, and their other fields are not
		// judged: an odd value in a Welsh or overseas row must not refuse a national file.
		if len(keep) > 0 && !keep[get(colLACode)] {
			ex.Skipped[SkipOutsideLA]++
			continue
		}
		c := Classify(get(colType), get(colTypeGroup), get(colPhase))
		if c.Skip != "" {
			ex.Skipped[c.Skip]++
			continue
		}
		row, err := parseRow(urn, get)
		if err != nil {
			return nil, &FileError{Line: line, Reason: err.Error()}
		}
		row.Phase, row.Governance, row.AllThrough = c.Phase, c.Governance, c.AllThrough
		ex.Rows = append(ex.Rows, GIASRow{Line: line, Record: row})
	}
	if ex.Total == 0 {
		return nil, &FileError{Line: 2, Reason: "the file has a header but no establishments"}
	}
	return ex, nil
}

// parseRow checks and converts the fields of a row the register keeps.
func parseRow(urn int, get func(string) string) (Record, error) {
	var err error
	r := Record{
		URN:                 urn,
		Name:                get(colName),
		LACode:              get(colLACode),
		LAName:              get(colLAName),
		EstablishmentNumber: get(colEstabNumber),
		Type:                get(colType),
		TypeGroup:           get(colTypeGroup),
		GIASStatus:          get(colStatus),
		GIASPhase:           get(colPhase),
		NurseryProvision:    get(colNursery),
		SixthForm:           get(colSixthForm),
		Boarders:            get(colBoarders),
		Trust:               get(colTrusts),
		District:            get(colDistrict),
		Postcode:            get(colPostcode),
		Website:             get(colWebsite),
	}
	if r.Name == "" {
		return Record{}, fmt.Errorf("URN %d has no EstablishmentName", urn)
	}
	var ok bool
	if r.Status, r.ProposedToClose, ok = statusOf(r.GIASStatus); !ok {
		return Record{}, fmt.Errorf("URN %d has an unknown EstablishmentStatus %q", urn, r.GIASStatus)
	}
	if r.LowAge, err = age(get(colLowAge)); err != nil {
		return Record{}, fmt.Errorf("URN %d: StatutoryLowAge: %w", urn, err)
	}
	if r.HighAge, err = age(get(colHighAge)); err != nil {
		return Record{}, fmt.Errorf("URN %d: StatutoryHighAge: %w", urn, err)
	}
	for _, d := range []struct {
		col string
		to  *string
	}{{colOpenDate, &r.OpenDate}, {colCloseDate, &r.CloseDate}, {colLastChanged, &r.LastChanged}} {
		if *d.to, err = giasDate(get(d.col)); err != nil {
			return Record{}, fmt.Errorf("URN %d: %s: %w", urn, d.col, err)
		}
	}
	return r, nil
}

func age(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 99 {
		return 0, fmt.Errorf("%q is not an age in years", s)
	}
	return n, nil
}

// giasDate turns GIAS's dd-mm-yyyy into yyyy-mm-dd, which sorts and compares as text.
func giasDate(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	t, err := time.Parse("02-01-2006", s)
	if err != nil {
		return "", fmt.Errorf("%q is not a date in the form dd-mm-yyyy", s)
	}
	return t.Format(time.DateOnly), nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeGIAS turns the file's bytes into text. GIAS publishes Windows-1252; a file saved
// from a spreadsheet is often UTF-8 with a byte-order mark. UTF-16 and binary files are
// refused rather than guessed at.
func decodeGIAS(raw []byte) ([]byte, error) {
	if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
		return nil, &FileError{Line: 1, Reason: "the file is UTF-16; save it as CSV (UTF-8) or use the file GIAS gave you"}
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return nil, &FileError{Line: lineAt(raw, i), Reason: "the file contains a NUL byte: it is not a CSV text file"}
	}
	if bytes.HasPrefix(raw, utf8BOM) {
		raw = raw[len(utf8BOM):]
		if !utf8.Valid(raw) {
			return nil, &FileError{Line: lineAt(raw, firstInvalidUTF8(raw)), Reason: "the file says it is UTF-8 but this line is not"}
		}
		return raw, nil
	}
	if utf8.Valid(raw) {
		return raw, nil
	}
	// Windows-1252 leaves five bytes undefined; x/text decodes them to U+FFFD.
	decoded, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, &FileError{Reason: "the file is neither UTF-8 nor Windows-1252: " + err.Error()}
	}
	if i := bytes.IndexRune(decoded, utf8.RuneError); i >= 0 {
		return nil, &FileError{Line: lineAt(decoded, i), Reason: "unreadable characters: the file is neither UTF-8 nor Windows-1252"}
	}
	return decoded, nil
}

// longLine returns the number of the first line longer than maxGIASLine, or 0: the CSV
// reader would otherwise hold a line of any length as one record.
func longLine(b []byte) int {
	for line := 1; len(b) > 0; line++ {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b)
		}
		if i > maxGIASLine {
			return line
		}
		b = b[min(i+1, len(b)):]
	}
	return 0
}

// overlongField returns the index of the first field longer than MaxGIASField characters,
// or -1.
func overlongField(rec []string) int {
	for i, f := range rec {
		if len(f) > MaxGIASField && utf8.RuneCountInString(f) > MaxGIASField {
			return i
		}
	}
	return -1
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func lineAt(b []byte, offset int) int { return bytes.Count(b[:offset], []byte{'\n'}) + 1 }

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			reason = "wrong number of fields for the header"
		}
		return &FileError{Line: pe.StartLine, Reason: reason}
	}
	return &FileError{Reason: err.Error()}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func (ex *Extract) skippedTotal() int {
	n := 0
	for _, v := range ex.Skipped {
		n += v
	}
	return n
}
