package handlers

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// importContactBook loads a contact book file (urn,name,email,role); a bad line refuses
// the whole file, and the page says which line and why.
func (s *Server) importContactBook(c *fiber.Ctx) error {
	refuse := func(msg string) error { return s.contactBookPageWith(c, &FieldError{Field: "contacts", Message: msg}) }
	fh, err := c.FormFile("contacts")
	if err != nil || fh.Size == 0 {
		return refuse("Select a CSV file of contacts")
	}
	if !strings.EqualFold(filepath.Ext(fh.Filename), ".csv") {
		return refuse("The selected file must be a CSV file")
	}
	if fh.Size > forms.MaxContactsFileSize {
		return refuse("The selected file must be smaller than 4 MB")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	var res forms.ContactImport
	lines, err := forms.ReadContactBook(f)
	if err == nil {
		res, err = s.deps.Contacts.Import(c.UserContext(), adminActor(c), lines, filepath.Base(fh.Filename))
	}
	var ce *forms.ContactsError
	if errors.As(err, &ce) {
		if ce.Line > 0 {
			return refuse(fmt.Sprintf("Line %d of the file: %s. No contacts were changed", ce.Line, ce.Reason))
		}
		return refuse("The file cannot be used: " + ce.Reason + ". No contacts were changed")
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/contacts", fmt.Sprintf("%d contacts of %s loaded: %d schools changed, %d already as the file says",
		res.Contacts, schools(res.Schools), res.Changed, res.Unchanged))
}
