package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/demo/joso"
)

// errNotEmpty is a load test pointed at a store that already holds a register.
var errNotEmpty = errors.New("the load test's store is not empty")

// importCounty fills the empty register with a county of n schools through the service's
// own GIAS importer, as an officer's upload would. The demo county (386 schools) is its
// base: fewer than that takes an even spread of its schools (every kind is still there,
// and at least the open primaries the demo JOSO year needs);
// more adds open primaries, named and districted like the county's own, so a 1,000-school
// round has the county's mix plus the bulk a larger county's primaries would bring.
func importCounty(ctx context.Context, a *app.App, n int) error {
	if count, err := a.Register.Count(ctx); err != nil {
		return err
	} else if count > 0 {
		return errNotEmpty
	}
	ex, err := countyExtract(n)
	if err != nil {
		return err
	}
	_, err = a.Register.Import(ctx, ex, forms.ImportOptions{File: fmt.Sprintf("load test county (%d schools)", n), By: audit.Actor{Name: "loadtest"}})
	return err
}

// countyExtract is the extract importCounty imports: n schools of the demo county's
// local authority, lines numbered as a file's would be.
func countyExtract(n int) (*forms.Extract, error) {
	base, err := forms.ReadGIAS(bytes.NewReader(county.GIAS()), nil)
	if err != nil {
		return nil, err
	}
	rows := base.Rows
	if n < len(rows) {
		// An even spread of each kind, with the open primaries the demo JOSO year needs.
		var primaries, others []forms.GIASRow
		for _, r := range rows {
			if r.Record.Phase == forms.PhasePrimary && r.Record.Status == forms.StatusOpen {
				primaries = append(primaries, r)
			} else {
				others = append(others, r)
			}
		}
		np := min(n, max(joso.Schools2223, n*len(primaries)/len(rows)))
		rows = append(spread(primaries, np), spread(others, n-np)...)
	}
	if extra := n - len(rows); extra > 0 {
		like := rows[len(rows)/2].Record // a county school, for its authority's code and name
		for i, row := range forms.SyntheticExtract(extra).Rows {
			r := row.Record
			r.LACode, r.LAName = like.LACode, like.LAName
			r.District = base.Rows[i%len(base.Rows)].Record.District
			r.Name = fmt.Sprintf("Load Test Primary School %04d", i+1)
			rows = append(rows, forms.GIASRow{Record: r})
		}
	}
	for i := range rows {
		rows[i].Line = i + 2 // after the header
	}
	return &forms.Extract{Rows: rows, Skipped: map[string]int{}, Total: len(rows)}, nil
}

// spread is n rows taken evenly from rows.
func spread(rows []forms.GIASRow, n int) []forms.GIASRow {
	out := make([]forms.GIASRow, n)
	for i := range out {
		out[i] = rows[i*len(rows)/n]
	}
	return out
}
