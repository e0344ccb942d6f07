// Package forms is the assurance domain: the schools register (imported from Get
// Information About Schools, GIAS, and classified into the partnership's reporting phases
// and governance), and, built on it, rounds, form definitions by phase and returns; the
// return rates the partnership reports (rates.go), and chasing: the reminder schedule,
// manual reminders and the chase log (chase.go).
//
// It knows nothing of HTTP: handlers and the command line call it.
package forms
