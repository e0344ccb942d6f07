package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// remindGroup sends a reminder now to every school of the filtered chase list that has
// a contact email.
func (s *Server) remindGroup(c *fiber.Ctx) error {
	year := c.Params("year")
	ctx := c.UserContext()
	round, err := s.deps.Rounds.Get(ctx, year)
	if err != nil {
		return err
	}
	if round.State != forms.RoundOpen {
		return forms.ErrRoundNotOpen // a page saying so, not a failure
	}
	f := chaseFilterOf(func(k string) string { return c.FormValue(k) })
	list, err := s.deps.Returns.Outstanding(ctx, year, f.keep)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		withEmail, noEmail, err := s.deps.Chase.Reachable(ctx, year, list)
		if err != nil {
			return err
		}
		return s.confirmRemind(c, year, f, withEmail, noEmail)
	}
	g, err := s.deps.Chase.RemindGroup(ctx, adminActor(c), year, f.keep, f.query(), time.Now())
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+year+"/dashboard?"+f.query()+"#chase", reminderCounts(g.Sent, g.Failed, g.NoEmail))
}

// reminderCounts says what a group reminder did.
func reminderCounts(sent, failed, noEmail int) string {
	msg := fmt.Sprintf("%d reminders sent", sent)
	if failed > 0 {
		msg += fmt.Sprintf("; %d could not be delivered (see Email)", failed)
	}
	if noEmail > 0 {
		msg += fmt.Sprintf("; %d schools have no contact email", noEmail)
	}
	return msg + "."
}
