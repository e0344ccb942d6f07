package handlers

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// NominationsPage lists a school's nominations and takes a new one.
type NominationsPage struct {
	Page
	Team        missions.Team
	Nominations []NominationView
	Categories  []Option
	Nominees    []Option
	Reason      string
	Field       map[string]*FieldError
	CanNominate bool
}

// NominationView is a nomination in words.
type NominationView struct {
	missions.Nomination
	Who, DecisionLabel string
}

func nominationViews(t missions.Team) []NominationView {
	var out []NominationView
	for _, n := range t.Nominations {
		v := NominationView{Nomination: n, Who: "The whole team", DecisionLabel: decisionLabel(n.Decision)}
		if j, ok := t.JOSO(n.JOSO); ok {
			v.Who = j.Name
		}
		out = append(out, v)
	}
	return out
}

func decisionLabel(d string) string {
	switch d {
	case missions.DecisionAwarded:
		return "Awarded"
	case missions.DecisionDeclined:
		return "Not awarded"
	}
	return "Waiting for the partnership"
}

func (s *Server) nominationsPage(c *fiber.Ctx) error {
	return s.renderNominations(c, fiber.StatusOK, nil)
}

func (s *Server) renderNominations(c *fiber.Ctx, status int, errs []FieldError) error {
	t := teacherOf(c)
	p := NominationsPage{Page: s.teacherPage(c, "Celebration nominations"), Team: t.team, Nominations: nominationViews(t.team),
		Reason: c.FormValue("reason"), Field: map[string]*FieldError{}, CanNominate: t.year.Open()}
	p.Categories = options(t.year.Categories, func(s string) string { return s }, c.FormValue("category"))
	p.Nominees = []Option{{Value: "", Text: "The whole team", Selected: c.FormValue("joso") == ""}}
	for _, j := range t.team.Active() {
		p.Nominees = append(p.Nominees, Option{Value: j.ID, Text: j.Name, Selected: c.FormValue("joso") == j.ID})
	}
	p.Errors = errs
	for i := range p.Errors {
		p.Field[p.Errors[i].Field] = &p.Errors[i]
	}
	p.Flash = flashFrom(c)
	return s.render(c, status, "joso-nominations", p)
}

func (s *Server) nominate(c *fiber.Ctx) error {
	t := teacherOf(c)
	_, err := s.deps.JOSO.Teams.Nominate(c.UserContext(), teacherActor(c, t), t.team.ID, 0, c.FormValue("category"), c.FormValue("joso"), c.FormValue("reason"))
	var verrs missions.ValidationErrors
	if errors.As(err, &verrs) {
		var errs []FieldError
		for _, e := range verrs {
			errs = append(errs, FieldError{Field: e.Field, Message: e.Message})
		}
		return s.renderNominations(c, fiber.StatusUnprocessableEntity, errs)
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/joso/school/nominations", "Nomination sent")
}

// CelebrationPage is the year's work as the celebration shows it: school by school, with
// JOSOs named only where their school has consent to show the name.
type CelebrationPage struct {
	Page
	Year    missions.Year
	Schools []missions.CelebratedSchool
	XP      int
}

func (s *Server) celebrationPage(c *fiber.Ctx) error {
	f, schools, err := s.deps.JOSO.Figures.Celebration(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	p := CelebrationPage{Page: s.basePage(c, "Celebration "+f.Year.ID), Year: f.Year, XP: f.XP, Schools: schools}
	p.Back = "/admin/joso/" + f.Year.ID
	return s.render(c, fiber.StatusOK, "joso-celebration", p)
}

// decideNomination records the partnership's decision on one nomination.
func (s *Server) decideNomination(c *fiber.Ctx) error {
	year := c.Params("year")
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	team := missions.TeamID(year, urn)
	if _, err := s.deps.JOSO.Teams.Decide(c.UserContext(), adminActor(c), team, c.Params("nomination"), c.FormValue("decision")); err != nil {
		return err
	}
	return c.Redirect("/admin/joso/"+year+"/nominations#"+strconv.Itoa(urn), fiber.StatusSeeOther)
}

// NominationsAdminPage lists every school's nominations for decision.
type NominationsAdminPage struct {
	Page
	Year    missions.Year
	Schools []SchoolNominations
}

// SchoolNominations is one school's nominations.
type SchoolNominations struct {
	Team        missions.Team
	Nominations []NominationView
	Awarded     int
}

func (s *Server) nominationsAdmin(c *fiber.Ctx) error {
	y, err := s.deps.JOSO.Catalogue.Year(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	teams, err := s.deps.JOSO.Teams.OfYear(c.UserContext(), y.ID)
	if err != nil {
		return err
	}
	p := NominationsAdminPage{Page: s.basePage(c, "Nominations "+y.ID), Year: y}
	p.Back = "/admin/joso/" + y.ID
	for _, t := range teams {
		if len(t.Nominations) > 0 {
			p.Schools = append(p.Schools, SchoolNominations{Team: t, Nominations: nominationViews(t), Awarded: len(t.Certificates())})
		}
	}
	return s.render(c, fiber.StatusOK, "joso-nominations-admin", p)
}

// certificates sends the year's awarded certificates as one PDF, or one school's (?urn=).
func (s *Server) certificates(c *fiber.Ctx) error {
	year := c.Params("year")
	f := missions.CertificateFilter{Year: year, Nomination: c.Query("nomination")}
	if u := c.Query("urn"); u != "" {
		urn, err := strconv.Atoi(u)
		if err != nil {
			return fiber.ErrNotFound
		}
		f.URN = urn
	}
	var buf bytes.Buffer
	count, err := s.deps.JOSO.Teams.WriteCertificatesPDF(c.UserContext(), adminActor(c), f, &buf)
	if err != nil {
		return err
	}
	name := "joso-certificates-" + year
	if u := c.Query("urn"); u != "" {
		name += "-" + u
	}
	if n := c.Query("nomination"); n != "" && count == 1 {
		name += "-" + n
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.pdf"`)
	return c.Send(buf.Bytes())
}

// josoWorkbook sends the year's JOSO workbook.
func (s *Server) josoWorkbook(c *fiber.Ctx) error {
	var buf bytes.Buffer
	cur, err := s.deps.JOSO.Figures.WriteWorkbook(c.UserContext(), adminActor(c), c.Params("year"), &buf)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="joso-`+strings.ReplaceAll(cur.Year.ID, "/", "")+`.xlsx"`)
	return c.Send(buf.Bytes())
}
