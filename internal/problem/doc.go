// Package problem names the kinds of thing that can go wrong when someone asks Assure to do
// something, so that the domain packages can say what went wrong in the partnership's words
// and the one error handler in handlers can turn each kind into a status and a page.
//
// It is a leaf: it imports nothing of Assure and knows nothing of HTTP. Domain packages
// declare their sentinel errors with New (errors.Is keeps working on them) and give their
// typed errors a Kind method; handlers asks KindOf. Statuses and page wording do not live
// here: they live in one table in handlers/errors.go.
package problem
