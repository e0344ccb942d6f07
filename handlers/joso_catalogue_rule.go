package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/missions"
)

// saveRule makes a new version of an activity's XP rule.
func (s *Server) saveRule(c *fiber.Ctx) error {
	year, activity := c.Params("year"), c.FormValue("activity")
	r, ok := ruleFrom(c)
	if !ok {
		return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "base-" + activity, Message: pointsMessage}})
	}
	if _, err := s.deps.JOSO.Catalogue.SetRule(c.UserContext(), adminActor(c), year, activity, r); err != nil {
		return err
	}
	return doneRedirect(c, "/admin/joso/"+year+"/catalogue", "New rule version made")
}

// pointsMessage is the error beside points that are not whole numbers from 0 to 1,000.
const pointsMessage = "Points must be whole numbers from 0 to 1,000"

// ruleFrom reads an XP rule's points from a form; a blank is 0.
func ruleFrom(c *fiber.Ctx) (missions.Rule, bool) {
	var r missions.Rule
	ok := true
	for _, f := range []struct {
		name string
		to   *int
	}{{"base", &r.Base}, {"whole-school", &r.WholeSchool}, {"parents", &r.Parents}, {"ks1", &r.KS1}, {"ks2", &r.KS2}, {"cap", &r.Cap}} {
		v := strings.TrimSpace(c.FormValue(f.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			ok = false
		}
		*f.to = n
	}
	return r, ok
}
