package handlers

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// SignOffPage is what a confirming governor reads: the whole return as prepared, who
// prepared it, the declaration to sign, and a way to send it back with a comment.
type SignOffPage struct {
	Page
	School, Round, Deadline string
	Preparer                forms.Person
	Prepared                string
	Sections                []CheckSection
	Declaration             []QuestionView
	Version                 int
	Late                    bool
	Comment                 string // a send-back comment as typed, shown again with its error
}

func (s *Server) confirmReview(c *fiber.Ctx) error {
	g := confirmingOf(c)
	if g.ret.Status == forms.StatusSubmitted {
		return c.Redirect("/confirming/done", fiber.StatusSeeOther)
	}
	return s.renderSignOff(c, fiber.StatusOK, g, g.ret.AnswerMap(), nil, nil, "")
}

func (s *Server) renderSignOff(c *fiber.Ctx, status int, g *confirming, answers map[string]forms.Answer, errs map[string]*forms.AnswerError,
	list []FieldError, comment string) error {
	p := SignOffPage{Page: s.basePage(c, "Confirm the safeguarding assurance"), School: g.ret.School.Name, Round: g.round.ID,
		Deadline: longDate(g.round.DeadlineOf(g.ret)), Version: g.ret.Version, Late: g.round.Late(g.ret, time.Now()), Comment: comment}
	if g.ret.Preparer != nil {
		p.Preparer, p.Prepared = *g.ret.Preparer, g.ret.Preparer.At.In(london).Format("2 January 2006 at 3:04pm")
	}
	stored := g.ret.AnswerMap()
	for _, sec := range forms.QuestionSections(g.sections()) {
		p.Sections = append(p.Sections, checkSection(sec, stored, g.ret.Completed, ""))
	}
	decl, _ := forms.DeclarationSection(g.sections())
	// The confirmer is asked the declaration with the board's roles only (forms decides).
	p.Declaration = questionViews(forms.ConfirmerDeclaration(decl), answers, errs)
	p.Errors = list
	return s.render(c, status, "signoff", p)
}

// confirmReturn is the governor's confirmation: their declaration, and the return is
// submitted. Their link is the submission's key, so a double click or a resent request
// is one confirmation, shown to each.
func (s *Server) confirmReturn(c *fiber.Ctx) error {
	g := confirmingOf(c)
	if g.ret.Status == forms.StatusSubmitted {
		return c.Redirect("/confirming/done", fiber.StatusSeeOther)
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return fiber.ErrBadRequest
	}
	_, e, err := s.deps.Assurance.Confirm(c.UserContext(), g.actor(c), g.ret.Key(), g.hash,
		forms.Submission{Version: version, Declaration: formValues(c), At: time.Now()})
	var invalid *forms.InvalidEntry
	switch {
	case errors.As(err, &invalid):
		return s.renderSignOff(c, fiber.StatusUnprocessableEntity, g, e.Answers, e.Errors, fieldErrorsOf(invalid), "")
	case errors.Is(err, forms.ErrConfirmLinkInvalid), errors.Is(err, forms.ErrConflict), errors.Is(err, forms.ErrRoundNotOpen):
		return s.render(c, fiber.StatusConflict, "link-problem", LinkProblemPage{Page: s.basePage(c, "This return cannot be confirmed now"), Confirming: true})
	case err != nil:
		return err
	}
	return c.Redirect("/confirming/done", fiber.StatusSeeOther)
}
