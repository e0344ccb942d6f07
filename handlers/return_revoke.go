package handlers

import "github.com/gofiber/fiber/v2"

// revokeLink stops a school's link working without giving another, once the admin has
// confirmed: it cannot be undone, only replaced by a new link given out again.
func (s *Server) revokeLink(c *fiber.Ctx) error {
	r, err := returnOf(c)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		ret, err := s.deps.Returns.Get(c.UserContext(), r)
		if err != nil {
			return err
		}
		return s.confirm(c, "Revoke "+ret.School.Name+"'s link?", ConfirmPage{Caption: "Round " + r.Round,
			Paragraphs: []string{"Answers saved so far stay. To let the school return, give it a new link from this page."},
			Warning:    "The link stops working at once, even for a governor who has the form open.",
			Action:     returnPage(r) + "/revoke", Button: "Revoke the link", Danger: true, Cancel: returnPage(r)})
	}
	if err := s.deps.Links.RevokeLink(c.UserContext(), adminActor(c), r); err != nil {
		return err
	}
	return doneRedirect(c, returnPage(r), "Link revoked")
}
