package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// uploadContacts loads schools' contact emails for the round from a CSV (urn,email); a
// bad line refuses the whole file.
func (s *Server) uploadContacts(c *fiber.Ctx) error {
	year := c.Params("year")
	refuse := func(msg string) error { return s.roundPageWith(c, []FieldError{{Field: "contacts", Message: msg}}) }
	f, name, refusal, err := openContactsFile(c, "contact emails")
	if err != nil {
		return err
	}
	if refusal != "" {
		return refuse(refusal)
	}
	defer f.Close()
	contacts, err := forms.ReadContacts(f)
	if err == nil {
		err = s.deps.Rounds.SetContactEmails(c.UserContext(), adminActor(c), year, contacts, name)
	}
	if msg := contactsRefusal(err, "contact emails"); msg != "" {
		return refuse(msg)
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+year, fmt.Sprintf("%d contact emails loaded", len(contacts)))
}
