package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/problem"
)

// ContactPage is one contact of a school: change, mark bounced or clear, remove.
type ContactPage struct {
	Page
	School   forms.School
	Contact  forms.Contact
	Form     ContactForm
	Why      string
	WhyError *FieldError
}

func (s *Server) contactPage(c *fiber.Ctx) error { return s.contactPageWith(c, nil, nil, "") }

// contactPageWith shows a contact's page; typed (if not nil) is the change form as typed,
// and errs are beside their fields (the change form's, or why for a bounced mark).
func (s *Server) contactPageWith(c *fiber.Ctx, typed *forms.ContactInput, errs problem.FieldErrors, why string) error {
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	school, err := s.deps.Register.Get(c.UserContext(), urn)
	if err != nil {
		return err
	}
	book, err := s.deps.Contacts.OfSchool(c.UserContext(), urn)
	if err != nil {
		return err
	}
	ct, ok := book.Find(c.Params("id"))
	if !ok {
		return forms.ErrContactNotFound
	}
	p := ContactPage{Page: s.basePage(c, "Contact at "+school.Name), School: school, Contact: ct, Why: why}
	p.Back = schoolURL(urn) + "#contacts"
	in := forms.ContactInput{Name: ct.Name, Email: ct.Email, Role: ct.Role}
	formErrs := errs
	if typed != nil {
		in = *typed
	} else {
		formErrs = nil
	}
	p.Form = contactForm("", in, formErrs, &p.Page)
	if typed == nil && len(errs) > 0 {
		p.WhyError = &FieldError{Field: "why", Message: errs[0].Message}
		p.Errors = append(p.Errors, *p.WhyError)
	}
	status := fiber.StatusOK
	if len(errs) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.render(c, status, "contact", p)
}

// changeContact changes a contact's name, email and role.
func (s *Server) changeContact(c *fiber.Ctx) error {
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	in := contactInput(c)
	if err := s.deps.Contacts.Change(c.UserContext(), adminActor(c), urn, c.Params("id"), in); err != nil {
		if errs := fieldErrors(err); errs != nil {
			return s.contactPageWith(c, &in, errs, "")
		}
		return err
	}
	return doneRedirect(c, schoolURL(urn)+"#contacts", "Contact changed: "+in.Name)
}
