// Package store opens the product's MongoDB database: the embedded FerretDB (SQLite files
// under the data directory) when no MONGODB_URI is given, or a real MongoDB when it is.
// Either way every read and write goes through the official driver.
//
// The embedded store fails concurrent writers with SQLITE_BUSY, so Store.Write serialises
// writes against it and retries the ones SQLite still refuses: an acknowledged write is
// never a lost one. Against MongoDB, Write runs the operation directly.
package store
