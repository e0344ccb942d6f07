package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/metrics"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/missions"
)

var errCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

// ErrorPage is the page for any error.
type ErrorPage struct {
	Page
	Heading    string
	Paragraphs []string
}

// handleError is the one place errors become statuses and pages.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, heading, paras := http.StatusInternalServerError, "Sorry, there is a problem with the service",
		[]string{"Try again later. What you had saved is safe."}
	var fe *fiber.Error
	switch {
	case errors.Is(err, errCSRF):
		status, heading, paras = http.StatusForbidden, "This form has expired",
			[]string{"Go back, reload the page and try again. This protects you from forms sent by other websites."}
	case errors.Is(err, forms.ErrSchoolNotFound), errors.Is(err, forms.ErrJobNotFound), errors.Is(err, forms.ErrRoundNotFound),
		errors.Is(err, forms.ErrReturnNotFound), errors.Is(err, missions.ErrYearNotFound), errors.Is(err, missions.ErrNotFound):
		status, heading, paras = http.StatusNotFound, "Page not found", []string{err.Error() + "."}
	case errors.As(err, &fe):
		status = fe.Code
		switch fe.Code {
		case http.StatusNotFound:
			heading, paras = "Page not found", []string{"If you typed the web address, check it is correct."}
		case http.StatusRequestEntityTooLarge:
			heading, paras = "The file or form is too large", []string{"GIAS files up to 200 MB can be uploaded; other forms are much smaller."}
		case http.StatusUnauthorized:
			heading, paras = "Sign in to see this page", nil
		case http.StatusMethodNotAllowed:
			heading, paras = "Page not found", nil
		default:
			heading, paras = http.StatusText(fe.Code), nil
		}
	case errors.Is(err, forms.ErrRoundNotOpen), errors.Is(err, forms.ErrRoundState):
		status, heading, paras = http.StatusConflict, "That cannot be done now", []string{capitalise(err.Error()) + "."}
	case errors.Is(err, missions.ErrYearClosed), errors.Is(err, missions.ErrYearState), errors.Is(err, missions.ErrNotEditable),
		errors.Is(err, missions.ErrNotReleased), errors.Is(err, missions.ErrNotSubmitted), errors.Is(err, missions.ErrNotApproved):
		status, heading, paras = http.StatusConflict, "That cannot be done now", []string{capitalise(err.Error()) + "."}
	case errors.Is(err, missions.ErrConflict):
		status, heading, paras = http.StatusConflict, "Someone else changed this", []string{"Go back, reload the page and make your change again. Nothing was lost."}
	case isJOSORefusal(err):
		status, heading, paras, _ = josoErrorPage(err)
	case store.Unavailable(err):
		metrics.StoreError()
		status, heading = http.StatusServiceUnavailable, "Sorry, the service is unavailable"
		paras = []string{"The service cannot reach its database just now. Try again in a few minutes. What you had saved is safe."}
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "status", status, "err", err)
	}
	if strings.Contains(c.Get(fiber.HeaderAccept), "application/json") && !strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
		return c.Status(status).JSON(fiber.Map{"error": heading})
	}
	p := ErrorPage{Page: s.basePage(c, heading), Heading: heading, Paragraphs: paras}
	if rerr := s.render(c, status, "error", p); rerr != nil {
		return c.Status(status).SendString(heading)
	}
	return nil
}
