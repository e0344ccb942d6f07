package handlers

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
)

// DashboardPage is a round's return rates, its curve of returns, and the chase list.
type DashboardPage struct {
	Page
	Round        forms.Round
	Previous     string
	Summary      []RateView
	Districts    RateTable // a page of them
	Trusts       RateTable // a page of them
	AllThrough   forms.Rate
	DaysLeft     int
	DaysPast     int // days since the deadline, once it has passed
	Curve        CurveChart
	CurveRows    []forms.DayCount // weekly, for the table beside the chart
	Bars         BarChart
	Outstanding  []ChaseRow // the page of them shown
	ChasePager   Pager
	Chased       int // schools in the filtered chase list, all pages
	Selects      []Select
	Filter       chaseFilter
	FilterQuery  string
	NoEmail      int
	ReminderDays string
	CanRemind    bool
	MailOffline  bool
}

// RateView is one line of a rate table.
type RateView struct {
	forms.RateRow
	NowPercent, BeforePercent int
	Change                    string
}

// ChaseRow is one school still to return.
type ChaseRow struct {
	forms.Return
	Status      string
	LastContact string
	DaysLeft    int // to the school's own deadline, which an extension moves
}

// Rows a page of the dashboard's long lists: the page stays well under 100 KB of HTML
// with all three at their longest.
const (
	chasePerPage = 50
	ratesPerPage = 25
)

// pagedRates is a table of rates by district or trust, a page at a time (param names the
// page), anchored at param.
func pagedRates(c *fiber.Ctx, param, caption, group, previous string, rows []forms.RateRow) RateTable {
	pager, lo, hi := pageOf(c, param, len(rows), ratesPerPage, "Pages of "+strings.ToLower(caption), "#"+param)
	return RateTable{Caption: caption, Group: group, Previous: previous, Rows: rateViews(rows[lo:hi]), ID: param, Pager: pager}
}

func rateViews(rows []forms.RateRow) []RateView {
	out := make([]RateView, len(rows))
	for i, r := range rows {
		v := RateView{RateRow: r, NowPercent: r.Now.Percent(), BeforePercent: r.Before.Percent()}
		if r.HadBefore {
			switch ch := r.Change(); {
			case ch > 0:
				v.Change = "+" + strconv.Itoa(ch)
			case ch < 0:
				v.Change = "−" + strconv.Itoa(-ch)
			default:
				v.Change = "0"
			}
		}
		out[i] = v
	}
	return out
}

// chaseFilter narrows the list of schools still to return.
type chaseFilter struct {
	Phase, Governance, District, Status, Email string
}

func chaseFilterOf(get func(string) string) chaseFilter {
	return chaseFilter{Phase: get("phase"), Governance: get("governance"), District: get("district"), Status: get("status"), Email: get("email")}
}

func (f chaseFilter) keep(r forms.Return) bool {
	return (f.Phase == "" || string(r.School.Phase) == f.Phase) &&
		(f.Governance == "" || string(r.School.Governance) == f.Governance) &&
		(f.District == "" || r.School.District == f.District) &&
		(f.Status == "" || r.Status == f.Status) &&
		(f.Email == "" || (f.Email == "yes") == (r.ContactEmail != ""))
}

func (f chaseFilter) query() string {
	v := url.Values{}
	for k, val := range map[string]string{"phase": f.Phase, "governance": f.Governance, "district": f.District, "status": f.Status, "email": f.Email} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v.Encode()
}

