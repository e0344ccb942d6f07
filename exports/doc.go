// Package exports writes what the partnership takes away: CSV files and, later, the
// return-rate and JOSO workbooks. It is pure: typed rows in, an io.Writer out; it knows no
// database and no HTTP. Every text cell is made safe against formula injection.
package exports
