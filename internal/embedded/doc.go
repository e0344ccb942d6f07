// Package embedded runs the store Assure uses when no MONGODB_URI is given: FerretDB v1
// in this process on SQLite files under the data directory, reached through the same
// MongoDB driver as a real deployment. It starts and stops the engine, works around what
// FerretDB's SQLite backend lacks (an index its lookups by _id can use) and snapshots its
// files for a backup.
//
// The rules of writing (serialised writes, retries while SQLite is busy, a write is
// acknowledged only while the files are still there) live in internal/store, which links
// neither FerretDB nor SQLite. Only cmd/assure, internal/app and the test helper
// internal/storetest import this package, so the domain packages, handlers and exports
// link no store engine (TestDomainPackagesLinkNoStoreEngine in internal/app).
package embedded
