// Package missions is the Junior Online Safety Officer (JOSO) programme: programme years
// and their catalogue of mission areas, missions and XP rules; the schools taking part
// and their link teachers; training sessions and attendance; the JOSOs themselves (a
// display name and consent flags, nothing more); activities and their evidence; the
// append-only XP ledger; celebration nominations; the yearly figures; and anonymisation
// once a year is over.
//
// Where things live:
//   - The rules are pure methods on the documents, testable without a store: Year (its
//     states and moves, CanMove, Changeable, sessions), ActivityType and Rule (what XP an
//     audience earns: Rule.Bonus, award), Team and JOSO (trained, released, names,
//     attendance, consent, certificates), Activity (what a link teacher may change,
//     approve, unapprove), ActivityInput.Check (the activity form's rules).
//   - The services, one per aggregate, in the programme's words, built together by New:
//     Catalogue (years and their catalogue), Teams (teams, JOSOs, attendance, nominations,
//     certificates), Activities, Ledger (approvals and XP entries), Evidence, SignIns
//     (link teachers' emailed links), Figures, Anonymiser. Each takes the acting person
//     (an audit.Actor) and writes its own audit entries; callers never audit for them.
//   - The stores (stores.go) are thin, one per aggregate: they read and write documents
//     and decide nothing.
//   - The starting catalogue is in catalogue.go; the strands and audiences in strands.go.
//   - export_rows.go: the programme's files, written through exports from rows made here
//     and nowhere else: Figures.WriteWorkbook (the yearly workbook, each line beside the
//     previous year's, audited as an export) and Teams.WriteCertificatesPDF (audited by
//     Certificates).
//
// Storage follows the embedded store's limits (see the architecture note): each school's
// team is one document (JOSOs, attendance and nominations change together under one
// version number), ledger entries are keyed by their idempotency key so that posting
// twice is a duplicate-key no-op on any store, and evidence lives in GridFS in one bucket
// per school and year, so reading a file never scans another school's chunks.
//
// What must not live here: HTTP (no Fiber, no handlers), laying out spreadsheets and
// PDFs (exports, which knows nothing of missions), the assurance domain (forms), the
// demo's made-up years (internal/demo/joso, which goes through the services like anyone
// else). The package knows nothing of HTTP; handlers and the CLI call it.
package missions
