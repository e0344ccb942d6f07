package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/token"
)

// Two-factor sign-in is TOTP (RFC 6238: six digits, 30-second steps, SHA-1, what every
// authenticator app reads) through github.com/pquerna/otp, with ten single-use recovery
// codes stored as SHA-256 hashes.

// RecoveryCodes is how many recovery codes a set-up gives.
const RecoveryCodes = 10

// Errors of the second factor.
var (
	ErrBadCode      = problem.Wrap(problem.Invalid, fmt.Errorf("enter the 6-digit code from your authenticator app, or one of your recovery codes"))
	ErrNoSetUpBegun = problem.New(problem.WrongState, "start setting up two-factor sign-in again")
	ErrTwoFactorOff = problem.New(problem.WrongState, "this account does not sign in with a code")
	// ErrCurrentPassword refuses replacing a second factor without the current password.
	ErrCurrentPassword = problem.Wrap(problem.Invalid, fmt.Errorf("enter your current password to replace your two-factor sign-in"))
	totpOpts           = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	recoveryAlphabet   = "abcdefghjkmnpqrstuvwxyz23456789"
)

// TwoFactorSetUp is what an authenticator app needs: the secret as text and as an
// otpauth:// URI.
type TwoFactorSetUp struct {
	Secret string
	URI    string
}

// BeginTwoFactor makes a new secret for the account, kept aside until ConfirmTwoFactor is
// given a code from it; an existing second factor keeps working until then.
func (a *Accounts) BeginTwoFactor(ctx context.Context, id string) (TwoFactorSetUp, error) {
	ad, err := a.member(ctx, id)
	if err != nil {
		return TwoFactorSetUp{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Assure " + a.cfg.Partnership, AccountName: ad.ID,
		Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		return TwoFactorSetUp{}, fmt.Errorf("accounts: making a secret: %w", err)
	}
	if err := a.set(ctx, ad.ID, bson.D{{Key: "totp_pending", Value: key.Secret()}}); err != nil {
		return TwoFactorSetUp{}, fmt.Errorf("accounts: keeping the new secret: %w", err)
	}
	return TwoFactorSetUp{Secret: key.Secret(), URI: key.URL()}, nil
}

// PendingTwoFactor is the set-up begun and not yet confirmed, for the page to show again
// after a wrong code.
func (a *Accounts) PendingTwoFactor(ctx context.Context, id string) (TwoFactorSetUp, error) {
	ad, err := a.member(ctx, id)
	if err != nil {
		return TwoFactorSetUp{}, err
	}
	if ad.TOTPPending == "" {
		return TwoFactorSetUp{}, ErrNoSetUpBegun
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(ad.TOTPPending)
	if err != nil {
		return TwoFactorSetUp{}, fmt.Errorf("accounts: reading the secret being set up: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Assure " + a.cfg.Partnership, AccountName: ad.ID,
		Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm, Secret: secret})
	if err != nil {
		return TwoFactorSetUp{}, err
	}
	return TwoFactorSetUp{Secret: ad.TOTPPending, URI: key.URL()}, nil
}

// ConfirmTwoFactor checks a code from the secret being set up and, if it is right, makes
// it the account's second factor and returns ten new recovery codes (shown once; the
// store keeps their hashes and forgets any older ones) and the account as it now is.
//
// Replacing a second factor already on also needs the account's current password: a
// session left open, or taken, must not be enough to swap in the taker's phone and
// recovery codes. A replacement then ends every session of the account; the caller
// starts its own again under the returned generation.
func (a *Accounts) ConfirmTwoFactor(ctx context.Context, by audit.Actor, id, code, password string, now time.Time) ([]string, Admin, error) {
	ad, err := a.member(ctx, id)
	if err != nil {
		return nil, ad, err
	}
	if ad.TOTPPending == "" {
		return nil, ad, ErrNoSetUpBegun
	}
	replacing := ad.TwoFactor()
	if replacing && !VerifyPassword(ad.Hash, password) {
		a.log.Note(ctx, by, audit.ActionTwoFactorFailed, ad.ID, "replacing it without the current password")
		return nil, ad, ErrCurrentPassword
	}
	step, ok := matchStep(ad.TOTPPending, code, now)
	if !ok {
		return nil, ad, ErrBadCode
	}
	set := bson.D{{Key: "totp_secret", Value: ad.TOTPPending}, {Key: "totp_last_step", Value: step}}
	ad.TOTPSecret, ad.TOTPPending, ad.TOTPLastStep = ad.TOTPPending, "", step
	if replacing {
		ad.Sessions++
		set = append(set, bson.E{Key: "sessions", Value: ad.Sessions})
	}
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		codes[i] = newRecoveryCode()
	}
	err = a.st.Write(ctx, func(ctx context.Context) error {
		if _, err := a.recovery.DeleteMany(ctx, bson.D{{Key: "account", Value: ad.ID}}); err != nil {
			return err
		}
		docs := make([]any, len(codes))
		for i, c := range codes {
			docs[i] = recoveryDoc{ID: recoveryID(ad.ID, c), Account: ad.ID}
		}
		if _, err := a.recovery.InsertMany(ctx, docs); err != nil && !store.IsDuplicateKey(err) {
			return err
		}
		_, err := a.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: ad.ID}}, bson.D{
			{Key: "$set", Value: set},
			{Key: "$unset", Value: bson.D{{Key: "totp_pending", Value: ""}}}})
		return err
	})
	if err != nil {
		return nil, ad, fmt.Errorf("accounts: keeping two-factor sign-in: %w", err)
	}
	detail := ""
	if replacing {
		detail = "replaced; the account's other sessions ended"
	}
	a.log.Note(ctx, by, audit.ActionTwoFactorSetUp, ad.ID, detail)
	return codes, ad, nil
}

