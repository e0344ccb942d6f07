// Package handlers is Assure's web front: the only package that imports Fiber. Routes are
// listed in one place (routes.go); each page has its own file that parses the request,
// validates it, calls the domain packages through the small interfaces in deps.go, and
// renders a typed page or redirects. Handlers return errors; errors.go turns them into
// statuses and pages.
package handlers
