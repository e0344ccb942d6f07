package handlers

import (
	"slices"

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
