// Package backup dumps every collection of a store to one compressed file and restores
// such a file into an empty store, document for document: evidence files (GridFS
// collections) included, BSON types kept exactly (dates, binary, 64-bit numbers).
//
// The file is gzip over a stream of BSON documents: a header naming the format, then for
// each collection a marker (its name, its document count and its indexes) followed by its
// documents, then a trailer with the totals. A file cut short or altered fails to restore
// before anything is written, because Restore reads and checks the whole file first.
//
// Consistency: on MongoDB (a replica set) the dump reads every collection in one snapshot
// session, so it is a single point in time. The embedded store is dumped from a copy the
// SQLite database makes of itself in one read transaction (VACUUM INTO), which is
// equally a single point in time, while the service goes on writing.
package backup
