package missions

import (
	"context"
	"io"
	"strings"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/internal/audit"
)

// The files the programme gives out: the yearly workbook and the certificates. exports
// writes them from rows in its own words and knows nothing of missions; this file is the
// one place that turns the programme's figures and certificates into those rows, so the
// web front and the command line only parse, call and send.

// WriteWorkbook writes the year's JOSO workbook, the previous year beside it, to w. It is
// audited as an export once the figures are read. It gives back the year's figures.
func (f *Figures) WriteWorkbook(ctx context.Context, by audit.Actor, year string, w io.Writer) (YearFigures, error) {
	cur, prev, err := f.Beside(ctx, year)
	if err != nil {
		return cur, err
	}
	record(ctx, f.log, by, audit.ActionExported, cur.Year.ID, "joso workbook")
	return cur, exports.WriteJOSOWorkbook(w, workbookInput(f.cfg.Partnership, cur, prev))
}

// WriteCertificatesPDF writes the certificates Certificates gives for cf (audited there)
// to w, one page each, and gives how many there were.
func (ts *Teams) WriteCertificatesPDF(ctx context.Context, by audit.Actor, cf CertificateFilter, w io.Writer) (int, error) {
	certs, err := ts.Certificates(ctx, by, cf)
	if err != nil {
		return 0, err
	}
	out := make([]exports.Certificate, len(certs))
	for i, c := range certs {
		out[i] = exports.Certificate{Name: c.Name, Team: c.Team, School: c.School, Category: c.Category, Year: c.Year}
	}
	return len(certs), exports.WriteCertificatesPDF(w, ts.cfg.Partnership, out)
}

// workbookInput is a year's figures, and the previous year's (nil if none), as the
// workbook's rows: each line of this year paired with the previous year's same line.
func workbookInput(partnership string, cur YearFigures, prev *YearFigures) exports.JOSOInput {
	in := exports.JOSOInput{Partnership: partnership, Year: headline(cur)}
	if prev != nil {
		h := headline(*prev)
		in.Previous = &h
	}
	for _, s := range cur.Standings {
		in.Schools = append(in.Schools, exports.JOSOSchool{URN: s.Team.URN, School: s.Team.School, JOSOs: s.JOSOs, Trained: s.Trained,
			Activities: s.Activities, Pending: s.Pending, XP: s.XP, PerTrained: s.PerTrained, Band: s.Band,
			Missions: s.MissionsDone, Strands: s.StrandsCovered()})
	}
	areaLabel := func(c Count) string {
		if a, ok := cur.Year.Area(c.ID); ok {
			names := make([]string, len(a.Strands))
			for i, id := range a.Strands {
				names[i] = StrandName(id)
			}
			return a.Name + " (" + strings.Join(names, "; ") + ")"
		}
		return c.ID
	}
	xp := func(c Count) exports.JOSOTally { return exports.JOSOTally{Count: c.Activities, Amount: c.XP} }
	reach := func(c Count) exports.JOSOTally { return exports.JOSOTally{Count: c.Activities, Amount: c.Reach} }
	count := func(c Count) exports.JOSOTally { return exports.JOSOTally{Count: c.Activities} }
	label := func(c Count) string { return c.Label }
	// A mission area's ID is its year's own, so last year's line is looked for by its
	// label as well.
	in.Areas = paired(cur.ByArea, prev, func(f YearFigures) []Count { return f.ByArea }, true, areaLabel, xp)
	in.Strands = paired(cur.ByStrand, prev, func(f YearFigures) []Count { return f.ByStrand }, false, label, xp)
	in.Audiences = paired(cur.ByAudience, prev, func(f YearFigures) []Count { return f.ByAudience }, false, label, reach)
	in.Categories = paired(cur.ByCategory, prev, func(f YearFigures) []Count { return f.ByCategory }, false, label, count)
	for _, k := range []string{SessionTaught1, SessionTaught2, SessionReview} {
		t := exports.JOSOTraining{Label: SessionKindLabel(k) + " (any session of this kind)", Attending: attendedOfKind(cur, k)}
		if prev != nil {
			t.Before, t.HasBefore = attendedOfKind(*prev, k), true
		}
		in.Training = append(in.Training, t)
	}
	for _, s := range cur.Year.Sessions {
		c := findCount(cur.Attendance, s.ID, "", false)
		in.Training = append(in.Training, exports.JOSOTraining{Label: s.Title + ", " + s.Date, Attending: c.Activities})
	}
	return in
}

// headline is a year's headline figures.
func headline(f YearFigures) exports.JOSOFigures {
	return exports.JOSOFigures{Year: f.Year.ID, Schools: f.Schools, JOSOs: f.JOSOs, Trained: f.Trained, PerSchool: f.PerSchool(),
		Activities: f.Activities, XP: f.XP, Reach: f.Reach, NoActivity: len(f.NoActivity), Certificates: f.Certificates}
}

// paired is this year's counts, each labelled and beside the previous year's count for
// the same line (found by ID, or by label as well when byLabel).
func paired(cur []Count, prev *YearFigures, of func(YearFigures) []Count, byLabel bool,
	label func(Count) string, tally func(Count) exports.JOSOTally) []exports.JOSOCount {
	var out []exports.JOSOCount
	for _, c := range cur {
		row := exports.JOSOCount{Label: label(c), Now: tally(c)}
		if prev != nil {
			row.Before = tally(findCount(of(*prev), c.ID, row.Label, byLabel))
		}
		out = append(out, row)
	}
	return out
}

// findCount finds the previous year's count for a line: by ID, or by label as well.
func findCount(cs []Count, id, label string, byLabel bool) Count {
	for _, c := range cs {
		if c.ID == id || (byLabel && c.Label == label) {
			return c
		}
	}
	return Count{}
}

// attendedOfKind counts the JOSOs attending any session of a kind.
func attendedOfKind(f YearFigures, kind string) int {
	n := 0
	for _, c := range f.Attendance {
		if s, ok := f.Year.Session(c.ID); ok && s.Kind == kind {
			n += c.Activities
		}
	}
	return n
}
