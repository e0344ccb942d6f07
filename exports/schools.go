package exports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// SchoolRow is one school of the register as `assure schools list` prints it.
type SchoolRow struct {
	URN        int
	Name       string
	LA         string
	Phase      string
	Governance string
	AllThrough bool
	Status     string
}

// SchoolsCSVHeader is the register listing's header; the columns are a contract with
// whoever reads the file, so they change only by adding at the end.
var SchoolsCSVHeader = []string{"urn", "name", "la", "phase", "governance", "all_through", "status"}

// WriteSchoolsCSV writes the register as CSV.
func WriteSchoolsCSV(w io.Writer, rows []SchoolRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(SchoolsCSVHeader); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{strconv.Itoa(r.URN), SafeText(r.Name), SafeText(r.LA), r.Phase, r.Governance, strconv.FormatBool(r.AllThrough), r.Status}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteSchoolsTable writes the register as an aligned table for a terminal.
func WriteSchoolsTable(w io.Writer, rows []SchoolRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "URN\tNAME\tLA\tPHASE\tGOVERNANCE\tALL-THROUGH\tSTATUS")
	for _, r := range rows {
		at := ""
		if r.AllThrough {
			at = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.URN, r.Name, r.LA, r.Phase, r.Governance, at, r.Status)
	}
	return tw.Flush()
}
