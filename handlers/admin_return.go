package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/urls"
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
	Link     string // the school's working link, if it has one and the admin may see it
	// LinkHidden: the school has a link, which this admin (a viewer) is not shown.
	LinkHidden bool
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
	ret, err := s.deps.Returns.Get(ctx, forms.ReturnID{Round: round.ID, URN: urn})
	if err != nil {
		return err
	}
	p := AdminReturnPage{Page: s.basePage(c, ret.School.Name), Round: round, Return: ret, Status: ret.StatusLabel(), NewLink: newLink,
		CanRemind: round.State == forms.RoundOpen && ret.Chaseable() && ret.ContactEmail != "", Note: c.FormValue("note"),
		CanReopen: round.State == forms.RoundOpen && ret.Status == forms.StatusSubmitted}
	if len(errs) == 0 && newLink == "" {
		p.Flash = flashFrom(c)
	}
	// A school's link opens its return to whoever holds it: only those who may change a
	// return (officers) see it; a viewer is told it exists.
	if tok, err := s.deps.Links.LiveLink(ctx, ret); err != nil {
		return err
	} else if tok != "" && p.CanChange {
		p.Link = urls.Return(s.cfg.PublicURL, tok)
	} else if tok != "" {
		p.LinkHidden = true
	}
	if p.ChaseLog, err = s.deps.Chase.Log(ctx, ret.Key()); err != nil {
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
	versions, err := s.deps.Returns.VersionsOf(ctx, ret)
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

// returnOf is the school's return an admin's action is about, from the address.
func returnOf(c *fiber.Ctx) (forms.ReturnID, error) {
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return forms.ReturnID{}, fiber.ErrNotFound
	}
	return forms.ReturnID{Round: c.Params("year"), URN: urn}, nil
}

// returnPage is the return's admin page, where an action confirms itself after a redirect.
func returnPage(id forms.ReturnID) string {
	return "/admin/rounds/" + id.Round + "/returns/" + strconv.Itoa(id.URN)
}
