// Package storetest gives each test its own database on a real store: the embedded
// FerretDB started once per test binary, or the MongoDB named by TEST_MONGODB_URI.
// Tests never mock MongoDB; a store that cannot start fails the test, it never skips.
package storetest
