// Package exports writes what the partnership takes away: the register as CSV, the
// governor's PDF receipt, and the return-rate workbook (and, later, the JOSO workbook).
// It is pure: domain rows in (forms types, read by the caller), an io.Writer out; it knows
// no database and no HTTP. Every text cell is made safe against formula injection.
package exports
