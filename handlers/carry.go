package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// carryForward starts the return from the school's answers of last year.
func (s *Server) carryForward(c *fiber.Ctx) error {
	g := governorOf(c)
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return fiber.ErrBadRequest
	}
	_, err = s.deps.Assurance.CarryForward(c.UserContext(), g.actor(c), g.ret.Key(), version)
	switch {
	case errors.Is(err, forms.ErrAlreadyStarted), errors.Is(err, forms.ErrConflict), errors.Is(err, forms.ErrNotEditable):
		return c.Redirect("/return", fiber.StatusSeeOther) // started meanwhile: the task list shows how
	case errors.Is(err, forms.ErrNothingToCarry), errors.Is(err, forms.ErrNoCarryForward):
		return doneRedirect(c, "/return", "There are no answers from last year to start from")
	case err != nil:
		return err
	}
	return doneRedirect(c, "/return", "Started from last year's answers: check each section and save it to confirm them")
}
