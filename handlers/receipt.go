package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// receipt sends the submitted return as a PDF the governor can keep.
func (s *Server) receipt(c *fiber.Ctx) error {
	g := governorOf(c)
	if g.ret.Status != forms.StatusSubmitted {
		return c.Redirect("/return", fiber.StatusSeeOther)
	}
	pdf, err := forms.ReceiptPDF(s.cfg.Partnership, g.round, g.ret)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+forms.ReceiptFile(g.ret)+`"`)
	return c.Send(pdf)
}
