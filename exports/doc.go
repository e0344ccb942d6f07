// Package exports writes what the partnership takes away: the return-rate workbook and
// its school rows as CSV (returns.go), the governor's PDF receipt (receipt.go), the links
// mail merge (links.go), the JOSO workbook (joso.go) and certificates (certificates.go),
// and the register as CSV or a table (schools.go).
//
// It is pure: typed rows in, in its own words (ReturnsReport and ReturnRow, Receipt,
// LinkRow, JOSOInput, Certificate, SchoolRow), and an io.Writer out. It knows no domain,
// no database and no HTTP: it imports neither forms nor missions, and links no store
// (internal/app's deps test keeps it so). The domains turn their documents into these
// rows, each in one place (forms/export_rows.go, missions/export_rows.go), and write and
// audit the files themselves; the rows arrive counted, rounded and labelled, so a writer
// only lays them out. Every text cell is made safe against formula injection (SafeText).
package exports
