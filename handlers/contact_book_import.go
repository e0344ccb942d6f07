package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// importContactBook loads a contact book file (urn,name,email,role); a bad line refuses
// the whole file, and the page says which line and why.
func (s *Server) importContactBook(c *fiber.Ctx) error {
	refuse := func(msg string) error { return s.contactBookPageWith(c, &FieldError{Field: "contacts", Message: msg}) }
	f, name, refusal, err := openContactsFile(c, "contacts")
	if err != nil {
		return err
	}
	if refusal != "" {
		return refuse(refusal)
	}
	defer f.Close()
	var res forms.ContactImport
	lines, err := forms.ReadContactBook(f)
	if err == nil {
		res, err = s.deps.Contacts.Import(c.UserContext(), adminActor(c), lines, name)
	}
	if msg := contactsRefusal(err, "contacts"); msg != "" {
		return refuse(msg)
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/contacts", fmt.Sprintf("%d contacts of %s loaded: %d schools changed, %d already as the file says",
		res.Contacts, schools(res.Schools), res.Changed, res.Unchanged))
}
