// Package missions is the Junior Online Safety Officer (JOSO) programme: programme years
// and their catalogue of mission areas, missions and XP rules; the schools taking part
// and their link teachers; training sessions and attendance; the JOSOs themselves (a
// display name and consent flags, nothing more); activities and their evidence; the
// append-only XP ledger; celebration nominations; the yearly figures; and anonymisation
// once a year is over.
//
// Storage follows the embedded store's limits (see the architecture note): each school's
// team is one document (JOSOs, attendance and nominations change together under one
// version number), ledger entries are keyed by their idempotency key so that posting
// twice is a duplicate-key no-op on any store, and evidence lives in GridFS in one bucket
// per school and year, so reading a file never scans another school's chunks.
//
// The package knows nothing of HTTP; handlers and the CLI call it.
package missions
