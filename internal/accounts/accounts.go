package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"golang.org/x/crypto/argon2"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/text"
)

// Errors a caller can act on.
var (
	ErrExists         = problem.New(problem.WrongState, "an admin with that email address already exists")
	ErrBadCredentials = problem.New(problem.Invalid, "the email address or password is not right")
	ErrWeakPassword   = problem.Wrap(problem.Invalid, fmt.Errorf("the password must be at least %d characters", MinPasswordLength))
)

// MinPasswordLength follows NCSC advice: length over composition rules.
const MinPasswordLength = 12

// Admin is a member of the partnership's team (an "admin" account, whatever its role).
type Admin struct {
	ID         string    `bson:"_id"` // the email address, lower case
	Email      string    `bson:"email"`
	Hash       string    `bson:"hash"` // empty until an invited colleague sets a password
	Created    time.Time `bson:"created"`
	LastSignIn time.Time `bson:"last_sign_in,omitempty"`
	// Role is empty on accounts stored before roles; Get and List read those as
	// Administrator (normalise), so no migration has to run.
	Role        Role      `bson:"role,omitempty"`
	Deactivated bool      `bson:"deactivated,omitempty"`
	Invited     time.Time `bson:"invited,omitempty"`
	InvitedBy   string    `bson:"invited_by,omitempty"`
	// Sessions is the account's session generation. A session records the generation it
	// was started under and is honoured only while they match, so raising it (a
	// deactivation, a password reset) ends every session of the account at once.
	Sessions int `bson:"sessions,omitempty"`
	// TOTPSecret (base32) is set once two-factor sign-in is confirmed; TOTPPending holds
	// the secret being set up until a code from it is typed.
	TOTPSecret  string `bson:"totp_secret,omitempty"`
	TOTPPending string `bson:"totp_pending,omitempty"`
	// TOTPLastStep is the newest time step whose code was accepted: no step counts twice,
	// nor an older one after it.
	TOTPLastStep int64 `bson:"totp_last_step,omitempty"`
}

// Config is what the account emails need to say.
type Config struct {
	Partnership string
	PublicURL   string // where the links in invitations and reset emails point
}

// Sender sends an email, keeping its secrets (a link's token) out of the stored copy when
// it goes by SMTP (internal/mail's Mailer).
type Sender interface {
	Send(ctx context.Context, to, subject, body, purpose, about string, secrets ...string) (mail.Message, error)
}

// Accounts is the partnership's team: the admins collection, the tokens of its emailed
// links, and the second factor's recovery codes and used time steps.
type Accounts struct {
	st       *store.Store
	c        *mongo.Collection
	links    *mongo.Collection // invitation and reset tokens, by hash
	recovery *mongo.Collection // recovery codes, by hash, deleted when used
	steps    *mongo.Collection // TOTP steps accepted, by account and step
	log      *audit.Log        // who was made an admin, who signed in and out, every change
	mail     Sender
	cfg      Config
}

// New opens the admin accounts in st.
func New(st *store.Store, log *audit.Log, mailer Sender, cfg Config) *Accounts {
	return &Accounts{st: st, c: st.Collection("admins"), links: st.Collection("account_links"),
		recovery: st.Collection("recovery_codes"), steps: st.Collection("totp_steps"), log: log, mail: mailer, cfg: cfg}
}

// Create adds an administrator with the given password (the first one, from the command
// line).
func (a *Accounts) Create(ctx context.Context, by audit.Actor, email, password string) (Admin, error) {
	return a.CreateWithRole(ctx, by, email, password, Administrator)
}

