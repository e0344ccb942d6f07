package handlers

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// ImportPage is the GIAS upload form.
type ImportPage struct {
	Page
	LAs       string
	FileError *FieldError
}

func (s *Server) importPage(c *fiber.Ctx) error {
	p := ImportPage{Page: s.basePage(c, "Update the register from GIAS"), LAs: strings.Join(s.cfg.LAs, ", ")}
	p.Back = "/admin/schools"
	return s.render(c, fiber.StatusOK, "import", p)
}

// importUpload reads and checks the whole file before anything is written: a file with a
// bad line is refused with that line named, and nothing from it is imported. A good file
// is written in the background while the admin watches its progress page.
func (s *Server) importUpload(c *fiber.Ctx) error {
	refuse := func(msg string) error {
		p := ImportPage{Page: s.basePage(c, "Update the register from GIAS"), LAs: strings.Join(s.cfg.LAs, ", ")}
		p.Errors = []FieldError{{Field: "file", Message: msg}}
		p.FileError = &p.Errors[0]
		p.Back = "/admin/schools"
		return s.render(c, fiber.StatusUnprocessableEntity, "import", p)
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return refuse("Select a GIAS file (CSV)")
	}
	name := filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	if !strings.EqualFold(filepath.Ext(name), ".csv") {
		return refuse("The selected file must be a CSV file")
	}
	if fh.Size > MaxUploadBytes {
		return refuse("The selected file must be smaller than 200 MB")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	// The register reads the upload itself, bounded, rather than after a copy made here,
	// and records a refused file.
	ex, err := s.deps.Register.ReadFile(c.UserContext(), adminActor(c), name, f, s.cfg.LAs)
	var fe *forms.FileError
	if errors.As(err, &fe) {
		var msg string
		if fe.Line > 0 {
			msg = fmt.Sprintf("Line %d of the file: %s. Nothing was imported", fe.Line, fe.Reason)
		} else {
			msg = "The file cannot be imported: " + fe.Reason + ". Nothing was imported"
		}
		return refuse(msg)
	}
	if err != nil {
		return err
	}
	job, err := s.deps.Register.CreateJob(c.UserContext(), adminActor(c), name, ex)
	if err != nil {
		return err
	}
	go func() {
		// The import outlives the request; it has its own deadline. The register records
		// it, or its failure, in the audit log.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		if _, err := s.deps.Register.RunJob(ctx, job, ex); err != nil {
			s.log.Error("register import failed", "file", name, "err", err)
		}
	}()
	return c.Redirect("/admin/schools/import/"+job.ID, fiber.StatusSeeOther)
}

// ImportJobPage shows an import's progress, then its report.
type ImportJobPage struct {
	Page
	Job forms.ImportJob
}

func (s *Server) importJobPage(c *fiber.Ctx) error {
	job, err := s.deps.Register.Job(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	title := "Importing " + job.File
	switch job.State {
	case forms.JobDone:
		title = "Register updated"
	case forms.JobFailed:
		title = "The import did not finish"
	}
	return s.render(c, fiber.StatusOK, "import-job", ImportJobPage{Page: s.basePage(c, title), Job: job})
}

func (s *Server) importJobStatus(c *fiber.Ctx) error {
	job, err := s.deps.Register.Job(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(job)
}
