package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// setSchedule sets the round's reminder schedule.
func (s *Server) setSchedule(c *fiber.Ctx) error {
	year := c.Params("year")
	days, err := forms.ParseReminderDays(c.FormValue("days"))
	if err != nil {
		return s.roundPageWith(c, []FieldError{{Field: "days", Message: "Enter days before the deadline as whole numbers from 0 to 120, like 21, 7, 1"}})
	}
	if err := s.deps.Rounds.SetReminderDays(c.UserContext(), adminActor(c), year, days); err != nil {
		return err
	}
	return doneRedirect(c, "/admin/rounds/"+year, "Reminder schedule saved")
}
