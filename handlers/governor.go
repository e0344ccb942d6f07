package handlers

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
)

// A governor's link is exchanged at /r/TOKEN for a session that names the return and the
// link's hash; the token then leaves the address bar (and never reaches a Referer). Every
// governor page checks the link is still the return's current one, so a revoked or
// reissued link stops working at once, even mid-session.
const (
	sessReturn = "gov_return"
	sessLink   = "gov_link"
	localGov   = "governor"
)

// governor is what a governor's request carries once checked.
type governor struct {
	ret   forms.Return
	round forms.Round
}

// canEdit says whether the governor may still change answers (forms decides).
func (g *governor) canEdit() bool { return g.round.OpenForChanges(g.ret) }

// sections are the school's sections, the declaration last.
func (g *governor) sections() []forms.Section { return g.round.Sections(g.ret) }

// actor is the governor as the audit log names them.
func (g *governor) actor(c *fiber.Ctx) audit.Actor { return forms.Governor(g.ret, c.IP()) }

// LinkProblemPage explains a link that does not work.
type LinkProblemPage struct {
	Page
	ClosedRound string // the link is good but its round is closed
	Confirming  bool   // a governor's confirmation link, not a school's link
	TooMany     string // what was done to the return too often today (signOffLimiter)
}

func (s *Server) openLink(c *fiber.Ctx) error {
	ret, err := s.deps.Assurance.OpenLink(c.UserContext(), c.Params("token"), c.IP())
	if errors.Is(err, forms.ErrLinkInvalid) || errors.Is(err, forms.ErrReturnNotFound) {
		return s.render(c, fiber.StatusNotFound, "link-problem", LinkProblemPage{Page: s.basePage(c, "This link does not work")})
	}
	if err != nil {
		return err
	}
	// A link opens a governor session only; anyone else signed in on this browser is signed out.
	if err := s.freshSession(c, map[string]any{sessReturn: ret.ID, sessLink: ret.LinkHash}); err != nil {
		return err
	}
	// The round as read in the last two seconds, as every governor page reads it
	// (requireGovernor): a burst of openings does not read its whole form each.
	if round, err := s.deps.Rounds.Recent(c.UserContext(), ret.Round); err == nil && round.EmailCode {
		return c.Redirect("/return/code", fiber.StatusSeeOther)
	}
	if ret.Status == forms.StatusNotStarted {
		return c.Redirect("/return/start", fiber.StatusSeeOther)
	}
	return c.Redirect("/return", fiber.StatusSeeOther)
}

// StartPage introduces the return before the governor begins.
type StartPage struct {
	Page
	School, Round, Deadline string
	// LastYear is the round of the answers the return can start from (the round carries
	// forward, and the school submitted then); Version is the return's, for that form.
	LastYear string
	Version  int
	// TwoPerson: the return is prepared here and confirmed by a governor (signoff.go).
	TwoPerson bool
}

func (s *Server) returnStart(c *fiber.Ctx) error {
	g := governorOf(c)
	p := StartPage{Page: s.basePage(c, "Give your school's safeguarding assurance"), School: g.ret.School.Name, Round: g.round.ID,
		Deadline: longDate(g.round.DeadlineOf(g.ret))}
	p.Governor, p.Version, p.TwoPerson = true, g.ret.Version, g.round.TwoPerson
	if g.round.CarryForward && g.ret.Status == forms.StatusNotStarted && g.canEdit() {
		last, err := s.deps.Assurance.LastSubmitted(c.UserContext(), g.ret.Key())
		switch {
		case err == nil:
			p.LastYear = strings.SplitN(last.Return, ":", 2)[0]
		case !errors.Is(err, forms.ErrNothingToCarry):
			return err
		}
	}
	return s.render(c, fiber.StatusOK, "start", p)
}

// requireGovernor admits a request only with a governor session whose link is still current.
func (s *Server) requireGovernor(c *fiber.Ctx) error {
	sess, err := s.sessionStore(c).Get(c)
	if err != nil {
		return err
	}
	id, _ := sess.Get(sessReturn).(string)
	hash, _ := sess.Get(sessLink).(string)
	if id == "" || hash == "" {
		return s.render(c, fiber.StatusForbidden, "link-problem", LinkProblemPage{Page: s.basePage(c, "Open your school's link")})
	}
	rid, ok := forms.ParseReturnID(id)
	if !ok {
		return fiber.ErrForbidden
	}
	ret, err := s.deps.Returns.Get(c.UserContext(), rid)
	if err != nil {
		return err
	}
	if ret.LinkHash != hash {
		_ = sess.Destroy()
		return s.render(c, fiber.StatusForbidden, "link-problem", LinkProblemPage{Page: s.basePage(c, "This link does not work")})
	}
	round, err := s.deps.Rounds.Recent(c.UserContext(), rid.Round)
	if err != nil {
		return err
	}
	if round.State == forms.RoundClosed || round.State == forms.RoundArchived {
		return s.render(c, fiber.StatusGone, "link-problem", LinkProblemPage{Page: s.basePage(c, "This round is closed"), ClosedRound: round.ID})
	}
	c.Locals(localGov, &governor{ret: ret, round: round})
	// With one-time codes on, the link alone reaches only the code page.
	if verified, _ := sess.Get(sessVerified).(string); round.EmailCode && verified != ret.LinkHash && !strings.HasPrefix(c.Path(), "/return/code") {
		return c.Redirect("/return/code", fiber.StatusSeeOther)
	}
	return c.Next()
}

func governorOf(c *fiber.Ctx) *governor { g, _ := c.Locals(localGov).(*governor); return g }

// TaskListPage is the return's front page: its sections and their status.
type TaskListPage struct {
	Page
	School, Round, Deadline string
	Late, CanEdit           bool
	Tasks                   []Task
	AllDone                 bool
	Return                  forms.Return
	// Completed of Total sections are completed ("3 of 17 sections completed").
	Completed, Total int
	// TwoPerson: the return is sent for confirmation by a governor, not submitted here.
	TwoPerson bool
}

// Task is one section on the task list.
type Task struct {
	ID, Title, Href, Status string
}

func (s *Server) returnHome(c *fiber.Ctx) error {
	g := governorOf(c)
	if g.ret.Status == forms.StatusSubmitted {
		return c.Redirect("/return/confirmation", fiber.StatusSeeOther)
	}
	p := TaskListPage{Page: s.basePage(c, "Safeguarding assurance "+g.round.ID), School: g.ret.School.Name, Round: g.round.ID,
		Deadline: longDate(g.round.DeadlineOf(g.ret)), Late: g.round.Late(g.ret, time.Now()), CanEdit: g.canEdit(), Return: g.ret, AllDone: true,
		TwoPerson: g.round.TwoPerson}
	p.Page.Governor, p.Flash = true, flashFrom(c)
	for _, sec := range forms.QuestionSections(g.sections()) {
		t := Task{ID: sec.ID, Title: sec.Title, Href: "/return/section/" + sec.ID, Status: g.ret.SectionStatus(sec)}
		p.AllDone = p.AllDone && t.Status == forms.SectionCompleted
		p.Tasks = append(p.Tasks, t)
		if t.Status == forms.SectionCompleted {
			p.Completed++
		}
	}
	p.Total = len(p.Tasks)
	return s.render(c, fiber.StatusOK, "task-list", p)
}

func longDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("2 January 2006")
}

// formValues collects a POST's form fields (repeated ones too) for the domain parsers.
func formValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	for k, val := range c.Request().PostArgs().All() {
		v.Add(string(k), string(val))
	}
	return v
}
