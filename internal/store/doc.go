// Package store holds the rules for reading and writing the product's MongoDB database
// through the official driver, whichever server answers: a real MongoDB (MONGODB_URI),
// or the embedded FerretDB that internal/embedded starts in this process. It links no
// store engine; internal/embedded tells a Store about its engine through Attach.
//
// The embedded store fails concurrent writers with SQLITE_BUSY, so Store.Write serialises
// writes against it and retries the ones SQLite still refuses: an acknowledged write is
// never a lost one. Against MongoDB, Write runs the operation directly. Versioned writes
// (ReplaceIfVersion, UpdateIfVersion), named locks held in the store, the shared secrets
// and the test of whether the store can keep a write (Available, ErrUnavailable) live here
// too. Nothing about schools, rounds or JOSOs does.
package store
