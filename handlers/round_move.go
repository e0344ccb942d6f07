package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// Moving a round through its states: open, close, reopen, archive. Opening and closing
// affect every school, so they ask for confirmation first, with the number of schools;
// archiving cannot be undone, so it asks too. forms audits each move.

func (s *Server) openRound(c *fiber.Ctx) error {
	return s.moveRound(c, forms.RoundDraft, s.confirmOpen, func(year string) (string, error) {
		opened, err := s.deps.Rounds.Open(c.UserContext(), adminActor(c), year)
		return fmt.Sprintf("Round opened: %s expected to return", schools(opened.Expected)), err
	})
}

func (s *Server) closeRound(c *fiber.Ctx) error {
	return s.moveRound(c, forms.RoundOpen, s.confirmClose, func(year string) (string, error) {
		return "Round closed", s.deps.Rounds.Close(c.UserContext(), adminActor(c), year)
	})
}

func (s *Server) reopenRound(c *fiber.Ctx) error {
	return s.moveRound(c, "", nil, func(year string) (string, error) {
		return "Round reopened: schools can save and submit again", s.deps.Rounds.ReopenRound(c.UserContext(), adminActor(c), year)
	})
}

func (s *Server) archiveRound(c *fiber.Ctx) error {
	return s.moveRound(c, forms.RoundClosed, s.confirmArchive, func(year string) (string, error) {
		return "Round archived", s.deps.Rounds.Archive(c.UserContext(), adminActor(c), year)
	})
}

// moveRound asks first (ask) when the round is in the state askIn and the admin has not
// yet confirmed, then moves it (move), which says what it did.
func (s *Server) moveRound(c *fiber.Ctx, askIn string, ask func(*fiber.Ctx, forms.Round) error, move func(year string) (string, error)) error {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	if ask != nil && round.State == askIn && !confirmed(c) {
		return ask(c, round)
	}
	done, err := move(round.ID)
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+round.ID, done)
}
