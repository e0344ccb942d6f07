package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// saveAreaStrands maps a mission area onto the strands it covers.
func (s *Server) saveAreaStrands(c *fiber.Ctx) error {
	year, area := c.Params("year"), c.FormValue("area")
	_, err := s.deps.JOSO.Catalogue.SetAreaStrands(c.UserContext(), adminActor(c), year, area, formValues(c)["strands"])
	if errors.Is(err, missions.ErrInvalid) {
		return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "strands-" + area, Message: "Choose at least one strand for the area"}})
	}
	if err != nil {
		return err
	}
	return doneRedirect(c, "/admin/joso/"+year+"/catalogue", "Strands saved")
}
