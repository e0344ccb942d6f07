package handlers

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/missions"
)

// TeamView is a school's year as its link teacher (and the partnership) sees it: the team
// total, each JOSO's contribution, progress through missions and strands, and the
// activity history. Pupils' contributions appear only here, never ranked.
type TeamView struct {
	Team     missions.Team
	Year     missions.Year
	Trained  int
	Released bool
	XP       int
	JOSOs    []JOSOView
	missions.Progress
	Activities []ActivityRow
	Base       string // where this team's activity pages are
}

// JOSOView is one JOSO with their status and XP.
type JOSOView struct {
	missions.JOSO
	Status   string
	XP       int
	Sessions []SessionMark
}

// SessionMark says whether a JOSO attended one session.
type SessionMark struct {
	Title    string
	Attended bool
}

// ActivityRow is one line of an activity history.
type ActivityRow struct {
	ID, Date, Mission, Activity, Status, Href string
	XP                                        int
}

func (s *Server) teamView(ctx context.Context, t missions.Team, y missions.Year, base string) (TeamView, error) {
	v := TeamView{Team: t, Year: y, Trained: t.Trained(y), Released: t.Released(y), Base: base}
	tot, err := s.deps.JOSO.Ledger.CachedTotals(ctx, t.ID)
	if err != nil {
		return v, err
	}
	v.XP = tot.XP
	for _, j := range t.JOSOs {
		jv := JOSOView{JOSO: j, Status: j.Status(y), XP: tot.JOSOs[j.ID]}
		for _, ses := range y.Sessions {
			jv.Sessions = append(jv.Sessions, SessionMark{Title: ses.Title, Attended: slices.Contains(j.Attended, ses.ID)})
		}
		v.JOSOs = append(v.JOSOs, jv)
	}
	acts, err := s.deps.JOSO.Activities.OfTeam(ctx, t.ID)
	if err != nil {
		return v, err
	}
	for _, a := range acts {
		m, typ, _ := y.ActivityType(a.Type)
		row := ActivityRow{ID: a.ID, Date: longDate(a.Date), Mission: m.Title, Activity: typ.Title, Status: missions.ActivityStatusLabel(a.Status), Href: base + "/activities/" + a.ID}
		if ap, ok := a.Current(); ok {
			row.XP = ap.Total()
		}
		v.Activities = append(v.Activities, row)
	}
	v.Progress = missions.ProgressOf(y, acts)
	return v, nil
}

// TeacherHomePage is the link teacher's front page.
type TeacherHomePage struct {
	Page
	TeamView
}

func (s *Server) teacherHome(c *fiber.Ctx) error {
	t := teacherOf(c)
	v, err := s.teamView(c.UserContext(), t.team, t.year, "/joso/school")
	if err != nil {
		return err
	}
	p := TeacherHomePage{Page: s.teacherPage(c, t.team.School+": Junior Online Safety Officers "+t.year.ID), TeamView: v}
	p.Flash = flashFrom(c)
	return s.render(c, fiber.StatusOK, "joso-home", p)
}

// JOSOsPage lists a team's JOSOs with a form to add one and a form per JOSO to change.
type JOSOsPage struct {
	Page
	TeamView
	CanChange bool
	Name      string              // what was typed in the form with the error
	Typed     missions.JOSOChange // and what was ticked there
	NameError *FieldError
	Editing   string // the JOSO whose form had an error ("": the form to add one)
}

func (s *Server) josoList(c *fiber.Ctx) error {
	return s.renderJOSOs(c, fiber.StatusOK, nil, "", "")
}

func (s *Server) renderJOSOs(c *fiber.Ctx, status int, errs []FieldError, name, editing string) error {
	t := teacherOf(c)
	v, err := s.teamView(c.UserContext(), t.team, t.year, "/joso/school")
	if err != nil {
		return err
	}
	p := JOSOsPage{Page: s.teacherPage(c, "JOSOs"), TeamView: v, Name: name, Editing: editing,
		CanChange: t.year.Changeable()}
	p.Errors = errs
	if len(errs) > 0 {
		p.Typed = missions.JOSOChange{Consent: consentFrom(c), Withdrawn: c.FormValue("withdrawn") == "yes"}
	}
	if len(errs) > 0 && editing == "" {
		p.NameError = &p.Errors[0]
	}
	p.Flash = flashFrom(c)
	return s.render(c, status, "joso-josos", p)
}

