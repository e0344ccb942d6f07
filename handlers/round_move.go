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
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	if round.State == forms.RoundDraft && !confirmed(c) {
		return s.confirmOpen(c, round)
	}
	opened, err := s.deps.Rounds.Open(c.UserContext(), adminActor(c), round.ID)
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+round.ID, fmt.Sprintf("Round opened: %s expected to return", schools(opened.Expected)))
}

func (s *Server) closeRound(c *fiber.Ctx) error {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	if round.State == forms.RoundOpen && !confirmed(c) {
		return s.confirmClose(c, round)
	}
	if err := s.deps.Rounds.Close(c.UserContext(), adminActor(c), round.ID); err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+round.ID, "Round closed")
}

func (s *Server) reopenRound(c *fiber.Ctx) error {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	if err := s.deps.Rounds.ReopenRound(c.UserContext(), adminActor(c), round.ID); err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+round.ID, "Round reopened: schools can save and submit again")
}

func (s *Server) archiveRound(c *fiber.Ctx) error {
	round, err := s.deps.Rounds.Get(c.UserContext(), c.Params("year"))
	if err != nil {
		return err
	}
	if round.State == forms.RoundClosed && !confirmed(c) {
		return s.confirmArchive(c, round)
	}
	if err := s.deps.Rounds.Archive(c.UserContext(), adminActor(c), round.ID); err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+round.ID, "Round archived")
}
