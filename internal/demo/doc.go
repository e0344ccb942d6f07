// Package demo loads the demo: the invented county (through the real GIAS importer), its
// two closed assurance rounds and a live one, two JOSO programme years and a demo admin,
// into an empty store, through the services internal/app builds. `assure demo`, the
// service's first start and the load test's preparation use it; cmd/assure prints what
// it loaded.
//
// The data itself is made up in the sub-packages, each importing only the domain package
// it fills, so that domain's tests can use it: county (the county as a GIAS file; it
// imports nothing, so forms' own tests read it), rounds (the rounds, brought in through
// forms.Rounds.LoadPast, the call for rounds run before the service) and joso (the JOSO
// years, through the programme's own calls). forms and missions hold no demo code.
// Nothing here is used by the service's pages.
package demo
