package exports

import (
	"encoding/csv"
	"io"
	"strconv"
)

// LinksHeader is the mail merge's header row.
var LinksHeader = []string{"urn", "school", "phase", "status", "contact_email", "link"}

// LinkRow is one school's line of the mail merge.
type LinkRow struct {
	URN          int
	School       string
	Phase        string // the phase's key, like primary
	Status       string // as an admin reads it
	ContactEmail string
	Link         string // the school's link to its return, in full
}

// WriteLinksCSV writes schools' links for a mail merge.
func WriteLinksCSV(w io.Writer, rows []LinkRow) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(LinksHeader)
	for _, r := range rows {
		_ = cw.Write([]string{strconv.Itoa(r.URN), SafeText(r.School), r.Phase, r.Status, SafeText(r.ContactEmail), r.Link})
	}
	cw.Flush()
	return cw.Error()
}
