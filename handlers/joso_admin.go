package handlers

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/missions"
)

// JOSOYearsPage lists programme years and creates one.
type JOSOYearsPage struct {
	Page
	Years     []missions.Year
	Year      string
	YearError *FieldError
}

func (s *Server) josoYears(c *fiber.Ctx) error {
	return s.renderJOSOYears(c, fiber.StatusOK, "", nil)
}

func (s *Server) renderJOSOYears(c *fiber.Ctx, status int, year string, errs []FieldError) error {
	ys, err := s.deps.JOSO.Catalogue.Years(c.UserContext())
	if err != nil {
		return err
	}
	p := JOSOYearsPage{Page: s.basePage(c, "JOSO programme"), Years: ys, Year: year}
	p.Errors = errs
	if len(errs) > 0 {
		p.YearError = &p.Errors[0]
	}
	return s.render(c, status, "joso-years", p)
}

func (s *Server) createJOSOYear(c *fiber.Ctx) error {
	year := strings.TrimSpace(c.FormValue("year"))
	y, err := s.deps.JOSO.Catalogue.Create(c.UserContext(), adminActor(c), year)
	if errors.Is(err, missions.ErrInvalid) || errors.Is(err, missions.ErrYearExists) {
		msg := "Enter the programme year like 2024-25"
		if errors.Is(err, missions.ErrYearExists) {
			msg = "There is already a programme year " + year
		}
		return s.renderJOSOYears(c, fiber.StatusUnprocessableEntity, year, []FieldError{{Field: "year", Message: msg}})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/joso/"+y.ID, fiber.StatusSeeOther)
}

// JOSOYearPage is a programme year as the partnership runs it.
type JOSOYearPage struct {
	Page
	Year         missions.Year
	Figures      missions.YearFigures
	Previous     *missions.YearFigures
	Heatmap      Heatmap
	Pending      []PendingRow
	Bands        []BandCount
	CanEnrol     bool
	Moves        []Option
	Enrol        EnrolForm
	Categories   string
	AnonymiseOn  string
	Strands      []missions.Strand
	StrandsTable []StrandRow
}

// PendingRow is an activity waiting for approval.
type PendingRow struct {
	Href, School, Date, Mission string
}

// BandCount is how many schools are in a band.
type BandCount struct {
	Name    string
	From    int
	Schools int
}

// EnrolForm is the form to enrol a school, kept as typed when it has errors.
type EnrolForm struct {
	URN, Email, Name string
	Field            map[string]*FieldError
}

// StrandRow is a school's XP by strand, for the heatmap's table.
type StrandRow struct {
	School string
	XP     []int
}

func (s *Server) josoYear(c *fiber.Ctx) error {
	return s.renderJOSOYear(c, fiber.StatusOK, EnrolForm{}, nil)
}

func (s *Server) renderJOSOYear(c *fiber.Ctx, status int, enrol EnrolForm, errs []FieldError) error {
	ctx := c.UserContext()
	cur, prev, err := s.deps.JOSO.Figures.Beside(ctx, c.Params("year"))
	if err != nil {
		return err
	}
	y := cur.Year
	p := JOSOYearPage{Page: s.basePage(c, "JOSO programme "+y.ID), Year: y, Figures: cur, Previous: prev, Heatmap: heatmap(cur),
		CanEnrol: y.Changeable(), Enrol: enrol, Categories: strings.Join(y.Categories, "\n"),
		AnonymiseOn: y.AnonymiseOn, Strands: missions.Strands}
	if p.Enrol.Field == nil {
		p.Enrol.Field = map[string]*FieldError{}
	}
	p.Back = "/admin/joso"
	for _, move := range missions.Moves {
		if y.CanMove(move) == nil {
			p.Moves = append(p.Moves, Option{Value: move, Text: moveLabels[move]})
		}
	}
	pending, err := s.deps.JOSO.Activities.Pending(ctx, y.ID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, st := range cur.Standings {
		names[st.Team.ID] = st.Team.School
		row := StrandRow{School: st.Team.School}
		for _, sd := range missions.Strands {
			row.XP = append(row.XP, st.StrandXP[sd.ID])
		}
		p.StrandsTable = append(p.StrandsTable, row)
	}
	for _, a := range pending {
		m, _, _ := y.ActivityType(a.Type)
		p.Pending = append(p.Pending, PendingRow{Href: fmt.Sprintf("/admin/joso/%s/activities/%s", y.ID, a.ID), School: names[a.Team], Date: longDate(a.Date), Mission: m.Title})
	}
	for _, b := range missions.Bands {
		bc := BandCount{Name: b.Name, From: b.From}
		for _, st := range cur.Standings {
			if st.Band == b.Name {
				bc.Schools++
			}
		}
		p.Bands = append(p.Bands, bc)
	}
	p.Errors = errs
	for i := range p.Errors {
		p.Enrol.Field[p.Errors[i].Field] = &p.Errors[i]
	}
	p.Flash = flashFrom(c)
	return s.render(c, status, "joso-year", p)
}

// moveLabels say what each move of a year does.
var moveLabels = map[string]string{"open": "Open the year: link teachers log missions", "close": "Close the year: no new XP",
	"reopen": "Reopen the year", "archive": "Archive the year"}

func (s *Server) moveJOSOYear(c *fiber.Ctx) error {
	year, move := c.Params("year"), c.FormValue("move")
	if _, err := s.deps.JOSO.Catalogue.Move(c.UserContext(), adminActor(c), year, move); err != nil {
		return err
	}
	return doneRedirect(c, "/admin/joso/"+year, "Year moved on")
}

func (s *Server) josoSettings(c *fiber.Ctx) error {
	year := c.Params("year")
	set := missions.Settings{AutoApprove: c.FormValue("auto-approve") == "yes", AnonymiseOn: strings.TrimSpace(c.FormValue("anonymise-on")),
		Categories: strings.Split(strings.ReplaceAll(c.FormValue("categories"), "\r", ""), "\n")}
	if _, err := s.deps.JOSO.Catalogue.SetSettings(c.UserContext(), adminActor(c), year, set); err != nil {
		if errors.Is(err, missions.ErrInvalid) {
			return s.renderJOSOYear(c, fiber.StatusUnprocessableEntity, EnrolForm{}, []FieldError{{Field: "anonymise-on", Message: capitalise(problemMessage(err))}})
		}
		return err
	}
	return doneRedirect(c, "/admin/joso/"+year, "Settings saved")
}

// enrolSchool enrols a school from the register and emails its link teacher the invitation.
func (s *Server) enrolSchool(c *fiber.Ctx) error {
	ctx := c.UserContext()
	year := c.Params("year")
	f := EnrolForm{URN: strings.TrimSpace(c.FormValue("urn")), Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")), Field: map[string]*FieldError{}}
	var errs []FieldError
	urn, err := strconv.Atoi(f.URN)
	var school forms.School
	if err == nil {
		school, err = s.deps.Register.Get(ctx, urn)
	}
	if err != nil {
		errs = append(errs, FieldError{Field: "urn", Message: "Enter the URN of a school in the register"})
	}
	if len(errs) == 0 {
		t, err := s.deps.JOSO.Teams.Enrol(ctx, adminActor(c), year, missions.SchoolRef{URN: school.URN, Name: school.Name}, f.Email, f.Name)
		var verrs missions.ValidationErrors
		if errors.As(err, &verrs) {
			for _, e := range verrs {
				errs = append(errs, FieldError{Field: e.Field, Message: capitalise(e.Message)})
			}
		} else if err != nil {
			return err
		} else {
			if _, err := s.deps.JOSO.SignIns.Invite(ctx, adminActor(c), t.ID); err != nil {
				return err
			}
			return doneRedirect(c, "/admin/joso/"+year+"#schools", "School enrolled and invitation sent")
		}
	}
	return s.renderJOSOYear(c, fiber.StatusUnprocessableEntity, f, errs)
}

func (s *Server) inviteTeacher(c *fiber.Ctx) error {
	year := c.Params("year")
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	team := missions.TeamID(year, urn)
	if _, err := s.deps.JOSO.SignIns.Invite(c.UserContext(), adminActor(c), team); err != nil {
		return err
	}
	return doneRedirect(c, fmt.Sprintf("/admin/joso/%s/schools/%d", year, urn), "Invitation sent")
}

// AdminTeamPage is one school's year as the partnership sees it, with training attendance
// the partnership can record.
type AdminTeamPage struct {
	Page
	TeamView
	Nominations []NominationView
	Training    TrainingPage
}

func (s *Server) adminTeam(c *fiber.Ctx) error {
	ctx := c.UserContext()
	year := c.Params("year")
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	y, err := s.deps.JOSO.Catalogue.Year(ctx, year)
	if err != nil {
		return err
	}
	t, err := s.deps.JOSO.Teams.Team(ctx, missions.TeamID(year, urn))
	if err != nil {
		return err
	}
	v, err := s.teamView(ctx, t, y, "/admin/joso/"+year)
	if err != nil {
		return err
	}
	p := AdminTeamPage{Page: s.basePage(c, t.School), TeamView: v, Nominations: nominationViews(t)}
	p.Back = "/admin/joso/" + year
	p.Flash = flashFrom(c)
	for _, ses := range y.Sessions {
		f := SessionForm{Session: ses, Kind: missions.SessionKindLabel(ses.Kind)}
		for _, j := range t.JOSOs {
			if !j.Withdrawn {
				f.JOSOs = append(f.JOSOs, Choice{Value: j.ID, Text: j.Name, Checked: slices.Contains(j.Attended, ses.ID)})
			}
		}
		p.Training.Sessions = append(p.Training.Sessions, f)
	}
	p.Training.Action = fmt.Sprintf("/admin/joso/%s/schools/%d/training", year, urn)
	p.Training.CanChange = y.Changeable()
	p.Training.Team = t
	p.Training.Page = p.Page // the attendance forms need the CSRF token
	return s.render(c, fiber.StatusOK, "joso-admin-team", p)
}

func (s *Server) adminTraining(c *fiber.Ctx) error {
	year := c.Params("year")
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	t, err := s.deps.JOSO.Teams.Team(c.UserContext(), missions.TeamID(year, urn))
	if err != nil {
		return err
	}
	if err := s.recordAttendance(c, t, adminActor(c)); err != nil {
		return err
	}
	return doneRedirect(c, fmt.Sprintf("/admin/joso/%s/schools/%d#training", year, urn), "Attendance saved")
}

func (s *Server) pullFaces(c *fiber.Ctx) error {
	year := c.Params("year")
	if _, err := s.deps.JOSO.Evidence.PullFaces(c.UserContext(), adminActor(c), year); err != nil {
		return err
	}
	return doneRedirect(c, "/admin/joso/"+year, "Evidence pulled")
}
