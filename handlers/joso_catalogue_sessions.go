package handlers

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// sessionRows reads the sessions form: every row with an ID or a title, in order. A row
// whose title was emptied stands for removing that session.
func sessionRows(c *fiber.Ctx) []missions.Session {
	var rows []missions.Session
	for i := range maxSessionRows {
		n := strconv.Itoa(i)
		r := missions.Session{ID: strings.TrimSpace(c.FormValue("id-" + n)), Title: strings.TrimSpace(c.FormValue("title-" + n)), Kind: c.FormValue("kind-" + n),
			Date: strings.TrimSpace(c.FormValue("date-" + n)), CatchUp: c.FormValue("catch-up-"+n) == "yes"}
		if r.ID != "" || r.Title != "" {
			rows = append(rows, r)
		}
	}
	return rows
}

// maxSessionRows is the most rows the sessions form is read for.
const maxSessionRows = 20

// SessionsConfirmPage asks before a change to the sessions removes any: the form's rows
// ride along as hidden fields, so confirming works without JavaScript.
type SessionsConfirmPage struct {
	Page
	Year    string
	Removed []RemovedSession
	Rows    []missions.Session
}

// RemovedSession is a session the change would remove, in words.
type RemovedSession struct {
	Title, Kind, Date string
}

// saveSessions saves the training schedule. Removing a session is confirmed first; a
// session with attendance is never removed.
func (s *Server) saveSessions(c *fiber.Ctx) error {
	year := c.Params("year")
	rows := sessionRows(c)
	sessions := slices.DeleteFunc(slices.Clone(rows), func(r missions.Session) bool { return r.Title == "" })
	_, err := s.deps.JOSO.Catalogue.SetSessions(c.UserContext(), adminActor(c), year, sessions, c.FormValue("confirm") == "yes")
	var removal *missions.RemovalError
	var attended *missions.SessionAttendedError
	switch {
	case errors.As(err, &removal):
		p := SessionsConfirmPage{Page: s.basePage(c, "Remove training sessions "+year), Year: year, Rows: rows}
		p.Back = "/admin/joso/" + year + "/catalogue#sessions"
		for _, r := range removal.Sessions {
			p.Removed = append(p.Removed, RemovedSession{Title: r.Title, Kind: missions.SessionKindLabel(r.Kind), Date: longDate(r.Date)})
		}
		return s.render(c, fiber.StatusOK, "joso-sessions-confirm", p)
	case errors.As(err, &attended):
		// The session stays: show it back, where it was if the form had it.
		i := slices.IndexFunc(rows, func(r missions.Session) bool { return r.ID == attended.Session.ID })
		if i < 0 {
			rows, i = append(rows, attended.Session), len(rows)
		}
		rows[i].Title = attended.Session.Title
		josos := fmt.Sprintf("%d JOSOs", attended.JOSOs)
		if attended.JOSOs == 1 {
			josos = "1 JOSO"
		}
		msg := fmt.Sprintf("You cannot remove %s: attendance is recorded for it for %s. Clear that attendance first, or keep the session", attended.Session.Title, josos)
		return s.renderCatalogueWith(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "title-" + strconv.Itoa(i), Message: msg}}, rows)
	case errors.Is(err, missions.ErrInvalid):
		return s.renderCatalogueWith(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "title-0", Message: capitalise(strings.Replace(err.Error(), "not valid: ", "", 1))}}, rows)
	case err != nil:
		return err
	}
	return doneRedirect(c, "/admin/joso/"+year+"/catalogue", "Sessions saved")
}
