// Package accounts holds the partnership's admin accounts and checks their passwords.
// Passwords are stored only as argon2id hashes (golang.org/x/crypto/argon2, the Go team's
// implementation) in the PHC string format, so parameters can be raised later and old
// hashes still verify.
package accounts