func (s *Server) dashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	now := time.Now()
	rep, err := s.deps.Rounds.Report(ctx, c.Params("year"), now)
	if err != nil {
		return err
	}
	f := rep.Figures
	p := DashboardPage{Page: s.basePage(c, "Return rates, round "+rep.Round.ID), Round: rep.Round, Previous: f.Previous,
		Summary: rateViews(f.Summary), AllThrough: f.AllThrough,
		DaysLeft: rep.Round.DaysToDeadline(now), Bars: phaseBars(f), Filter: chaseFilterOf(func(k string) string { return c.Query(k) }),
		ReminderDays: forms.FormatReminderDays(rep.Round.ReminderDays), CanRemind: rep.Round.State == forms.RoundOpen, MailOffline: !s.deps.Mail.Configured()}
	p.Back, p.DaysPast = "/admin/rounds/"+rep.Round.ID, max(0, -p.DaysLeft)
	p.Curve = curveChart(rep.Round.ID, rep.Curve, f.Previous, rep.PreviousCurve)
	for i, d := range rep.Curve {
		if d.Day%7 == 0 || i == len(rep.Curve)-1 {
			p.CurveRows = append(p.CurveRows, d)
		}
	}
	p.Districts = pagedRates(c, "districts", "Return rates by district", "District", f.Previous, f.Districts)
	p.Trusts = pagedRates(c, "trusts", "Return rates by trust (academies and free schools)", "Trust", f.Previous, f.Trusts)
	districts := map[string]bool{}
	var chased []forms.Return
	for _, r := range rep.Outstanding {
		districts[r.School.District] = true
		if !p.Filter.keep(r) {
			continue
		}
		if r.ContactEmail == "" {
			p.NoEmail++
		}
		chased = append(chased, r)
	}
	var lo, hi int
	p.Chased = len(chased)
	p.ChasePager, lo, hi = pageOf(c, "page", len(chased), chasePerPage, "Pages of schools not yet returned", "#chase")
	for _, r := range chased[lo:hi] {
		row := ChaseRow{Return: r, Status: r.StatusLabel(), LastContact: "None", DaysLeft: rep.Round.DaysToDeadlineOf(r, now)}
		if !r.LastContact.IsZero() {
			row.LastContact = r.LastContact.In(academic.London).Format("2 Jan 2006")
		}
		p.Outstanding = append(p.Outstanding, row)
	}
	var names []string
	for d := range districts {
		if d != "" {
			names = append(names, d)
		}
	}
	slices.Sort(names)
	p.FilterQuery = p.Filter.query()
	p.Selects = []Select{
		{Name: "phase", Label: "Phase", All: "All phases", Options: options(forms.Phases, forms.Phase.Label, forms.Phase(p.Filter.Phase))},
		{Name: "governance", Label: "Governance", All: "All", Options: options(forms.Governances, forms.Governance.Label, forms.Governance(p.Filter.Governance))},
		{Name: "district", Label: "District", All: "All districts", Options: options(names, func(s string) string { return s }, p.Filter.District)},
		{Name: "status", Label: "Progress", All: "Any", Options: options([]string{forms.StatusNotStarted, forms.StatusInProgress, forms.StatusAwaitingConfirmation}, func(s string) string {
			return map[string]string{forms.StatusNotStarted: "Not started", forms.StatusInProgress: "In progress",
				forms.StatusAwaitingConfirmation: "Awaiting confirmation"}[s]
		}, p.Filter.Status)},
		{Name: "email", Label: "Contact email", All: "Any", Options: options([]string{"yes", "no"}, func(s string) string {
			return map[string]string{"yes": "Held", "no": "Missing"}[s]
		}, p.Filter.Email)},
	}
	p.Flash = flashFrom(c)
	return s.render(c, fiber.StatusOK, "dashboard", p)
}

// downloadReturns sends the round's return-rate workbook, or its school rows as CSV.
func (s *Server) downloadReturns(c *fiber.Ctx) error {
	ctx := c.UserContext()
	year, format := c.Params("year"), forms.ReturnsFormat(c.Params("format"))
	// Written to a buffer first, so a failure shows an error page, not half a file.
	var buf bytes.Buffer
	req := forms.ReturnsExport{Partnership: s.cfg.Partnership, Year: year, Format: format, Now: time.Now()}
	if _, err := s.deps.Rounds.ExportReturns(ctx, adminActor(c), req, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	if format == forms.ReturnsCSV {
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="assurance-returns-%s.%s"`, year, format))
	return c.Send(buf.Bytes())
}
