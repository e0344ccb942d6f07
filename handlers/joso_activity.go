package handlers

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// ActivityPage is the form to log or change an activity, or, once it is sent, the record
// of it with its evidence, status and XP.
type ActivityPage struct {
	Page
	Activity   missions.Activity
	New        bool
	Editable   bool
	Missions   []MissionOptions
	Day        string
	Month      string
	YearField  string
	JOSOs      []Choice
	Audiences  []Choice
	Reach      string
	Desc       string
	Field      map[string]*FieldError
	Evidence   []EvidenceView
	Awards     []AwardView
	Action     string // where the form posts
	Base       string // the activity's page
	AsAdmin    bool
	Entries    []missions.Entry
	TeamName   string
	MissionOf  string
	TypeTitle  string
	Credited   []string
	AudienceOf []string
}

// MissionOptions is a mission's activities, an optgroup of the activity select.
type MissionOptions struct {
	Label   string
	Options []Option
}

// EvidenceView is one file of an activity.
type EvidenceView struct {
	missions.EvidenceFile
	Href, Size string
}

// AwardView is one component of an approval in words.
type AwardView struct {
	Label        string
	Amount, Rule int
}

func (s *Server) newActivity(c *fiber.Ctx) error {
	t := teacherOf(c)
	if err := t.team.CanLog(t.year); err != nil {
		return err
	}
	// Nothing is ticked: who took part is the teacher's choice, never a default.
	a := missions.Activity{Status: missions.ActivityDraft}
	return s.renderActivity(c, fiber.StatusOK, t.team, t.year, a, nil, true, false)
}

func (s *Server) teacherActivity(c *fiber.Ctx) error {
	t := teacherOf(c)
	a, err := s.teamActivity(c, t.team.ID)
	if err != nil {
		return err
	}
	return s.renderActivity(c, fiber.StatusOK, t.team, t.year, a, nil, false, false)
}

// teamActivity reads the activity named in the address, if it is this team's.
func (s *Server) teamActivity(c *fiber.Ctx, team string) (missions.Activity, error) {
	a, err := s.deps.JOSO.Activities.Activity(c.UserContext(), c.Params("id"))
	if err != nil {
		return a, err
	}
	if a.Team != team {
		return a, missions.ErrNotFound
	}
	return a, nil
}

