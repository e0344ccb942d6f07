package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/mail"
)

// AdminReturnPage is one school's return as the partnership sees it.
type AdminReturnPage struct {
	Page
	Round    forms.Round
	Return   forms.Return
	Status   string
	Sections []CheckSection
	Versions []VersionView
	NewLink  string // just replaced: the banner says the old one stopped
	Link     string // the school's working link, if it has one
	// Chasing: the contact log, and the form to record a contact.
	ChaseLog     []forms.ChaseEntry
	ContactKinds []Option
	Note         string
	CanRemind    bool
	CanReopen    bool // submitted, and the round open: its link can still amend it
	// Emails are the receipts and reopening notices sent about the return, newest first.
	Emails []OutboxMessage
	// EmailFailed says one of them was not delivered.
	EmailFailed bool
}

// VersionView is one submission and what changed since the one before.
type VersionView struct {
	forms.ReturnVersion
	Changes []ChangeView
}

// ChangeView is one changed answer in words.
type ChangeView struct {
	Question, Before, After string
}

func (s *Server) adminReturn(c *fiber.Ctx) error {
	return s.renderAdminReturn(c, "", nil)
}

func (s *Server) renderAdminReturn(c *fiber.Ctx, newLink string, errs []FieldError) error {
	ctx := c.UserContext()
	round, err := s.deps.Rounds.Get(ctx, c.Params("year"))
	if err != nil {
		return err
	}
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	ret, err := s.deps.Rounds.Return(ctx, round.ID, urn)
	if err != nil {
		return err
	}
	p := AdminReturnPage{Page: s.basePage(c, ret.School.Name), Round: round, Return: ret, Status: ret.StatusLabel(), NewLink: newLink,
		CanRemind: round.State == forms.RoundOpen && ret.Chaseable() && ret.ContactEmail != "", Note: c.FormValue("note"),
		CanReopen: round.State == forms.RoundOpen && ret.Status == forms.StatusSubmitted}
	if len(errs) == 0 && newLink == "" {
		p.Flash = flashFrom(c)
	}
	if tok, err := s.deps.Rounds.LiveLink(ctx, ret); err != nil {
		return err
	} else if tok != "" {
		p.Link = s.cfg.PublicURL + "/r/" + tok
	}
	if p.ChaseLog, err = s.deps.Chase.Log(ctx, round.ID, urn); err != nil {
		return err
	}
	p.ContactKinds = options(forms.RecordedContactKinds, capitalise, c.FormValue("kind"))
	emails, err := s.deps.Mail.About(ctx, ret.ID, forms.PurposeReceipt, forms.PurposeReopened)
	if err != nil {
		return err
	}
	for _, m := range emails {
		p.Emails = append(p.Emails, outboxMessage(m))
		p.EmailFailed = p.EmailFailed || m.Status == mail.StatusFailed
	}
	answers := ret.AnswerMap()
	for _, sec := range round.Definition.For(ret.School.Record) {
		p.Sections = append(p.Sections, checkSection(sec, answers, ret.Completed, ""))
	}
	versions, err := s.deps.Rounds.Versions(ctx, ret)
	if err != nil {
		return err
	}
	var prev []forms.StoredAnswer
	for i, v := range versions {
		vv := VersionView{ReturnVersion: v}
		if i > 0 {
			for _, ch := range forms.Diff(prev, v.Answers) {
				q, _ := round.Definition.Question(ch.Question)
				vv.Changes = append(vv.Changes, ChangeView{Question: q.Text, Before: answerWithComment(q, ch.Before), After: answerWithComment(q, ch.After)})
			}
		}
		prev = v.Answers
		p.Versions = append(p.Versions, vv)
	}
	p.Errors, p.Back = errs, "/admin/rounds/"+round.ID
	status := fiber.StatusOK
	if len(errs) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.render(c, status, "admin-return", p)
}

