package handlers

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/forms"
)

// receipt sends the submitted return as a PDF the governor can keep.
func (s *Server) receipt(c *fiber.Ctx) error {
	g := governorOf(c)
	if g.ret.Status != forms.StatusSubmitted {
		return c.Redirect("/return", fiber.StatusSeeOther)
	}
	r := exports.Receipt{Partnership: s.cfg.Partnership, School: g.ret.School.Name, URN: g.ret.URN, Round: g.round.ID,
		Reference: g.ret.Reference, Submitted: g.ret.Submitted.In(london), Late: g.ret.Late}
	answers := g.ret.AnswerMap()
	for _, sec := range g.sections {
		rs := exports.ReceiptSection{Title: sec.Title}
		for _, row := range checkSection(sec, answers, g.ret.Completed, "").Rows {
			rs.Rows = append(rs.Rows, exports.ReceiptRow{Question: row.Question, Answer: row.Answer, Comment: row.Comment})
		}
		r.Sections = append(r.Sections, rs)
	}
	var buf bytes.Buffer
	if err := exports.WriteReceiptPDF(&buf, r); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="assurance-`+g.round.ID+`-`+strconv.Itoa(g.ret.URN)+`-`+g.ret.Reference+`.pdf"`)
	return c.Send(buf.Bytes())
}
