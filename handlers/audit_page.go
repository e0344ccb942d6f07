package handlers

import (
	"encoding/csv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
)

// auditShown is how many entries the page shows; the CSV has every matching entry.
const auditShown = 200

// AuditPage lists the newest audit entries, filtered.
type AuditPage struct {
	Page
	Entries  []audit.Entry
	Who      string
	Action   string
	From, To string
	Actions  []string
	Field    map[string]*FieldError
	CSV      string // the export's address, with the same filter
	More     bool
}

// auditFilter reads the filter from the query: who, action, and from/to dates (yyyy-mm-dd,
// London days, to inclusive).
func auditFilter(c *fiber.Ctx) (audit.Filter, AuditPage, []FieldError) {
	p := AuditPage{Who: strings.TrimSpace(c.Query("who")), Action: c.Query("action"), From: strings.TrimSpace(c.Query("from")),
		To: strings.TrimSpace(c.Query("to")), Actions: audit.Actions}
	f := audit.Filter{Who: p.Who}
	var errs []FieldError
	if p.Action != "" {
		for _, a := range audit.Actions {
			if a == p.Action {
				f.Action = a
			}
		}
		if f.Action == "" {
			errs = append(errs, FieldError{Field: "action", Message: "Choose an action from the list"})
		}
	}
	if len(p.Who) > 200 {
		errs = append(errs, FieldError{Field: "who", Message: "Who must be 200 characters or fewer"})
	}
	day := func(v, field, label string, next int) time.Time {
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, academic.London)
		if err != nil {
			errs = append(errs, FieldError{Field: field, Message: label + " must be a date like 2024-12-13"})
			return time.Time{}
		}
		return d.AddDate(0, 0, next)
	}
	f.From, f.To = day(p.From, "from", "From", 0), day(p.To, "to", "To", 1)
	p.CSV = "/admin/audit.csv"
	if q := c.Context().QueryArgs().String(); q != "" {
		p.CSV += "?" + q
	}
	return f, p, errs
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	f, p, errs := auditFilter(c)
	p.Page = s.basePage(c, "Audit log")
	if len(errs) > 0 {
		p.Errors, p.Field = errs, map[string]*FieldError{}
		for i := range p.Errors {
			p.Field[p.Errors[i].Field] = &p.Errors[i]
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "audit", p)
	}
	err := s.deps.Audit.Each(c.UserContext(), f, auditShown+1, func(e audit.Entry) error {
		p.Entries = append(p.Entries, e)
		return nil
	})
	if err != nil {
		return err
	}
	if len(p.Entries) > auditShown {
		p.Entries, p.More = p.Entries[:auditShown], true
	}
	return s.render(c, fiber.StatusOK, "audit", p)
}

// auditCSV exports every entry the filter selects, newest first, streamed. Cells that a
// spreadsheet would read as a formula are escaped: actors and details can be typed by anyone.
func (s *Server) auditCSV(c *fiber.Ctx) error {
	f, _, errs := auditFilter(c)
	if len(errs) > 0 {
		return fiber.NewError(fiber.StatusBadRequest, errs[0].Message)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="assure-audit-log.csv"`)
	w := csv.NewWriter(c.Response().BodyWriter())
	_ = w.Write([]string{"when (UTC)", "who", "action", "what", "detail", "from address"})
	err := s.deps.Audit.Export(c.UserContext(), adminActor(c), f, c.Context().QueryArgs().String(), func(e audit.Entry) error {
		return w.Write([]string{e.At.UTC().Format(time.RFC3339), exports.SafeText(e.Actor), e.Action, exports.SafeText(e.Target),
			exports.SafeText(e.Detail), e.IP})
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	return err
}