// CreateWithRole adds a team member of the given role with the given password.
func (a *Accounts) CreateWithRole(ctx context.Context, by audit.Actor, email, password string, role Role) (Admin, error) {
	id, err := text.NormaliseEmail(email)
	if err != nil {
		return Admin{}, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return Admin{}, err
	}
	if err := CheckPassword(password); err != nil {
		return Admin{}, err
	}
	ad := Admin{ID: id, Email: strings.TrimSpace(email), Hash: HashPassword(password), Created: time.Now().UTC(), Role: role}
	err = a.st.Write(ctx, func(ctx context.Context) error {
		_, err := a.c.InsertOne(ctx, ad)
		return err
	})
	if store.IsDuplicateKey(err) {
		return Admin{}, ErrExists
	}
	if err != nil {
		return Admin{}, fmt.Errorf("accounts: creating %s: %w", id, err)
	}
	a.log.Note(ctx, by, audit.ActionAdminCreated, ad.ID, string(role))
	return ad, nil
}

// CheckPassword says whether a password may be set: today's rule is length (NCSC advice).
func CheckPassword(password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return ErrWeakPassword
	}
	return nil
}

// Count says how many admins there are.
func (a *Accounts) Count(ctx context.Context) (int64, error) {
	return a.c.CountDocuments(ctx, bson.D{})
}

// Get returns an admin by id.
func (a *Accounts) Get(ctx context.Context, id string) (Admin, error) {
	var ad Admin
	err := a.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&ad)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return ad, ErrBadCredentials
	}
	ad.normalise()
	return ad, err
}

// dummyHash is verified against when the email is unknown, so a wrong address takes as
// long as a wrong password and sign-in does not reveal who has an account.
var dummyHash = HashPassword("not a real password, only for timing")

// Authenticate checks an email and password typed from the address from, records the
// sign-in time, and keeps a sign-in or a failed attempt in the audit log.
func (a *Accounts) Authenticate(ctx context.Context, from audit.Actor, email, password string) (Admin, error) {
	ad, err := a.authenticate(ctx, email, password)
	if errors.Is(err, ErrBadCredentials) {
		a.log.Note(ctx, audit.Actor{Name: email, IP: from.IP}, audit.ActionSignInFailed, "", "")
	}
	if err == nil {
		if ad.TwoFactor() {
			a.log.Note(ctx, audit.Actor{Name: ad.ID, IP: from.IP}, audit.ActionPasswordAccepted, "", "two-factor code asked for")
		} else {
			a.log.Note(ctx, audit.Actor{Name: ad.ID, IP: from.IP}, audit.ActionSignIn, "", "")
		}
	}
	return ad, err
}

// SignedOut records that an admin signed out.
func (a *Accounts) SignedOut(ctx context.Context, by audit.Actor) {
	a.log.Note(ctx, by, audit.ActionSignOut, "", "")
}

func (a *Accounts) authenticate(ctx context.Context, email, password string) (Admin, error) {
	id, err := text.NormaliseEmail(email)
	if err != nil {
		VerifyPassword(dummyHash, password)
		return Admin{}, ErrBadCredentials
	}
	ad, err := a.Get(ctx, id)
	if errors.Is(err, ErrBadCredentials) {
		VerifyPassword(dummyHash, password)
		return Admin{}, ErrBadCredentials
	}
	if err != nil {
		return Admin{}, fmt.Errorf("accounts: reading %s: %w", id, err)
	}
	if ad.Status() != StatusActive {
		// An invited account has no password; a deactivated one may not sign in. Both
		// answer as a wrong password would, after the same work.
		VerifyPassword(dummyHash, password)
		return Admin{}, ErrBadCredentials
	}
	if !VerifyPassword(ad.Hash, password) {
		return Admin{}, ErrBadCredentials
	}
	ad.LastSignIn = time.Now().UTC()
	err = a.st.Write(ctx, func(ctx context.Context) error {
		_, err := a.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "last_sign_in", Value: ad.LastSignIn}}}})
		return err
	})
	if err != nil {
		return Admin{}, fmt.Errorf("accounts: recording sign-in: %w", err)
	}
	return ad, nil
}

// argon2id parameters: OWASP's first recommendation (19 MiB would do; 46 MiB, one pass,
// one lane costs about the same time and more for an attacker's memory).
const (
	argonMemory  = 46 * 1024
	argonTime    = 1
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash in PHC string format.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword checks password against a PHC argon2id hash in constant time.
func VerifyPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// GeneratePassword makes a random password of 20 characters (about 100 bits).
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
