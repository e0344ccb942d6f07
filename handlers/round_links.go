package handlers

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// roundLinks sends the round's links as a CSV for a mail merge: every school expected to
// return, with its status and contact email, leaving out submitted schools unless the
// box is ticked. Links stay the same until revoked, so it can be downloaded again at any
// time; the domain audits each download.
func (s *Server) roundLinks(c *fiber.Ctx) error {
	year := c.Params("year")
	req := forms.LinksRequest{Year: year, IncludeSubmitted: c.FormValue("include_submitted") == "yes"}
	var buf bytes.Buffer
	if err := s.deps.Links.WriteLinksCSV(c.UserContext(), adminActor(c), req, s.cfg.PublicURL, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="links-`+year+`.csv"`)
	return c.Send(buf.Bytes())
}
