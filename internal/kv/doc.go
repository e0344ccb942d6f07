// Package kv is a key-value store in MongoDB with expiry, shaped as Fiber's Storage
// interface, so Fiber's session and rate-limit middleware keep their state in the store
// and several app instances share it. Keys are stored as SHA-256 hashes: a copy of the
// database never reveals a live session ID.
package kv
