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
	// The register's figures are kept with it: this page reads two small documents,
	// however large the register.
	sum, err := s.deps.Register.Summary(ctx)
	if err != nil {
		return err
	}
	p.Schools, p.Open = sum.Schools, sum.Open
	if p.LastImport, err = s.deps.Register.LastImport(ctx); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "admin-home", p)
}
