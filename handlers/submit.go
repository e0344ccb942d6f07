package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// SubmitPage is the declaration, signed and submitted in one step.
type SubmitPage struct {
	Page
	School    string
	Section   forms.Section
	Questions []QuestionView
	Version   int
	SubmitKey string
	Late      bool
	Blocked   string // why the return cannot be submitted yet
}

func (s *Server) submitPage(c *fiber.Ctx) error {
	g := governorOf(c)
	if g.ret.Status == forms.StatusSubmitted {
		return c.Redirect("/return/confirmation", fiber.StatusSeeOther)
	}
	if g.round.TwoPerson { // the declaration is the confirming governor's: the preparer sends it to them
		return s.renderSend(c, fiber.StatusOK, g, forms.Preparation{}, nil)
	}
	return s.renderSubmit(c, fiber.StatusOK, g, g.ret.AnswerMap(), nil, nil)
}

func (s *Server) renderSubmit(c *fiber.Ctx, status int, g *governor, answers map[string]forms.Answer, errs map[string]*forms.AnswerError, list []FieldError) error {
	sec, _ := forms.DeclarationSection(g.sections())
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	p := SubmitPage{Page: s.basePage(c, "Declaration and submit"), School: g.ret.School.Name, Section: sec,
		Questions: questionViews(sec, answers, errs), Version: g.ret.Version, SubmitKey: base64.RawURLEncoding.EncodeToString(key),
		Late: g.round.Late(g.ret, time.Now())}
	if qs, ok := g.ret.FirstIncomplete(forms.QuestionSections(g.sections())); ok {
		p.Blocked = "Complete every section before you submit: " + qs.Title + " is not completed yet."
	}
	if !g.canEdit() {
		p.Blocked = "This return cannot be submitted: the round is closed."
	}
	p.Governor, p.Errors, p.Back = true, list, "/return/check"
	return s.render(c, status, "submit", p)
}

// submitReturn signs and submits the return. The form's submit key makes a double click
// or a resent request, however they race, one submission with one confirmation, and the
// version makes a submission over someone else's newer answers fail instead of
// overwriting them.
func (s *Server) submitReturn(c *fiber.Ctx) error {
	g := governorOf(c)
	key := c.FormValue("submit_key")
	if g.ret.Status == forms.StatusSubmitted && g.ret.SubmitKey == key && key != "" {
		return c.Redirect("/return/confirmation", fiber.StatusSeeOther)
	}
	if !g.canEdit() {
		return c.Redirect("/return", fiber.StatusSeeOther)
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || key == "" {
		return fiber.ErrBadRequest
	}
	ret, e, err := s.deps.Assurance.Submit(c.UserContext(), g.actor(c), g.ret.Key(),
		forms.Submission{Version: version, Key: key, Declaration: formValues(c), At: time.Now()})
	var invalid *forms.InvalidEntry
	switch {
	case errors.As(err, &invalid):
		return s.renderSubmit(c, fiber.StatusUnprocessableEntity, g, e.Answers, e.Errors, fieldErrorsOf(invalid))
	case errors.Is(err, forms.ErrIncomplete):
		g.ret = ret
		return s.renderSubmit(c, fiber.StatusUnprocessableEntity, g, e.Answers, nil, []FieldError{{Field: "declaration.name",
			Message: "Complete every section before you submit"}})
	case errors.Is(err, forms.ErrConflict):
		g.ret = ret
		return s.renderSubmit(c, fiber.StatusConflict, g, e.Answers, nil, []FieldError{{Field: "declaration.name",
			Message: "Someone else changed this return after you opened it: check your answers again before you submit"}})
	case errors.Is(err, forms.ErrNotEditable), errors.Is(err, forms.ErrRoundNotOpen), errors.Is(err, forms.ErrNeedsConfirmation):
		return c.Redirect("/return", fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	return c.Redirect("/return/confirmation", fiber.StatusSeeOther)
}

// ConfirmationPage is shown once a return is submitted, and whenever its link is opened after.
type ConfirmationPage struct {
	Page
	School    string
	Reference string
	Submitted string
	Late      bool
	Email     string
	// CannotAssure is the board's answer: it could not give assurance.
	CannotAssure bool
}

func (s *Server) confirmation(c *fiber.Ctx) error {
	g := governorOf(c)
	if g.ret.Status != forms.StatusSubmitted {
		return c.Redirect("/return", fiber.StatusSeeOther)
	}
	p := ConfirmationPage{Page: s.basePage(c, "Assurance submitted"), School: g.ret.School.Name, Reference: g.ret.Reference,
		Submitted: g.ret.Submitted.In(london).Format("2 January 2006 at 3:04pm"), Late: g.ret.Late,
		Email: g.ret.AnswerMap()[forms.QuestionSignatoryEmail].Value, CannotAssure: g.ret.CannotAssure}
	p.Governor = true
	return s.render(c, fiber.StatusOK, "confirmation", p)
}

// london is the partnership's time zone, for dates people read.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// CopyPage is a printable copy of every answer.
type CopyPage struct {
	Page
	School, URN, Round, Reference, Submitted string
	Late                                     bool
	Sections                                 []CheckSection
}

func (s *Server) returnCopy(c *fiber.Ctx) error {
	g := governorOf(c)
	p := CopyPage{Page: s.basePage(c, "Your answers"), School: g.ret.School.Name, URN: strconv.Itoa(g.ret.URN), Round: g.round.ID,
		Reference: g.ret.Reference, Late: g.ret.Late}
	if !g.ret.Submitted.IsZero() {
		p.Submitted = g.ret.Submitted.In(london).Format("2 January 2006 at 3:04pm")
	}
	answers := g.ret.AnswerMap()
	for _, sec := range g.sections() {
		p.Sections = append(p.Sections, checkSection(sec, answers, g.ret.Completed, ""))
	}
	p.Governor, p.Back = true, "/return/confirmation"
	return s.render(c, fiber.StatusOK, "copy", p)
}

func (s *Server) governorSignOut(c *fiber.Ctx) error {
	sess, err := s.sessionStore(c).Get(c)
	if err != nil {
		return err
	}
	sess.Delete(sessReturn)
	sess.Delete(sessLink)
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
