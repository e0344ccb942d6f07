package handlers

import (
	"errors"
	"fmt"
	"mime/multipart"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// Both contacts files (the contact book's, and a round's contact emails) are posted in the
// field "contacts" and refused the same way; what names their contents ("contacts",
// "contact emails") in the messages.

// openContactsFile opens the posted file, or gives the message to show beside the field.
func openContactsFile(c *fiber.Ctx, what string) (f multipart.File, name, refusal string, err error) {
	fh, err := c.FormFile("contacts")
	switch {
	case err != nil || fh.Size == 0:
		return nil, "", "Select a CSV file of " + what, nil
	case !strings.EqualFold(filepath.Ext(fh.Filename), ".csv"):
		return nil, "", "The selected file must be a CSV file", nil
	case fh.Size > forms.MaxContactsFileSize:
		return nil, "", "The selected file must be smaller than 4 MB", nil
	}
	f, err = fh.Open()
	return f, filepath.Base(fh.Filename), "", err
}

// contactsRefusal is the message beside the field for a file the domain refused (naming
// its line), or "" for any other error.
func contactsRefusal(err error, what string) string {
	var ce *forms.ContactsError
	switch {
	case !errors.As(err, &ce):
		return ""
	case ce.Line > 0:
		return fmt.Sprintf("Line %d of the file: %s. No %s were changed", ce.Line, ce.Reason, what)
	}
	return "The file cannot be used: " + ce.Reason + ". No " + what + " were changed"
}
