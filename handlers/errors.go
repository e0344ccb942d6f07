package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/metrics"
	"github.com/lscp/assure/internal/problem"
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

// errorPage is what a person sees for one kind of problem.
type errorPage struct {
	status  int
	heading string
	// say is the page's paragraphs for err; nil says nothing more than the heading.
	say func(err error) []string
}

// errorPages is the one table from a kind of problem (internal/problem) to a status and a
// page. Domain packages give every error they return a kind; anything without one is the
// service's own fault (Internal). Pages that can show a problem beside a field (a form's
// validation) do so themselves; this table is for requests no page sends (a stale or
// crafted form, a link typed by hand) and for faults.
var errorPages = map[problem.Kind]errorPage{
	problem.Internal: {http.StatusInternalServerError, "Sorry, there is a problem with the service",
		func(error) []string { return []string{"Try again later. What you had saved is safe."} }},
	problem.NotFound: {http.StatusNotFound, "Page not found",
		func(err error) []string { return []string{capitalise(problemMessage(err)) + "."} }},
	problem.Invalid: {http.StatusBadRequest, "There is a problem with what was sent",
		func(err error) []string {
			return []string{capitalise(problemMessage(err)) + ". Go back, reload the page and try again."}
		}},
	problem.Conflict: {http.StatusConflict, "Someone else changed this",
		func(error) []string {
			return []string{"Go back, reload the page and make your change again. Nothing was lost."}
		}},
	problem.WrongState: {http.StatusConflict, "That cannot be done now",
		func(err error) []string { return []string{capitalise(problemMessage(err)) + "."} }},
	problem.Forbidden: {http.StatusForbidden, "You cannot do this",
		func(err error) []string {
			return []string{capitalise(problemMessage(err)) + ". Nothing was changed. Ask an administrator of the partnership's team if you need to."}
		}},
	problem.Unavailable: {http.StatusServiceUnavailable, "Sorry, the service is unavailable",
		func(error) []string {
			return []string{"The service cannot reach its database just now. Try again in a few minutes. What you had saved is safe."}
		}},
}

// problemMessage is err's words for the person who asked. A refusal the JOSO programme
// wraps as "not valid: <what>" shows only the what.
func problemMessage(err error) string {
	return strings.TrimPrefix(err.Error(), missions.ErrInvalid.Error()+": ")
}

// handleError is the one place errors become statuses and pages.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var status int
	var heading string
	var paras []string
	var fe *fiber.Error
	switch {
	case errors.Is(err, errCSRF):
		status, heading, paras = http.StatusForbidden, "This form has expired",
			[]string{"Go back, reload the page and try again. This protects you from forms sent by other websites."}
	case errors.As(err, &fe):
		status, heading, paras = fiberErrorPage(fe)
	default:
		kind := problem.KindOf(err)
		if kind == problem.Internal && store.Unavailable(err) {
			kind = problem.Unavailable
		}
		if kind == problem.Unavailable {
			metrics.StoreError()
		}
		page := errorPages[kind]
		status, heading, paras = page.status, page.heading, page.say(err)
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

// fiberErrorPage is the page for the router's own errors (no route, body too large...).
func fiberErrorPage(fe *fiber.Error) (int, string, []string) {
	switch fe.Code {
	case http.StatusNotFound:
		return fe.Code, "Page not found", []string{"If you typed the web address, check it is correct."}
	case http.StatusRequestEntityTooLarge:
		return fe.Code, "The file or form is too large", []string{"GIAS files up to 200 MB can be uploaded; other forms are much smaller."}
	case http.StatusUnauthorized:
		return fe.Code, "Sign in to see this page", nil
	case http.StatusMethodNotAllowed:
		return fe.Code, "Page not found", nil
	default:
		return fe.Code, http.StatusText(fe.Code), nil
	}
}
