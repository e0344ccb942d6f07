package handlers

import (
	"bufio"

	"github.com/gofiber/fiber/v2"
)

// ContactBookPage is the partnership's contact book: how full it is, and its upload.
type ContactBookPage struct {
	Page
	Schools, Contacts, Bounced int
	FileError                  *FieldError
}

func (s *Server) contactBookPage(c *fiber.Ctx) error { return s.contactBookPageWith(c, nil) }

// contactBookPageWith shows the page with a refused file's error (then as 422).
func (s *Server) contactBookPageWith(c *fiber.Ctx, fileErr *FieldError) error {
	all, err := s.deps.Contacts.All(c.UserContext())
	if err != nil {
		return err
	}
	p := ContactBookPage{Page: s.basePage(c, "Contacts"), Schools: len(all), FileError: fileErr}
	for _, sc := range all {
		p.Contacts += len(sc.Contacts)
		for _, ct := range sc.Contacts {
			if ct.Bounced {
				p.Bounced++
			}
		}
	}
	p.Back, p.Flash = "/admin/schools", flashFrom(c)
	if fileErr != nil {
		p.Errors = []FieldError{*fileErr}
		return s.render(c, fiber.StatusUnprocessableEntity, "contacts", p)
	}
	return s.render(c, fiber.StatusOK, "contacts", p)
}

// contactBookCSV downloads the whole contact book, as a file that can be imported again.
func (s *Server) contactBookCSV(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="contacts.csv"`)
	w := bufio.NewWriter(c.Response().BodyWriter())
	if err := s.deps.Contacts.WriteCSV(c.UserContext(), w); err != nil {
		return err
	}
	return w.Flush()
}
