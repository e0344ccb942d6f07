// Package rounds makes up the demo's assurance rounds over a register holding the demo
// county (internal/demo/county): 2021-22 and 2022-23, closed, whose returns reproduce the
// partnership's annual report; a live round of the current academic year, about half
// returned; and, for benchmarks, a round in which nine in ten schools of any register
// returned. Each is brought in through forms.Rounds.LoadPast, the call a partnership uses
// for rounds run before the service, so the rules and audit are the service's own.
//
// It imports forms and nothing that imports forms, so forms' external tests, handlers'
// and exports' tests can use it.
package rounds
