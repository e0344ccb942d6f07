// Package demo loads the demo: the invented county (through the real GIAS importer), its
// two closed assurance rounds and a live one, two JOSO programme years and a demo admin,
// into an empty store, through the services internal/app builds. `assure demo`, the
// service's first start and the load test's preparation use it; cmd/assure prints what
// it loaded.
//
// The generators of the data itself stay beside the rules they must obey, for now:
// forms.DemoGIAS (the county as a GIAS file; forms' own tests import it), forms.DemoRounds
// and DemoLiveRound (they write returns submitted in past terms straight to the store,
// which no service call can do), and missions.Demo (it enrols JOSOs with their training
// already attended). Nothing here is used by the service's pages.
package demo
