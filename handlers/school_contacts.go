package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/problem"
)

// ContactForm is a contact's fields as typed, with their errors: the add form on a
// school's page and the change form on a contact's page.
type ContactForm struct {
	Prefix                           string // keeps the ids of two forms on one page apart
	Name, Email                      string
	Roles                            []Option
	NameError, EmailError, RoleError *FieldError
}

// contactForm is the form for in, with errs (from ContactInput.Check) beside its fields
// and in the page's summary.
func contactForm(prefix string, in forms.ContactInput, errs problem.FieldErrors, p *Page) ContactForm {
	f := ContactForm{Prefix: prefix, Name: in.Name, Email: in.Email, Roles: options(forms.Roles, forms.Role.Label, in.Role)}
	for _, e := range errs {
		fe := &FieldError{Field: prefix + e.Field, Message: e.Message}
		switch e.Field {
		case "name":
			f.NameError = fe
		case "email":
			f.EmailError = fe
		case "role":
			f.RoleError = fe
		}
		p.Errors = append(p.Errors, *fe)
	}
	return f
}

// contactInput reads a contact form.
func contactInput(c *fiber.Ctx) forms.ContactInput {
	return forms.ContactInput{Name: strings.TrimSpace(c.FormValue("name")), Email: strings.TrimSpace(c.FormValue("email")),
		Role: forms.Role(c.FormValue("role"))}
}

// fieldErrors is the field errors err carries, or nil for any other error.
func fieldErrors(err error) problem.FieldErrors {
	var fe problem.FieldErrors
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}

// schoolURL is a school's register page.
func schoolURL(urn int) string { return "/admin/schools/" + strconv.Itoa(urn) }