func answerWithComment(q forms.Question, a forms.Answer) string {
	s := answerLabel(q, a)
	if a.Comment != "" {
		s += " (" + a.Comment + ")"
	}
	if s == "" {
		return "Not answered"
	}
	return s
}

// returnAction reissues or revokes a link, exempts or re-includes a school, or reopens a
// submitted return, each with the admin's reason in the audit log.
func (s *Server) returnAction(c *fiber.Ctx) error {
	ctx := c.UserContext()
	year := c.Params("year")
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	target := forms.ReturnID(year, urn)
	by := adminActor(c)
	self := "/admin/rounds/" + year + "/returns/" + c.Params("urn")
	var done string // the confirmation the page shows once after the redirect
	switch c.Params("action") {
	case "link":
		tok, err := s.deps.Rounds.IssueLink(ctx, by, year, urn)
		if err != nil {
			return err
		}
		return s.renderAdminReturn(c, s.cfg.PublicURL+"/r/"+tok, nil)
	case "contact":
		if err := s.deps.Rounds.SetContactEmail(ctx, by, year, urn, c.FormValue("email")); err != nil {
			if errors.Is(err, forms.ErrReturnNotFound) {
				return err
			}
			return s.renderAdminReturn(c, "", []FieldError{{Field: "contact-email", Message: capitalise(err.Error())}})
		}
		done = "Contact email saved"
	case "remind":
		e, err := s.deps.Chase.SendReminder(ctx, by, year, urn, time.Now())
		switch {
		case errors.Is(err, forms.ErrNotChaseable), errors.Is(err, forms.ErrNoContactEmail), errors.Is(err, forms.ErrRoundNotOpen):
			return s.renderAdminReturn(c, "", []FieldError{{Field: "remind", Message: capitalise(err.Error())}})
		case err != nil && e.Delivery != mail.StatusFailed:
			return err
		}
		// A delivery failure is in the chase log and the outbox, and the page shows it.
		done = "Reminder sent"
		if e.Delivery == mail.StatusFailed {
			done = "The reminder could not be delivered: the chase log says why"
		}
	case "log":
		_, err := s.deps.Chase.RecordContact(ctx, by, year, urn, c.FormValue("kind"), c.FormValue("note"), time.Now())
		switch {
		case errors.Is(err, forms.ErrContactKind):
			return s.renderAdminReturn(c, "", []FieldError{{Field: "kind", Message: "Select the kind of contact"}})
		case errors.Is(err, forms.ErrNoteMissing), errors.Is(err, forms.ErrNoteTooLong):
			return s.renderAdminReturn(c, "", []FieldError{{Field: "note", Message: capitalise(err.Error())}})
		case err != nil:
			return err
		}
		done = "Contact recorded"
	case "revoke":
		if err := s.deps.Rounds.RevokeLink(ctx, by, year, urn); err != nil {
			return err
		}
		done = "Link revoked"
	case "exempt", "include":
		exempt := c.Params("action") == "exempt"
		if exempt && reason == "" {
			return s.renderAdminReturn(c, "", []FieldError{{Field: "exempt-reason", Message: "Enter the reason the school is exempt"}})
		}
		if err := s.deps.Rounds.SetExempt(ctx, by, year, urn, exempt, reason); err != nil {
			return err
		}
		done = "School expected again"
		if exempt {
			done = "School marked exempt"
		}
	case "reopen":
		if reason == "" {
			return s.renderAdminReturn(c, "", []FieldError{{Field: "reopen-reason", Message: "Enter the reason for reopening the return"}})
		}
		// forms audits the reopening and emails the school; a return no longer submitted
		// (a second click) is left as it is.
		if _, err := s.deps.Assurance.Reopen(ctx, by, target, reason); err != nil && !errors.Is(err, forms.ErrRoundState) {
			return err
		}
		done = "Return reopened: the school and the last signatory have been emailed"
	default:
		return fiber.ErrNotFound
	}
	return doneRedirect(c, self, done)
}
