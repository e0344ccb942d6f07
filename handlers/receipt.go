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
	return s.sendReceipt(c, g.round, g.ret)
}

// sendReceipt sends a submitted return's receipt as a PDF to keep.
func (s *Server) sendReceipt(c *fiber.Ctx, round forms.Round, r forms.Return) error {
	pdf, err := forms.ReceiptPDF(s.cfg.Partnership, round, r)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+forms.ReceiptFile(r)+`"`)
	return c.Send(pdf)
}
