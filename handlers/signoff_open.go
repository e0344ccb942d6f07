package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/audit"
)

// A confirming governor's link (two-person sign-off) is exchanged at /confirm/TOKEN for a
// session that holds the link's hash alone, as a school's link is for a governor session.
// The two sessions are different kinds: a confirming governor reaches only /confirming
// (read, confirm, send back) and a school's session only /return, so the preparer's
// link cannot confirm and the confirmation link cannot edit.
const (
	sessConfirm  = "confirm_link"
	localConfirm = "confirming"
)

// confirming is what a confirming governor's request carries once checked.
type confirming struct {
	governor
	hash string // of their confirmation link
}

func (s *Server) openConfirmLink(c *fiber.Ctx) error {
	_, hash, err := s.deps.Assurance.OpenConfirmation(c.UserContext(), c.Params("token"), c.IP())
	if errors.Is(err, forms.ErrConfirmLinkInvalid) || errors.Is(err, forms.ErrReturnNotFound) {
		return s.render(c, fiber.StatusNotFound, "link-problem", LinkProblemPage{Page: s.basePage(c, "This confirmation link does not work"), Confirming: true})
	}
	if err != nil {
		return err
	}
	// A confirmation link opens a confirming session only; anyone else signed in on this
	// browser (the preparer too, on a shared computer) is signed out.
	if err := s.freshSession(c, map[string]any{sessConfirm: hash}); err != nil {
		return err
	}
	return c.Redirect("/confirming", fiber.StatusSeeOther)
}

// requireConfirmer admits a request only with a confirming session whose link is still
// the return's: waiting for confirmation, or confirmed through it.
func (s *Server) requireConfirmer(c *fiber.Ctx) error {
	sess, err := s.sessionStore(c).Get(c)
	if err != nil {
		return err
	}
	hash, _ := sess.Get(sessConfirm).(string)
	if hash == "" {
		return s.render(c, fiber.StatusForbidden, "link-problem", LinkProblemPage{Page: s.basePage(c, "Open the link in your email"), Confirming: true})
	}
	ret, err := s.deps.Assurance.ConfirmingReturn(c.UserContext(), hash)
	if errors.Is(err, forms.ErrConfirmLinkInvalid) || errors.Is(err, forms.ErrReturnNotFound) {
		_ = sess.Destroy()
		return s.render(c, fiber.StatusForbidden, "link-problem", LinkProblemPage{Page: s.basePage(c, "This confirmation link does not work"), Confirming: true})
	}
	if err != nil {
		return err
	}
	round, err := s.deps.Rounds.Recent(c.UserContext(), ret.Round)
	if err != nil {
		return err
	}
	if round.State == forms.RoundClosed || round.State == forms.RoundArchived {
		return s.render(c, fiber.StatusGone, "link-problem", LinkProblemPage{Page: s.basePage(c, "This round is closed"), ClosedRound: round.ID})
	}
	c.Locals(localConfirm, &confirming{governor: governor{ret: ret, round: round}, hash: hash})
	return c.Next()
}

func confirmingOf(c *fiber.Ctx) *confirming { g, _ := c.Locals(localConfirm).(*confirming); return g }

// actor is the confirming governor as the audit log names them.
func (g *confirming) actor(c *fiber.Ctx) audit.Actor { return forms.Confirmer(g.ret, c.IP()) }
