package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// SignedOffPage is shown once the governor has confirmed the return, and whenever they
// come back to it in the same session.
type SignedOffPage struct {
	Page
	School, Reference, Submitted string
	Late                         bool
	Preparer, Confirmer          forms.Person
}

func (s *Server) confirmDone(c *fiber.Ctx) error {
	g := confirmingOf(c)
	if g.ret.Status != forms.StatusSubmitted {
		return c.Redirect("/confirming", fiber.StatusSeeOther)
	}
	p := SignedOffPage{Page: s.basePage(c, "Assurance confirmed and submitted"), School: g.ret.School.Name, Reference: g.ret.Reference,
		Submitted: g.ret.Submitted.In(london).Format("2 January 2006 at 3:04pm"), Late: g.ret.Late}
	if g.ret.Preparer != nil && g.ret.Confirmer != nil {
		p.Preparer, p.Confirmer = *g.ret.Preparer, *g.ret.Confirmer
	}
	return s.render(c, fiber.StatusOK, "signoff-done", p)
}

// confirmReceipt sends the confirmed return's receipt, naming both people, as a PDF.
func (s *Server) confirmReceipt(c *fiber.Ctx) error {
	g := confirmingOf(c)
	if g.ret.Status != forms.StatusSubmitted {
		return c.Redirect("/confirming", fiber.StatusSeeOther)
	}
	return s.sendReceipt(c, g.round, g.ret)
}
