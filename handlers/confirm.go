package handlers

import (
	"fmt"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
)

// ConfirmPage asks an admin to confirm an action that affects many schools, saying how
// many, before it is done. It works without JavaScript: the action's button posts here
// first, and this page's button posts again with confirm=yes.
type ConfirmPage struct {
	Page
	Caption    string
	Paragraphs []string
	Warning    string
	Action     string // where the confirmation posts
	Hidden     []Hidden
	Button     string
	Danger     bool // a warning button, for what is hard to undo
	Cancel     string
}

// Hidden is a hidden field carried through a confirmation.
type Hidden struct{ Name, Value string }

// confirmed says whether the admin has confirmed the action.
func confirmed(c *fiber.Ctx) bool { return c.FormValue("confirm") == "yes" }

func (s *Server) confirm(c *fiber.Ctx, title string, p ConfirmPage) error {
	p.Page = s.basePage(c, title)
	p.Back = p.Cancel
	return s.render(c, fiber.StatusOK, "confirm", p)
}

func schools(n int) string {
	if n == 1 {
		return "1 school"
	}
	return fmt.Sprintf("%d schools", n)
}

// confirmOpen says how many schools opening the round will expect to return.
func (s *Server) confirmOpen(c *fiber.Ctx, round forms.Round) error {
	n, err := s.deps.Rounds.ToExpect(c.UserContext())
	if err != nil {
		return err
	}
	paragraphs := []string{schools(n) + " (every open school of the register, less colleges) will be expected to return.",
		"Once the round is open, only the form's wording can change: no question can be added, moved or removed."}
	// What an officer may not have meant: opening ahead of the round's own date, or beside
	// another open round (schools would then hold links to both).
	if today := time.Now().In(academic.London).Format(time.DateOnly); today < round.Opens {
		paragraphs = append(paragraphs, "This is before its opening date, "+round.Opens+": schools can start as soon as they have their links.")
	}
	rounds, err := s.deps.Rounds.List(c.UserContext())
	if err != nil {
		return err
	}
	for _, r := range rounds {
		if r.ID != round.ID && r.State == forms.RoundOpen {
			paragraphs = append(paragraphs, "Round "+r.ID+" is also open: its schools keep their links to it.")
		}
	}
	return s.confirm(c, "Open round "+round.ID+"?", ConfirmPage{Caption: "Round " + round.ID,
		Paragraphs: paragraphs,
		Action:     "/admin/rounds/" + round.ID + "/open", Button: "Open the round for " + schools(n), Cancel: "/admin/rounds/" + round.ID})
}

// confirmClose says how many schools have not returned and will be shut out.
func (s *Server) confirmClose(c *fiber.Ctx, round forms.Round) error {
	out, err := s.deps.Returns.Outstanding(c.UserContext(), round.ID, func(forms.Return) bool { return true })
	if err != nil {
		return err
	}
	return s.confirm(c, "Close round "+round.ID+"?", ConfirmPage{Caption: "Round " + round.ID,
		Paragraphs: []string{schools(len(out)) + " have not returned.", "You can reopen the round later, until it is archived."},
		Warning:    "Once the round is closed, no school can save or submit, and governors' links say the round is closed.",
		Action:     "/admin/rounds/" + round.ID + "/close", Button: "Close the round", Danger: true, Cancel: "/admin/rounds/" + round.ID})
}

// confirmArchive warns that an archived round can never be reopened.
func (s *Server) confirmArchive(c *fiber.Ctx, round forms.Round) error {
	return s.confirm(c, "Archive round "+round.ID+"?", ConfirmPage{Caption: "Round " + round.ID,
		Paragraphs: []string{"Its returns, return rates and workbook stay as they are, to read and download."},
		Warning:    "An archived round cannot be reopened: no school will be able to save, submit or amend a return of it again.",
		Action:     "/admin/rounds/" + round.ID + "/archive", Button: "Archive the round", Danger: true, Cancel: "/admin/rounds/" + round.ID})
}

// confirmRemind says how many schools of the filtered group a reminder will reach.
func (s *Server) confirmRemind(c *fiber.Ctx, year string, f chaseFilter, withEmail, noEmail int) error {
	var hidden []Hidden
	q, _ := url.ParseQuery(f.query())
	for k, v := range q {
		hidden = append(hidden, Hidden{Name: k, Value: v[0]})
	}
	p := ConfirmPage{Caption: "Round " + year, Action: "/admin/rounds/" + year + "/remind", Hidden: hidden,
		Button: "Send " + reminders(withEmail), Cancel: "/admin/rounds/" + year + "/dashboard?" + f.query() + "#chase",
		Paragraphs: []string{schools(withEmail) + " of this group will be emailed a reminder with their school's link."}}
	if noEmail > 0 {
		p.Paragraphs = append(p.Paragraphs, schools(noEmail)+" of this group have no contact email (nor anyone in the round's roles in the contact book) and will not be emailed.")
	}
	return s.confirm(c, "Send "+reminders(withEmail)+" now?", p)
}

func reminders(n int) string {
	if n == 1 {
		return "1 reminder"
	}
	return fmt.Sprintf("%d reminders", n)
}
