package forms

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/problem"
)

// A round can ask, besides the link, for a one-time code sent to the school's contact email
// (set by the partnership), so that a forwarded or leaked link alone opens nothing.

// Code rules.
const (
	CodeLifetime    = 15 * time.Minute
	CodeMaxAttempts = 5
	CodeResendAfter = time.Minute
)

// Errors about one-time codes.
var (
	ErrNoContactEmail = problem.New(problem.WrongState, "the partnership has no contact email for this school")
	ErrCodeTooSoon    = problem.New(problem.WrongState, "a code was sent less than a minute ago: check your inbox")
	ErrCodeWrong      = problem.New(problem.Invalid, "the code is not right: check it and try again")
	ErrCodeExpired    = problem.New(problem.Invalid, "the code has expired or was used up: send a new one")
)

// codeState is kept on the return: only a hash of the code.
type codeState struct {
	Hash     string    `bson:"code_hash,omitempty"`
	Expires  time.Time `bson:"code_expires,omitempty"`
	Sent     time.Time `bson:"code_sent,omitempty"`
	Attempts int       `bson:"code_attempts,omitempty"`
}

func hashCode(returnID, code string) string {
	sum := sha256.Sum256([]byte(returnID + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// oneTimeCodes keeps returns' one-time codes, on the return itself (only a hash of the
// code, its expiry and the tries made). Assurance.SendCode and CheckCode use it.
type oneTimeCodes struct{ returns *Returns }

// NewCode makes a six-digit code for a return, replacing any earlier one, and returns it
// with the address to send it to. It refuses to make codes faster than one a minute.
func (oc oneTimeCodes) NewCode(ctx context.Context, id ReturnID, now time.Time) (code, to string, err error) {
	r, err := oc.returns.Get(ctx, id)
	if err != nil {
		return "", "", err
	}
	if r.ContactEmail == "" {
		return "", "", ErrNoContactEmail
	}
	if !r.Code.Sent.IsZero() && now.Sub(r.Code.Sent) < CodeResendAfter {
		return "", "", ErrCodeTooSoon
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", "", err
	}
	code = fmt.Sprintf("%06d", n.Int64())
	st := codeState{Hash: hashCode(id.String(), code), Expires: now.Add(CodeLifetime).UTC(), Sent: now.UTC()}
	err = oc.returns.st.Write(ctx, func(ctx context.Context) error {
		_, err := oc.returns.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}}, bson.D{{Key: "$set", Value: bson.D{
			{Key: "code_hash", Value: st.Hash}, {Key: "code_expires", Value: st.Expires}, {Key: "code_sent", Value: st.Sent}, {Key: "code_attempts", Value: 0}}}})
		return err
	})
	if err != nil {
		return "", "", fmt.Errorf("returns: recording a code for %s: %w", id, err)
	}
	return code, r.ContactEmail, nil
}

// CheckCode checks a code typed by the governor. Each try counts, whether right or wrong,
// so a code cannot be guessed; a right one is used up.
func (oc oneTimeCodes) CheckCode(ctx context.Context, id ReturnID, code string, now time.Time) error {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	var res *mongo.UpdateResult
	err := oc.returns.st.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = oc.returns.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}, {Key: "code_attempts", Value: bson.D{{Key: "$lt", Value: CodeMaxAttempts}}}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "code_attempts", Value: 1}}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("returns: checking a code for %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return ErrCodeExpired
	}
	r, err := oc.returns.Get(ctx, id)
	if err != nil {
		return err
	}
	if r.Code.Hash == "" || now.After(r.Code.Expires) {
		return ErrCodeExpired
	}
	if subtle.ConstantTimeCompare([]byte(hashCode(id.String(), code)), []byte(r.Code.Hash)) != 1 {
		return ErrCodeWrong
	}
	return oc.returns.st.Write(ctx, func(ctx context.Context) error {
		_, err := oc.returns.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}},
			bson.D{{Key: "$unset", Value: bson.D{{Key: "code_hash", Value: ""}, {Key: "code_expires", Value: ""}}}})
		return err
	})
}
