package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// addSchool adds a school of the register to an open round after it opened.
func (s *Server) addSchool(c *fiber.Ctx) error {
	year := c.Params("year")
	urn, convErr := strconv.Atoi(strings.TrimSpace(c.FormValue("urn")))
	if convErr != nil || urn <= 0 {
		return s.roundPageWith(c, []FieldError{{Field: "urn", Message: "Enter the school's URN, like 120001"}})
	}
	if err := s.deps.Rounds.AddLate(c.UserContext(), adminActor(c), forms.ReturnID{Round: year, URN: urn}); err != nil {
		if errors.Is(err, forms.ErrSchoolNotFound) || errors.Is(err, forms.ErrRoundNotOpen) || errors.Is(err, forms.ErrAlreadyInRound) {
			return s.roundPageWith(c, []FieldError{{Field: "urn", Message: capitalise(err.Error())}})
		}
		return err
	}
	return c.Redirect("/admin/rounds/"+year+"/returns/"+strconv.Itoa(urn), fiber.StatusSeeOther)
}
