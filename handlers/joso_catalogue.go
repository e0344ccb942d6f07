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

// CataloguePage is a year's mission areas (and the strands each covers), its missions
// with their XP rules and every earlier version, and its training sessions.
type CataloguePage struct {
	Page
	Year        missions.Year
	Editable    bool
	Areas       []AreaForm
	Missions    []MissionView
	AreaOpts    []Option
	Sessions    []SessionRow
	KindOpts    []string
	Field       map[string]*FieldError
	NewTitle    string
	NewActivity string
}

// AreaForm is an area with its strand checkboxes.
type AreaForm struct {
	missions.Area
	Strands []Choice
}

// MissionView is a mission with its activities and rules.
type MissionView struct {
	missions.Mission
	AreaName   string
	Activities []ActivityTypeView
}

// ActivityTypeView is an activity type, its current rule and its history.
type ActivityTypeView struct {
	missions.ActivityType
	Current missions.Rule
	Earlier []missions.Rule
}

// SessionRow is one line of the sessions form.
type SessionRow struct {
	missions.Session
	N     int
	Kinds []Option
}

func (s *Server) cataloguePage(c *fiber.Ctx) error {
	return s.renderCatalogue(c, fiber.StatusOK, nil)
}

func (s *Server) renderCatalogue(c *fiber.Ctx, status int, errs []FieldError) error {
	return s.renderCatalogueWith(c, status, errs, nil)
}

// renderCatalogueWith shows the catalogue; typed, if not nil, are the sessions form's rows
// as sent, shown back instead of the year's.
func (s *Server) renderCatalogueWith(c *fiber.Ctx, status int, errs []FieldError, typed []missions.Session) error {
	y, err := s.deps.JOSO.Catalogue.Year(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	p := CataloguePage{Page: s.basePage(c, "Missions and XP rules "+y.ID), Year: y, Field: map[string]*FieldError{},
		Editable: y.Changeable(), NewTitle: c.FormValue("title"), NewActivity: c.FormValue("activity")}
	p.Back = "/admin/joso/" + y.ID
	for _, a := range y.Areas {
		af := AreaForm{Area: a}
		for _, st := range missions.Strands {
			af.Strands = append(af.Strands, Choice{Value: st.ID, Text: st.Name, Checked: slices.Contains(a.Strands, st.ID)})
		}
		p.Areas = append(p.Areas, af)
		p.AreaOpts = append(p.AreaOpts, Option{Value: a.ID, Text: a.Name, Selected: c.FormValue("area") == a.ID})
	}
	for _, m := range y.Missions {
		area, _ := y.Area(m.Area)
		mv := MissionView{Mission: m, AreaName: area.Name}
		for _, at := range m.Activities {
			v := ActivityTypeView{ActivityType: at, Current: at.Current()}
			if len(at.Rules) > 1 {
				v.Earlier = slices.Clone(at.Rules[:len(at.Rules)-1])
				slices.Reverse(v.Earlier)
			}
			mv.Activities = append(mv.Activities, v)
		}
		p.Missions = append(p.Missions, mv)
	}
	kinds := []string{missions.SessionTaught1, missions.SessionTaught2, missions.SessionReview}
	rows := y.Sessions
	if typed != nil {
		rows = typed
	}
	for i, ses := range append(slices.Clone(rows), missions.Session{}) {
		p.Sessions = append(p.Sessions, SessionRow{Session: ses, N: i, Kinds: options(kinds, missions.SessionKindLabel, ses.Kind)})
	}
	p.Errors = errs
	for i := range p.Errors {
		p.Field[p.Errors[i].Field] = &p.Errors[i]
	}
	p.Flash = flashFrom(c)
	return s.render(c, status, "joso-catalogue", p)
}

// ruleFrom reads an XP rule's points from a form; a blank is 0.
func ruleFrom(c *fiber.Ctx) (missions.Rule, bool) {
	var r missions.Rule
	ok := true
	for _, f := range []struct {
		name string
		to   *int
	}{{"base", &r.Base}, {"whole-school", &r.WholeSchool}, {"parents", &r.Parents}, {"ks1", &r.KS1}, {"ks2", &r.KS2}, {"cap", &r.Cap}} {
		v := strings.TrimSpace(c.FormValue(f.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			ok = false
		}
		*f.to = n
	}
	return r, ok
}

// changeCatalogue maps an area's strands, makes a new version of a rule, or adds a mission.
func (s *Server) changeCatalogue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	year, by := c.Params("year"), adminActor(c)
	var err error
	var done string
	switch c.Params("what") {
	case "area":
		area := c.FormValue("area")
		_, err = s.deps.JOSO.Catalogue.SetAreaStrands(ctx, by, year, area, formValues(c)["strands"])
		if errors.Is(err, missions.ErrInvalid) {
			return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "strands-" + area, Message: "Choose at least one strand for the area"}})
		}
		done = "Strands saved"
	case "rule":
		activity := c.FormValue("activity")
		r, ok := ruleFrom(c)
		if !ok {
			return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "base-" + activity, Message: "Points must be whole numbers from 0 to 1,000"}})
		}
		_, err = s.deps.JOSO.Catalogue.SetRule(ctx, by, year, activity, r)
		done = "New rule version made"
	case "mission":
		r, ok := ruleFrom(c)
		if !ok {
			return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "new-base", Message: "Points must be whole numbers from 0 to 1,000"}})
		}
		_, err = s.deps.JOSO.Catalogue.AddMission(ctx, by, year, c.FormValue("area"), c.FormValue("title"), c.FormValue("activity"), r)
		if errors.Is(err, missions.ErrInvalid) {
			return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "title", Message: capitalise(strings.TrimPrefix(err.Error(), "not valid: "))}})
		}
		done = "Mission added"
	case "sessions":
		return s.saveSessions(c)
	default:
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/joso/"+year+"/catalogue", done)
}

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
