package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// removeContact takes a contact out of the contact book.
func (s *Server) removeContact(c *fiber.Ctx) error {
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := s.deps.Contacts.Remove(c.UserContext(), adminActor(c), urn, c.Params("id")); err != nil {
		return err
	}
	return doneRedirect(c, schoolURL(urn)+"#contacts", "Contact removed")
}