// SecondFactor checks the code typed after a good password: a TOTP code of a step not
// accepted before (nor older than the last accepted), or an unused recovery code, which is
// then spent. It records the sign-in, or the failure.
func (a *Accounts) SecondFactor(ctx context.Context, from audit.Actor, id, code string, now time.Time) (Admin, error) {
	who := audit.Actor{Name: id, IP: from.IP}
	ad, err := a.member(ctx, id)
	if err != nil {
		return ad, err
	}
	if ad.Status() != StatusActive {
		return ad, ErrSessionEnded
	}
	if !ad.TwoFactor() {
		return ad, ErrTwoFactorOff
	}
	how, err := a.secondFactor(ctx, ad, code, now)
	if err != nil {
		if problem.Is(err, problem.Invalid) {
			a.log.Note(ctx, who, audit.ActionTwoFactorFailed, "", "")
		}
		return ad, err
	}
	a.log.Note(ctx, who, audit.ActionSignIn, "", how)
	return ad, nil
}

func (a *Accounts) secondFactor(ctx context.Context, ad Admin, code string, now time.Time) (string, error) {
	code = strings.ToLower(strings.ReplaceAll(strings.Join(strings.Fields(code), ""), "-", ""))
	if step, ok := matchStep(ad.TOTPSecret, code, now); ok {
		if step <= ad.TOTPLastStep {
			return "", ErrBadCode
		}
		// The step's own document makes it count once even when two instances check
		// the same code at once; the account's last step refuses older ones after.
		err := a.st.Write(ctx, func(ctx context.Context) error {
			_, err := a.steps.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%s:%d", ad.ID, step)}, {Key: "at", Value: now}})
			return err
		})
		if store.IsDuplicateKey(err) {
			return "", ErrBadCode
		}
		if err == nil {
			err = a.set(ctx, ad.ID, bson.D{{Key: "totp_last_step", Value: step}})
		}
		if err != nil {
			return "", fmt.Errorf("accounts: recording a code: %w", err)
		}
		return "authenticator code", nil
	}
	if len(code) != 10 {
		return "", ErrBadCode
	}
	var deleted int64
	err := a.st.Write(ctx, func(ctx context.Context) error {
		res, err := a.recovery.DeleteOne(ctx, bson.D{{Key: "_id", Value: recoveryID(ad.ID, code)}})
		if err == nil {
			deleted = res.DeletedCount
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("accounts: using a recovery code: %w", err)
	}
	if deleted == 0 {
		return "", ErrBadCode
	}
	return "recovery code", nil
}

// TurnOffTwoFactor removes a member's second factor and recovery codes, for a member who
// lost both their phone and their codes: an administrator does it for them, and they set
// it up again (at once, if the partnership requires it). Their sessions end.
func (a *Accounts) TurnOffTwoFactor(ctx context.Context, by audit.Actor, id string) error {
	ad, err := a.member(ctx, id)
	if err != nil || !ad.TwoFactor() {
		return err
	}
	err = a.st.Write(ctx, func(ctx context.Context) error {
		if _, err := a.recovery.DeleteMany(ctx, bson.D{{Key: "account", Value: ad.ID}}); err != nil {
			return err
		}
		_, err := a.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: ad.ID}}, bson.D{
			{Key: "$set", Value: bson.D{{Key: "sessions", Value: ad.Sessions + 1}}},
			{Key: "$unset", Value: bson.D{{Key: "totp_secret", Value: ""}, {Key: "totp_pending", Value: ""}}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("accounts: turning off %s's two-factor sign-in: %w", ad.ID, err)
	}
	a.log.Note(ctx, by, audit.ActionTwoFactorOff, ad.ID, "")
	return nil
}

// RecoveryCodesLeft says how many unused recovery codes the account has.
func (a *Accounts) RecoveryCodesLeft(ctx context.Context, id string) (int64, error) {
	return a.recovery.CountDocuments(ctx, bson.D{{Key: "account", Value: id}})
}

// matchStep says which time step, of the current one and one either side (a phone's
// clock drifts), code is for.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	period := int64(totpOpts.Period)
	for _, skew := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(skew*period) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / period, true
		}
	}
	return 0, false
}

type recoveryDoc struct {
	ID      string `bson:"_id"` // SHA-256 of the account and the code
	Account string `bson:"account"`
}

func recoveryID(account, code string) string { return token.Hash(account + "\x00" + code) }

// newRecoveryCode is ten characters without look-alikes (about 49 bits): enough, as a
// code is tried only after the password and under the sign-in code's rate limit.
func newRecoveryCode() string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = recoveryAlphabet[int(b[i])%len(recoveryAlphabet)]
	}
	return string(b)
}
