package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/text"
	"github.com/lscp/assure/missions"
)

// A link teacher signs in by a link emailed to the address the partnership enrolled them
// with. The session then names one school's team in one year, and every JOSO page reads
// that team and nothing else: a teacher cannot reach another school by changing an ID in
// the address, because no JOSO page takes a school from the address.
const (
	sessTeam    = "joso_team"
	sessTeacher = "joso_teacher"
	localTeam   = "joso_team"
)

// teacher is what a link teacher's request carries once checked.
type teacher struct {
	team missions.Team
	year missions.Year
}

func teacherOf(c *fiber.Ctx) *teacher { t, _ := c.Locals(localTeam).(*teacher); return t }

// requireTeacher admits a request only with a link teacher's session for a school whose
// link teacher is still that person.
func (s *Server) requireTeacher(c *fiber.Ctx) error {
	if c.Cookies("assure_session") == "" {
		return c.Redirect("/joso/sign-in", fiber.StatusSeeOther)
	}
	sess, err := s.sessionStore(c).Get(c)
	if err != nil {
		return err
	}
	id, _ := sess.Get(sessTeam).(string)
	email, _ := sess.Get(sessTeacher).(string)
	if id == "" || email == "" {
		return c.Redirect("/joso/sign-in", fiber.StatusSeeOther)
	}
	t, err := s.deps.JOSO.Teams.Team(c.UserContext(), id)
	if errors.Is(err, missions.ErrNotFound) || (err == nil && t.Teacher != email) {
		_ = sess.Destroy()
		return c.Redirect("/joso/sign-in", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	y, err := s.deps.JOSO.Catalogue.Year(c.UserContext(), t.Year)
	if err != nil {
		return err
	}
	c.Locals(localTeam, &teacher{team: t, year: y})
	return c.Next()
}

// teacherPage is the layout for a link teacher's page: the school's navigation.
func (s *Server) teacherPage(c *fiber.Ctx, title string) Page {
	p := s.basePage(c, title)
	path := c.Path()
	for _, n := range []NavItem{{Href: "/joso/school", Text: "Your team"}, {Href: "/joso/school/josos", Text: "JOSOs"},
		{Href: "/joso/school/training", Text: "Training"}, {Href: "/joso/school/activities/new", Text: "Log an activity"},
		{Href: "/joso/school/nominations", Text: "Celebration"}, {Href: "/joso/sign-out", Text: "Sign out"}} {
		n.Active = path == n.Href || (n.Href != "/joso/school" && strings.HasPrefix(path, n.Href))
		p.Nav = append(p.Nav, n)
	}
	return p
}

// TeacherSignInPage asks a link teacher for their email address.
type TeacherSignInPage struct {
	Page
	Email      string
	EmailError *FieldError
	Sent       bool
}

func (s *Server) teacherSignInPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "joso-sign-in", TeacherSignInPage{Page: s.basePage(c, "Sign in as a JOSO link teacher")})
}

// teacherSignIn emails a sign-in link if the address is a link teacher's. The page says
// the same whether or not it is, so it cannot be used to find out who is enrolled.
func (s *Server) teacherSignIn(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	p := TeacherSignInPage{Page: s.basePage(c, "Sign in as a JOSO link teacher"), Email: email}
	if _, err := text.NormaliseEmail(email); err != nil || len(email) > 254 {
		p.Errors = []FieldError{{Field: "email", Message: "Enter an email address in the correct format, like name@school.sch.uk"}}
		p.EmailError = &p.Errors[0]
		return s.render(c, fiber.StatusUnprocessableEntity, "joso-sign-in", p)
	}
	if err := s.deps.JOSO.SignIns.SendLink(c.UserContext(), audit.Actor{Name: email, IP: c.IP()}, email, time.Now()); err != nil {
		return err
	}
	p.Sent = true
	return s.render(c, fiber.StatusOK, "joso-sign-in", p)
}

// teacherSignInLimiter slows use of the sign-in form: 10 requests per address and 5 per
// (email, address) pair in 15 minutes, counted in the store for every instance. There is
// no limit per email alone, which would let anyone stop a teacher getting a link.
func (s *Server) teacherSignInLimiter() []fiber.Handler {
	l := rateLimit{window: 15 * time.Minute,
		entry: func(c *fiber.Ctx) audit.Entry {
			return audit.Entry{Actor: strings.TrimSpace(c.FormValue("email")), Action: audit.ActionJOSOSignIn, Detail: "rate limited"}
		},
		refuse: func(c *fiber.Ctx) error {
			p := TeacherSignInPage{Page: s.basePage(c, "Sign in as a JOSO link teacher")}
			p.Errors = []FieldError{{Field: "email", Message: "There have been too many requests. Wait 15 minutes, then try again."}}
			return s.render(c, fiber.StatusTooManyRequests, "joso-sign-in", p)
		},
	}
	byAddress, byPair := l, l
	byAddress.name, byAddress.max, byAddress.key = "joso-signin-ip", 10, func(c *fiber.Ctx) string { return c.IP() }
	byPair.name, byPair.max = "joso-signin", 5
	byPair.key = accountAndAddress
	return []fiber.Handler{s.rateLimit(byAddress), s.rateLimit(byPair)}
}

// openTeacherLink spends an emailed link and starts a link teacher's session on a fresh
// session ID (any admin or governor session in this browser ends).
func (s *Server) openTeacherLink(c *fiber.Ctx) error {
	t, err := s.deps.JOSO.SignIns.Use(c.UserContext(), c.Params("token"), c.IP(), time.Now())
	if errors.Is(err, missions.ErrLinkInvalid) {
		p := s.basePage(c, "This sign-in link does not work")
		return s.render(c, fiber.StatusNotFound, "joso-link-problem", p)
	}
	if err != nil {
		return err
	}
	if err := s.freshSession(c, map[string]any{sessTeam: t.ID, sessTeacher: t.Teacher}); err != nil {
		return err
	}
	return c.Redirect("/joso/school", fiber.StatusSeeOther)
}

func (s *Server) teacherSignOut(c *fiber.Ctx) error {
	if c.Cookies("assure_session") != "" {
		sess, err := s.sessionStore(c).Get(c)
		if err != nil {
			return err
		}
		if err := sess.Destroy(); err != nil {
			return err
		}
	}
	return c.Redirect("/joso/sign-in", fiber.StatusSeeOther)
}

func (s *Server) teacherSignOutPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "joso-sign-out", s.basePage(c, "Sign out"))
}
