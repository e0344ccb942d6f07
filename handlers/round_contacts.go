package handlers

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// uploadContacts loads schools' contact emails for the round from a CSV (urn,email); a
// bad line refuses the whole file.
func (s *Server) uploadContacts(c *fiber.Ctx) error {
	year := c.Params("year")
	refuse := func(msg string) error { return s.roundPageWith(c, []FieldError{{Field: "contacts", Message: msg}}) }
	fh, err := c.FormFile("contacts")
	if err != nil || fh.Size == 0 {
		return refuse("Select a CSV file of contact emails")
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
	contacts, err := forms.ReadContacts(f)
	if err == nil {
		err = s.deps.Rounds.SetContactEmails(c.UserContext(), adminActor(c), year, contacts, filepath.Base(fh.Filename))
	}
	var ce *forms.ContactsError
	if errors.As(err, &ce) {
		if ce.Line > 0 {
			return refuse(fmt.Sprintf("Line %d of the file: %s. No contact emails were changed", ce.Line, ce.Reason))
		}
		return refuse("The file cannot be used: " + ce.Reason + ". No contact emails were changed")
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+year, fmt.Sprintf("%d contact emails loaded", len(contacts)))
}
