package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// addContact adds a contact to a school's contacts in the contact book.
func (s *Server) addContact(c *fiber.Ctx) error {
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	in := contactInput(c)
	if _, err := s.deps.Contacts.Add(c.UserContext(), adminActor(c), urn, in); err != nil {
		if errs := fieldErrors(err); errs != nil {
			return s.schoolPageWith(c, in, errs)
		}
		return err
	}
	return doneRedirect(c, schoolURL(urn)+"#contacts", "Contact added: "+in.Name)
}
