package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// SentBackPage tells the confirming governor the return went back to its preparer.
type SentBackPage struct {
	Page
	School, Preparer string
}

// sendBack returns the return to its preparer with the governor's comment; the
// governor's link then stops working.
func (s *Server) sendBack(c *fiber.Ctx) error {
	g := confirmingOf(c)
	comment := c.FormValue("comment")
	ret, err := s.deps.Assurance.SendBack(c.UserContext(), g.actor(c), g.ret.Key(), g.hash, comment)
	switch {
	case errors.Is(err, forms.ErrSendBackComment):
		return s.renderSignOff(c, fiber.StatusUnprocessableEntity, g, g.ret.AnswerMap(), nil,
			[]FieldError{{Field: "comment", Message: "Enter what needs changing (up to 2,000 characters)"}}, comment)
	case errors.Is(err, forms.ErrConfirmLinkInvalid):
		return s.render(c, fiber.StatusConflict, "link-problem", LinkProblemPage{Page: s.basePage(c, "This return cannot be sent back now"), Confirming: true})
	case err != nil:
		return err
	}
	// The link is dead now: so is the session it opened.
	if err := s.endSession(c); err != nil {
		return err
	}
	p := SentBackPage{Page: s.basePage(c, "Return sent back"), School: ret.School.Name}
	if ret.Preparer != nil {
		p.Preparer = ret.Preparer.Name
	}
	return s.render(c, fiber.StatusOK, "signoff-sent-back", p)
}
