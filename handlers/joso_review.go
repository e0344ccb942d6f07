package handlers

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// adminActivity shows an activity to the partnership with its evidence, its ledger
// entries, and the approve, return and withdraw-approval actions.
func (s *Server) adminActivity(c *fiber.Ctx) error {
	return s.renderAdminActivity(c, fiber.StatusOK, nil)
}

func (s *Server) renderAdminActivity(c *fiber.Ctx, status int, errs []FieldError) error {
	ctx := c.UserContext()
	a, err := s.deps.JOSO.Activities.Activity(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if a.Year != c.Params("year") {
		return missions.ErrNotFound
	}
	y, err := s.deps.JOSO.Catalogue.Year(ctx, a.Year)
	if err != nil {
		return err
	}
	t, err := s.deps.JOSO.Teams.Team(ctx, a.Team)
	if err != nil {
		return err
	}
	return s.renderActivity(c, status, t, y, a, errs, false, true)
}

// yearActivity reads the activity named in an admin's address, if it is of the year there.
func (s *Server) yearActivity(c *fiber.Ctx) (missions.Activity, error) {
	a, err := s.deps.JOSO.Activities.Activity(c.UserContext(), c.Params("id"))
	if err != nil || a.Year != c.Params("year") {
		return a, missions.ErrNotFound
	}
	return a, nil
}

// backToActivity sends the admin back to the activity's page after an action on it.
func backToActivity(c *fiber.Ctx, a missions.Activity) error {
	return c.Redirect(fmt.Sprintf("/admin/joso/%s/activities/%s", a.Year, a.ID), fiber.StatusSeeOther)
}

func (s *Server) adminEvidence(c *fiber.Ctx) error {
	a, err := s.yearActivity(c)
	if err != nil {
		return err
	}
	return s.sendEvidence(c, a.Team)
}

// LedgerPage is a year's XP ledger, every line, with the admin's reversal form.
type LedgerPage struct {
	Page
	Year    missions.Year
	Entries []LedgerRow
	Total   int
	Key     string
	Reason  string
	Field   map[string]*FieldError
	School  string
}

// LedgerRow is one ledger line in words.
type LedgerRow struct {
	missions.Entry
	School, Component, ActivityHref string
}

func (s *Server) ledgerPage(c *fiber.Ctx) error {
	return s.renderLedger(c, fiber.StatusOK, nil)
}

func (s *Server) renderLedger(c *fiber.Ctx, status int, errs []FieldError) error {
	ctx := c.UserContext()
	y, err := s.deps.JOSO.Catalogue.Year(ctx, c.Params("year"))
	if err != nil {
		return err
	}
	filter := missions.EntryFilter{Year: y.ID}
	if u, err := strconv.Atoi(c.Query("urn")); err == nil {
		filter.Team = missions.TeamID(y.ID, u)
	}
	es, err := s.deps.JOSO.Ledger.Entries(ctx, filter)
	if err != nil {
		return err
	}
	teams, err := s.deps.JOSO.Teams.OfYear(ctx, y.ID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, t := range teams {
		names[t.ID] = t.School
	}
	p := LedgerPage{Page: s.basePage(c, "XP ledger "+y.ID), Year: y, Key: c.FormValue("key"), Reason: c.FormValue("reason"), Field: map[string]*FieldError{}, School: names[filter.Team]}
	p.Back = "/admin/joso/" + y.ID
	for _, e := range es {
		p.Total += e.Amount
		p.Entries = append(p.Entries, LedgerRow{Entry: e, School: names[e.Team], Component: missions.ComponentLabel(e.Component),
			ActivityHref: fmt.Sprintf("/admin/joso/%s/activities/%s", y.ID, e.Activity)})
	}
	p.Errors = errs
	for i := range p.Errors {
		p.Field[p.Errors[i].Field] = &p.Errors[i]
	}
	p.Flash = flashFrom(c)
	return s.render(c, status, "joso-ledger", p)
}
