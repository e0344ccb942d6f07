package exports

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/urls"
)

// LinksHeader is the mail merge's header row.
var LinksHeader = []string{"urn", "school", "phase", "status", "contact_email", "link"}

// WriteLinksCSV writes schools' links for a mail merge; publicURL is where links point.
func WriteLinksCSV(w io.Writer, rows []forms.SchoolLink, publicURL string) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(LinksHeader)
	for _, r := range rows {
		_ = cw.Write([]string{strconv.Itoa(r.URN), SafeText(r.School), string(r.Phase), r.Status, SafeText(r.ContactEmail), urls.Return(publicURL, r.Token)})
	}
	cw.Flush()
	return cw.Error()
}
