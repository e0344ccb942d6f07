package missions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/token"
)

// Link teachers have no password: they sign in by a link emailed to the address the
// partnership enrolled them with. The link carries 128 random bits; the store keeps only
// its SHA-256, and a link works once, before it expires.

// How long emailed sign-in links last: an invitation waits in an inbox for days, a link
// asked for on the sign-in page is used at once.
const (
	InvitationLasts = 7 * 24 * time.Hour
	SignInLasts     = 30 * time.Minute
)

// ErrLinkInvalid covers every link that does not sign in: malformed, unknown, used,
// expired, or for a teacher who is no longer the school's link teacher.
var ErrLinkInvalid = problem.New(problem.NotFound, "this sign-in link does not work")

type signinDoc struct {
	ID      string    `bson:"_id"` // SHA-256 of the token
	Team    string    `bson:"team"`
	Email   string    `bson:"email"`
	Expires time.Time `bson:"expires"`
	Used    bool      `bson:"used"`
}

// NewSignInLink makes a sign-in link token for a team's link teacher.
func (p *Programme) NewSignInLink(ctx context.Context, team string, lasts time.Duration) (tok string, t Team, err error) {
	t, err = p.Team(ctx, team)
	if err != nil {
		return "", t, err
	}
	if tok, err = token.New(); err != nil {
		return "", t, err
	}
	d := signinDoc{ID: token.Hash(tok), Team: team, Email: t.Teacher, Expires: time.Now().UTC().Add(lasts)}
	err = p.st.Write(ctx, func(ctx context.Context) error {
		_, err := p.signins.InsertOne(ctx, d)
		return err
	})
	if err != nil {
		return "", t, fmt.Errorf("missions: sign-in link for %s: %w", team, err)
	}
	return tok, t, nil
}

// UseSignInLink spends a sign-in link and returns the team it signs in to.
func (p *Programme) UseSignInLink(ctx context.Context, tok string, now time.Time) (Team, error) {
	if !token.Valid(tok) {
		return Team{}, ErrLinkInvalid
	}
	hash := token.Hash(tok)
	d, err := store.FindByID[signinDoc](ctx, p.signins, hash, ErrLinkInvalid)
	if err != nil {
		return Team{}, err
	}
	if d.Used || now.After(d.Expires) {
		return Team{}, ErrLinkInvalid
	}
	// Spend it first: of two uses at once, only one matches "not used".
	var matched int64
	err = p.st.Write(ctx, func(ctx context.Context) error {
		res, err := p.signins.UpdateOne(ctx, bson.D{{Key: "_id", Value: hash}, {Key: "used", Value: false}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}})
		if err == nil {
			matched = res.MatchedCount
		}
		return err
	})
	if err != nil {
		return Team{}, fmt.Errorf("missions: using a sign-in link: %w", err)
	}
	if matched == 0 {
		return Team{}, ErrLinkInvalid
	}
	t, err := p.Team(ctx, d.Team)
	if errors.Is(err, ErrNotFound) || (err == nil && t.Teacher != d.Email) {
		return Team{}, ErrLinkInvalid
	}
	return t, err
}

// PurgeSignInLinks removes links that have expired or been used.
func (p *Programme) PurgeSignInLinks(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := p.st.Write(ctx, func(ctx context.Context) error {
		res, err := p.signins.DeleteMany(ctx, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "used", Value: true}}, bson.D{{Key: "expires", Value: bson.D{{Key: "$lt", Value: now}}}}}}})
		if err == nil {
			n = res.DeletedCount
		}
		return err
	})
	return n, err
}
