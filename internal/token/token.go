package token

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// size is a token's strength in bytes: 128 bits, beyond guessing at any rate limit.
const size = 16

// New makes a random token (a sign-in link's, used once).
func New() (string, error) {
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Derive makes the token that key gives for msg: the first 128 bits of HMAC-SHA256. The
// same key and message always give the same token (a school's link stays the same in
// every reminder), and nobody without the key can make one.
func Derive(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:size])
}

// Hash is how a token is stored and looked up.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Valid says whether a string has the form of a token, so anything else is refused
// before it reaches the store.
func Valid(token string) bool {
	if len(token) != 22 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && len(b) == size
}
