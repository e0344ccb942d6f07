package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

const sessVerified = "gov_verified" // the link hash whose one-time code was entered

// CodePage asks for the one-time code sent to the school's contact email.
type CodePage struct {
	Page
	School    string
	MaskedTo  string
	NoEmail   bool
	CodeError *FieldError
}

// maskEmail shows enough of an address to recognise it: j***@school.org.uk.
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "your school's contact address"
	}
	return local[:1] + "***@" + domain
}

func (s *Server) codePage(c *fiber.Ctx) error {
	return s.renderCode(c, fiber.StatusOK, "", nil)
}

func (s *Server) renderCode(c *fiber.Ctx, status int, flash string, codeErr *FieldError) error {
	g := governorOf(c)
	p := CodePage{Page: s.basePage(c, "Enter the code we sent you"), School: g.ret.School.Name,
		MaskedTo: maskEmail(g.ret.ContactEmail), NoEmail: g.ret.ContactEmail == "", CodeError: codeErr}
	p.Governor, p.Flash = true, flash
	if codeErr != nil {
		p.Errors = []FieldError{*codeErr}
	}
	return s.render(c, status, "code", p)
}

func (s *Server) sendCode(c *fiber.Ctx) error {
	g := governorOf(c)
	to, err := s.deps.Assurance.SendCode(c.UserContext(), g.actor(c), g.ret.Key(), time.Now())
	switch {
	case errors.Is(err, forms.ErrCodeTooSoon), errors.Is(err, forms.ErrNoContactEmail):
		return s.renderCode(c, fiber.StatusTooManyRequests, "", &FieldError{Field: "code", Message: capitalise(err.Error())})
	case errors.Is(err, forms.ErrCodeNotSent):
		s.log.Error("one-time code not delivered", "return", g.ret.ID, "err", err)
		return s.renderCode(c, fiber.StatusServiceUnavailable, "", &FieldError{Field: "code", Message: capitalise(forms.ErrCodeNotSent.Error())})
	case err != nil:
		return err
	}
	return s.renderCode(c, fiber.StatusOK, "We have sent a code to "+maskEmail(to)+".", nil)
}

func (s *Server) checkCode(c *fiber.Ctx) error {
	g := governorOf(c)
	code := c.FormValue("code")
	if strings.TrimSpace(code) == "" {
		return s.renderCode(c, fiber.StatusUnprocessableEntity, "", &FieldError{Field: "code", Message: "Enter the code from the email"})
	}
	err := s.deps.Assurance.CheckCode(c.UserContext(), g.actor(c), g.ret.Key(), code, time.Now())
	if errors.Is(err, forms.ErrCodeWrong) || errors.Is(err, forms.ErrCodeExpired) {
		return s.renderCode(c, fiber.StatusUnprocessableEntity, "", &FieldError{Field: "code", Message: capitalise(err.Error())})
	}
	if err != nil {
		return err
	}
	sess, err := s.sessionStore(c).Get(c)
	if err != nil {
		return err
	}
	sess.Set(sessVerified, g.ret.LinkHash)
	if err := sess.Save(); err != nil {
		return err
	}
	if g.ret.Status == forms.StatusNotStarted {
		return c.Redirect("/return/start", fiber.StatusSeeOther)
	}
	return c.Redirect("/return", fiber.StatusSeeOther)
}
