package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/problem"
)

// SendPage is the preparer's last step in a two-person round: who they are and which
// governor confirms the return.
type SendPage struct {
	Page
	School    string
	Questions []QuestionView
	Version   int
	SendKey   string
	Late      bool
	Blocked   string // why the return cannot be sent yet
}

func (s *Server) renderSend(c *fiber.Ctx, status int, g *governor, p forms.Preparation, errs problem.FieldErrors) error {
	sec := forms.PreparationSection()
	answers := map[string]forms.Answer{"preparer.name": {Value: p.Name}, "preparer.role": {Value: p.Role},
		"preparer.email": {Value: p.Email}, "confirmer.email": {Value: p.ConfirmerEmail}}
	byField := map[string]*forms.AnswerError{}
	var list []FieldError
	for _, e := range errs {
		byField[e.Field] = &forms.AnswerError{Field: e.Field, Message: e.Message}
		list = append(list, FieldError{Field: e.Field, Message: e.Message})
	}
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	page := SendPage{Page: s.basePage(c, "Send for confirmation"), School: g.ret.School.Name, Questions: questionViews(sec, answers, byField),
		Version: g.ret.Version, SendKey: base64.RawURLEncoding.EncodeToString(key), Late: g.round.Late(g.ret, time.Now())}
	if qs, ok := g.ret.FirstIncomplete(forms.QuestionSections(g.sections())); ok {
		page.Blocked = "Complete every section before you send the return: " + qs.Title + " is not completed yet."
	}
	if !g.canEdit() {
		page.Blocked = "This return cannot be sent now."
	}
	page.Governor, page.Errors, page.Back = true, list, "/return/check"
	return s.render(c, status, "send", page)
}

// sendForConfirmation sends the prepared return to the governor who confirms it. The
// form's key makes a double click one sending; the version makes a sending over someone
// else's newer answers fail.
func (s *Server) sendForConfirmation(c *fiber.Ctx) error {
	g := governorOf(c)
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || c.FormValue("send_key") == "" {
		return fiber.ErrBadRequest
	}
	p := forms.Preparation{Version: version, Key: c.FormValue("send_key"), Name: c.FormValue("preparer.name"), Role: c.FormValue("preparer.role"),
		Email: c.FormValue("preparer.email"), ConfirmerEmail: c.FormValue("confirmer.email"), At: time.Now()}
	ret, err := s.deps.Assurance.SendForConfirmation(c.UserContext(), g.actor(c), g.ret.Key(), p)
	var fields problem.FieldErrors
	switch {
	case errors.As(err, &fields):
		return s.renderSend(c, fiber.StatusUnprocessableEntity, g, p, fields)
	case errors.Is(err, forms.ErrConflict):
		g.ret = ret
		return s.renderSend(c, fiber.StatusConflict, g, p, problem.FieldErrors{{Field: "preparer.name",
			Message: "Someone else changed this return after you opened it: check your answers again before you send it"}})
	case errors.Is(err, forms.ErrIncomplete), errors.Is(err, forms.ErrNotEditable), errors.Is(err, forms.ErrNotTwoPerson):
		return c.Redirect("/return", fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	return doneRedirect(c, "/return", "The return has been sent to "+ret.ConfirmTo+" to confirm")
}