func (s *Server) renderActivity(c *fiber.Ctx, status int, team missions.Team, y missions.Year, a missions.Activity, errs []FieldError, isNew, asAdmin bool) error {
	title := "Log an activity"
	if !isNew {
		title = "Activity"
	}
	p := ActivityPage{Page: s.teacherPage(c, title), Activity: a, New: isNew, Editable: a.EditableIn(y) && !asAdmin,
		Reach: strconv.Itoa(a.Reach), Desc: a.Description, Field: map[string]*FieldError{}, AsAdmin: asAdmin, TeamName: team.School}
	if asAdmin {
		p.Page = s.basePage(c, "Activity: "+team.School)
		p.Base = fmt.Sprintf("/admin/joso/%s/activities/%s", y.ID, a.ID)
		p.Back = fmt.Sprintf("/admin/joso/%s/schools/%d", y.ID, team.URN)
	} else {
		p.Base = "/joso/school/activities/" + a.ID
		p.Back = "/joso/school"
	}
	p.Action = p.Base
	if isNew {
		p.Action = "/joso/school/activities"
	}
	if d, err := time.Parse(time.DateOnly, a.Date); err == nil {
		p.Day, p.Month, p.YearField = strconv.Itoa(d.Day()), strconv.Itoa(int(d.Month())), strconv.Itoa(d.Year())
	} else if a.Date != "" {
		parts := strings.SplitN(a.Date, "-", 3)
		if len(parts) == 3 {
			p.YearField, p.Month, p.Day = parts[0], parts[1], parts[2]
		}
	}
	for _, m := range y.Missions {
		area, _ := y.Area(m.Area)
		g := MissionOptions{Label: m.Title + " (" + area.Name + ")"}
		for _, at := range m.Activities {
			r := at.Current()
			g.Options = append(g.Options, Option{Value: at.ID, Text: fmt.Sprintf("%s: %d XP, more for a wider audience", at.Title, r.Base), Selected: at.ID == a.Type})
		}
		p.Missions = append(p.Missions, g)
	}
	m, typ, _ := y.ActivityType(a.Type)
	p.MissionOf, p.TypeTitle = m.Title, typ.Title
	// Only trained JOSOs can be named (XP goes to them alone); one already named stays
	// listed, ticked, so the teacher sees the choice the error is about.
	for _, j := range team.JOSOs {
		if j.Nameable(y) || slices.Contains(a.JOSOs, j.ID) {
			p.JOSOs = append(p.JOSOs, Choice{Value: j.ID, Text: j.Name, Checked: slices.Contains(a.JOSOs, j.ID)})
		}
		if slices.Contains(a.JOSOs, j.ID) {
			p.Credited = append(p.Credited, j.Name)
		}
	}
	for _, au := range missions.Audiences {
		label := missions.AudienceLabel(au)
		if r := typ.Current(); a.Type != "" && r.Bonus(au) > 0 {
			label += fmt.Sprintf(" (+%d XP)", r.Bonus(au))
		}
		p.Audiences = append(p.Audiences, Choice{Value: au, Text: label, Checked: slices.Contains(a.Audiences, au)})
		if slices.Contains(a.Audiences, au) {
			p.AudienceOf = append(p.AudienceOf, missions.AudienceLabel(au))
		}
	}
	for _, e := range a.Evidence {
		p.Evidence = append(p.Evidence, EvidenceView{EvidenceFile: e, Href: p.Base + "/evidence/" + e.ID, Size: humanSize(e.Size)})
	}
	if len(a.Approvals) > 0 {
		last := a.Approvals[len(a.Approvals)-1]
		for _, aw := range last.Award {
			p.Awards = append(p.Awards, AwardView{Label: missions.ComponentLabel(aw.Component), Amount: aw.Amount, Rule: aw.RuleVersion})
		}
	}
	if !isNew {
		es, err := s.deps.JOSO.Ledger.Entries(c.UserContext(), missions.EntryFilter{Activity: a.ID})
		if err != nil {
			return err
		}
		p.Entries = es
	}
	p.Errors = errs
	for i := range p.Errors {
		if _, ok := p.Field[p.Errors[i].Field]; !ok {
			p.Field[p.Errors[i].Field] = &p.Errors[i]
		}
	}
	if !asAdmin {
		p.Flash = flashFrom(c)
	}
	return s.render(c, status, "joso-activity", p)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// activityInput reads the activity form. A date that does not parse is kept as typed
// (year-month-day) so the form shows it back with its error.
func activityInput(c *fiber.Ctx) (missions.ActivityInput, []FieldError) {
	v := formValues(c)
	in := missions.ActivityInput{Type: c.FormValue("type"), JOSOs: v["josos"], WholeTeam: c.FormValue("whole-team") == "yes",
		Audiences: v["audiences"], Description: c.FormValue("description")}
	var errs []FieldError
	day, month, year := strings.TrimSpace(c.FormValue("date-day")), strings.TrimSpace(c.FormValue("date-month")), strings.TrimSpace(c.FormValue("date-year"))
	d, dErr := strconv.Atoi(day)
	m, mErr := strconv.Atoi(month)
	y, yErr := strconv.Atoi(year)
	if dErr == nil && mErr == nil && yErr == nil && y > 1900 && y < 3000 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
		in.Date = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	} else {
		in.Date = year + "-" + month + "-" + day
	}
	reach := strings.TrimSpace(strings.ReplaceAll(c.FormValue("reach"), ",", ""))
	if reach != "" {
		n, err := strconv.Atoi(reach)
		if err != nil {
			errs = append(errs, FieldError{Field: "reach", Message: "Estimated number reached must be a whole number, like 120"})
		}
		in.Reach = n
	}
	return in, errs
}