func consentFrom(c *fiber.Ctx) missions.Consent {
	return missions.Consent{Certificate: c.FormValue("certificate") == "yes", Celebration: c.FormValue("celebration") == "yes", Photos: c.FormValue("photos") == "yes"}
}

// nameError is what is wrong with a JOSO's name as the form shows it, if the domain
// refused it for its name (or the team's size).
func nameError(err error, field string) []FieldError {
	var dup *missions.DuplicateNameError
	switch {
	case errors.As(err, &dup):
		return []FieldError{{Field: field, Message: "There is already a JOSO called " + dup.Name + " in your team. Use a name that tells them apart, for example with a middle initial"}}
	case errors.Is(err, missions.ErrInvalid):
		return []FieldError{{Field: field, Message: capitalise(problemMessage(err))}}
	}
	return nil
}

// addJOSO adds a JOSO: a first name and surname initial only.
func (s *Server) addJOSO(c *fiber.Ctx) error {
	t := teacherOf(c)
	name := strings.TrimSpace(c.FormValue("name"))
	version, _ := formInt(c, "version")
	_, _, err := s.deps.JOSO.Teams.AddJOSO(c.UserContext(), teacherActor(c, t), t.team.ID, version, name, consentFrom(c))
	if errs := nameError(err, "name"); errs != nil {
		return s.renderJOSOs(c, fiber.StatusUnprocessableEntity, errs, name, "")
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/joso/school/josos", "JOSO added")
}

// changeJOSO renames a JOSO, changes their consent, or withdraws or reinstates them.
func (s *Server) changeJOSO(c *fiber.Ctx) error {
	t := teacherOf(c)
	id := c.Params("joso")
	version, _ := formInt(c, "version")
	name := strings.TrimSpace(c.FormValue("name"))
	_, err := s.deps.JOSO.Teams.ChangeJOSO(c.UserContext(), teacherActor(c, t), t.team.ID, version, id, missions.JOSOChange{Name: name, Consent: consentFrom(c), Withdrawn: c.FormValue("withdrawn") == "yes"})
	if errs := nameError(err, "name-"+id); errs != nil {
		return s.renderJOSOs(c, fiber.StatusUnprocessableEntity, errs, name, id)
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/joso/school/josos", "JOSO changed")
}

// TrainingPage records who attended each session: one form per session.
type TrainingPage struct {
	Page
	TeamView
	Sessions  []SessionForm
	Action    string
	CanChange bool
}

// SessionForm is one session's attendance form.
type SessionForm struct {
	missions.Session
	Kind  string
	JOSOs []Choice
}

// Choice is a checkbox.
type Choice struct {
	Value, Text string
	Checked     bool
}

func (s *Server) trainingPage(c *fiber.Ctx) error {
	t := teacherOf(c)
	return s.renderTraining(c, t.team, t.year, s.teacherPage(c, "Training"), "/joso/school/training")
}

func (s *Server) renderTraining(c *fiber.Ctx, team missions.Team, y missions.Year, page Page, action string) error {
	v, err := s.teamView(c.UserContext(), team, y, "")
	if err != nil {
		return err
	}
	p := TrainingPage{Page: page, TeamView: v, Action: action, CanChange: y.Changeable()}
	for _, ses := range y.Sessions {
		f := SessionForm{Session: ses, Kind: missions.SessionKindLabel(ses.Kind)}
		for _, j := range team.JOSOs {
			if !j.Withdrawn {
				f.JOSOs = append(f.JOSOs, Choice{Value: j.ID, Text: j.Name, Checked: slices.Contains(j.Attended, ses.ID)})
			}
		}
		p.Sessions = append(p.Sessions, f)
	}
	p.Flash = flashFrom(c)
	return s.render(c, fiber.StatusOK, "joso-training", p)
}

func (s *Server) saveTraining(c *fiber.Ctx) error {
	t := teacherOf(c)
	if err := s.recordAttendance(c, t.team, teacherActor(c, t)); err != nil {
		return err
	}
	return doneRedirect(c, "/joso/school/training", "Attendance saved")
}

// recordAttendance saves one session's attendance from a training form.
func (s *Server) recordAttendance(c *fiber.Ctx, team missions.Team, by audit.Actor) error {
	version, _ := formInt(c, "version")
	session := c.FormValue("session")
	attended := formValues(c)["attended"]
	if _, err := s.deps.JOSO.Teams.SetAttendance(c.UserContext(), by, team.ID, version, session, attended); err != nil {
		return err
	}
	return nil
}

func formInt(c *fiber.Ctx, name string) (int, error) {
	return strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
}
