package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// AdminHomePage is the partnership's overview.
type AdminHomePage struct {
	Page
	Schools    int64
	Open       int64
	LAs        string
	LastImport *forms.ImportReport
}

func (s *Server) adminHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := AdminHomePage{Page: s.basePage(c, "Partnership overview"), LAs: strings.Join(s.cfg.LAs, ", ")}
	var err error
	if p.Schools, err = s.deps.Register.Count(ctx); err != nil {
		return err
	}
	if _, p.Open, err = s.deps.Register.List(ctx, forms.SchoolFilter{Status: forms.StatusOpen, Limit: 1}); err != nil {
		return err
	}
	if p.LastImport, err = s.deps.Register.LastImport(ctx); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "admin-home", p)
}