// saveActivity logs a new activity or changes a draft: saved as a draft, or sent for approval.
func (s *Server) saveActivity(c *fiber.Ctx) error {
	t := teacherOf(c)
	id := c.Params("id")
	version := 0
	if id != "" {
		var err error
		if version, err = formInt(c, "version"); err != nil {
			return fiber.ErrBadRequest
		}
	}
	in, errs := activityInput(c)
	submit := c.FormValue("send") == "approval"
	var a missions.Activity
	var err error
	var verrs missions.ValidationErrors
	if len(errs) == 0 {
		a, err = s.deps.JOSO.Activities.Save(c.UserContext(), teacherActor(c, t), t.team.ID, id, version, in, submit)
		errors.As(err, &verrs)
	} else {
		// The form's own problems stop the save; the programme's are shown with them.
		verrs = in.Check(t.year, t.team, submit)
	}
	if len(errs) > 0 || len(verrs) > 0 {
		for _, e := range verrs {
			field := e.Field
			if field == "date" {
				field = "date-day"
			}
			errs = append(errs, FieldError{Field: field, Message: e.Message})
		}
		shown := missions.Activity{ID: id, Version: version, Type: in.Type, Date: in.Date, JOSOs: in.JOSOs, WholeTeam: in.WholeTeam,
			Audiences: in.Audiences, Reach: in.Reach, Description: in.Description, Status: missions.ActivityDraft}
		if id != "" {
			if old, oerr := s.teamActivity(c, t.team.ID); oerr == nil {
				shown.Evidence, shown.Status, shown.Note = old.Evidence, old.Status, old.Note
			}
		}
		return s.renderActivity(c, fiber.StatusUnprocessableEntity, t.team, t.year, shown, errs, id == "", false)
	}
	if err != nil {
		return err
	}
	done := "Activity saved as a draft"
	switch a.Status {
	case missions.ActivitySubmitted:
		done = "Activity sent for approval"
	case missions.ActivityApproved:
		done = "Activity approved"
	}
	return doneRedirect(c, "/joso/school/activities/"+a.ID, done)
}

// uploadEvidence attaches a file to a draft activity.
func (s *Server) uploadEvidence(c *fiber.Ctx) error {
	t := teacherOf(c)
	a, err := s.teamActivity(c, t.team.ID)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderActivity(c, fiber.StatusUnprocessableEntity, t.team, t.year, a, []FieldError{{Field: "file", Message: "Choose a file to add"}}, false, false)
	}
	if fh.Size > missions.MaxEvidenceBytes {
		return s.renderActivity(c, fiber.StatusUnprocessableEntity, t.team, t.year, a, []FieldError{{Field: "file", Message: "The file must be smaller than 10 MB"}}, false, false)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, missions.MaxEvidenceBytes+1))
	_ = f.Close()
	if err != nil {
		return err
	}
	_, err = s.deps.JOSO.Evidence.Add(c.UserContext(), teacherActor(c, t), t.team.ID, a.ID, fh.Filename, data, c.FormValue("faces") == "yes")
	for _, known := range []error{missions.ErrEvidenceType, missions.ErrEvidenceSize, missions.ErrEvidenceCount, missions.ErrPhotoConsent} {
		if errors.Is(err, known) {
			return s.renderActivity(c, fiber.StatusUnprocessableEntity, t.team, t.year, a, []FieldError{{Field: "file", Message: capitalise(err.Error())}}, false, false)
		}
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/joso/school/activities/"+a.ID, "Evidence added")
}

// removeEvidence takes a file off a draft activity.
func (s *Server) removeEvidence(c *fiber.Ctx) error {
	t := teacherOf(c)
	a, err := s.teamActivity(c, t.team.ID)
	if err != nil {
		return err
	}
	if err := s.deps.JOSO.Evidence.Remove(c.UserContext(), teacherActor(c, t), t.team.ID, a.ID, c.Params("file")); err != nil {
		return err
	}
	return doneRedirect(c, "/joso/school/activities/"+a.ID, "Evidence removed")
}

func (s *Server) teacherEvidence(c *fiber.Ctx) error {
	return s.sendEvidence(c, teacherOf(c).team.ID)
}

// sendEvidence serves a file as a download under the type its bytes were found to be,
// never rendered inline, so a file cannot run as a page of this site.
func (s *Server) sendEvidence(c *fiber.Ctx, team string) error {
	ev, data, err := s.deps.JOSO.Evidence.File(c.UserContext(), team, c.Params("id"), c.Params("file"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ev.Type)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ev.Name+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(data)
}
