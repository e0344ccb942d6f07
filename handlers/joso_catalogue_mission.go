package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// addMission adds a mission with its first activity and XP rule to an area.
func (s *Server) addMission(c *fiber.Ctx) error {
	year := c.Params("year")
	r, ok := ruleFrom(c)
	if !ok {
		return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "new-base", Message: pointsMessage}})
	}
	_, err := s.deps.JOSO.Catalogue.AddMission(c.UserContext(), adminActor(c), year, c.FormValue("area"), c.FormValue("title"), c.FormValue("activity"), r)
	if errors.Is(err, missions.ErrInvalid) {
		return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "title", Message: capitalise(problemMessage(err))}})
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/joso/"+year+"/catalogue", "Mission added")
}
