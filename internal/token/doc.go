// Package token makes and checks the secrets in Assure's links: a school's link to its
// return (/r/TOKEN), a governor's link to confirm a return prepared for them
// (/confirm/TOKEN) and a link teacher's sign-in link (/joso/link/TOKEN). Every token is
// 128 bits written as 22 base64url characters; only its SHA-256 (Hash) is ever stored, so
// a copy of the database opens no return.
//
// It is a leaf: it knows nothing of rounds, teams or HTTP. The domains decide what a token
// opens and for how long.
package token
