package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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

// reviewActivity approves, returns or withdraws the approval of an activity.
func (s *Server) reviewActivity(c *fiber.Ctx) error {
	ctx := c.UserContext()
	year, id := c.Params("year"), c.Params("id")
	a, err := s.deps.JOSO.Activities.Activity(ctx, id)
	if err != nil || a.Year != year {
		return missions.ErrNotFound
	}
	by := adminActor(c)
	reason := c.FormValue("reason")
	switch c.Params("action") {
	case "approve":
		_, _, err = s.deps.JOSO.Ledger.Approve(ctx, by, id)
	case "unapprove":
		_, _, err = s.deps.JOSO.Ledger.Unapprove(ctx, by, id, reason)
		if errors.Is(err, missions.ErrReasonNeeded) {
			return s.renderAdminActivity(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "reason", Message: "Give the reason for withdrawing the approval"}})
		}
	case "return":
		_, err = s.deps.JOSO.Activities.Return(ctx, by, id, reason)
		if errors.Is(err, missions.ErrReasonNeeded) {
			return s.renderAdminActivity(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "reason", Message: "Say what the link teacher should change"}})
		}
	case "pull":
		err = s.deps.JOSO.Evidence.Pull(ctx, by, a.Team, id, c.FormValue("file"))
	default:
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/joso/%s/activities/%s", year, id), fiber.StatusSeeOther)
}

func (s *Server) adminEvidence(c *fiber.Ctx) error {
	a, err := s.deps.JOSO.Activities.Activity(c.UserContext(), c.Params("id"))
	if err != nil || a.Year != c.Params("year") {
		return missions.ErrNotFound
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

// reverseEntry posts an admin's reversal of one entry, with a reason: the one change a
// closed year accepts.
func (s *Server) reverseEntry(c *fiber.Ctx) error {
	year := c.Params("year")
	key, reason := strings.TrimSpace(c.FormValue("key")), c.FormValue("reason")
	_, err := s.deps.JOSO.Ledger.Reverse(c.UserContext(), adminActor(c), year, key, reason)
	var msg, field string
	switch {
	case errors.Is(err, missions.ErrReasonNeeded):
		msg, field = "Give the reason for the reversal", "reason"
	case errors.Is(err, missions.ErrNotFound):
		msg, field = "Enter the key of an entry in this year's ledger", "key"
	case errors.Is(err, missions.ErrAlreadyReversed), errors.Is(err, missions.ErrInvalid):
		msg, field = capitalise(strings.TrimPrefix(err.Error(), "not valid: ")), "key"
	case err != nil:
		return err
	}
	if msg != "" {
		return s.renderLedger(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: field, Message: msg}})
	}
	return doneRedirect(c, "/admin/joso/"+year+"/ledger", "Entry reversed")
}
