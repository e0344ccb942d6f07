package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/text"
	"github.com/lscp/assure/internal/token"
	"github.com/lscp/assure/internal/urls"
)

// Invitations and password resets are emailed links. Each carries 128 random bits
// (internal/token); the store keeps only the token's SHA-256, and a link works once,
// before it expires, and only while it is the account's newest of its kind (retireLinks).
const (
	InvitationLasts = 7 * 24 * time.Hour // an invitation waits in an inbox for days
	ResetLasts      = time.Hour          // a reset is asked for and used at once
)

// ErrLinkInvalid covers every invitation or reset link that does not work: malformed,
// unknown, used, expired, or for an account no longer in the state it was sent for.
var ErrLinkInvalid = problem.New(problem.NotFound, "this link does not work: it may have been used already or have expired")

// The purposes the outbox records account emails under.
const (
	PurposeInvitation = "team invitation"
	PurposeReset      = "password reset"
)

// IsAccountEmail says whether an outbox purpose is an account email's, whose link sets a
// password.
func IsAccountEmail(purpose string) bool {
	return purpose == PurposeInvitation || purpose == PurposeReset
}

type linkKind string

const (
	linkInvitation linkKind = "invitation"
	linkReset      linkKind = "reset"
)

type linkDoc struct {
	ID      string    `bson:"_id"` // SHA-256 of the token
	Kind    linkKind  `bson:"kind"`
	Account string    `bson:"account"`
	Expires time.Time `bson:"expires"`
	Used    bool      `bson:"used"`
}

func (a *Accounts) newLink(ctx context.Context, kind linkKind, account string, expires time.Time) (string, error) {
	tok, err := token.New()
	if err != nil {
		return "", err
	}
	d := linkDoc{ID: token.Hash(tok), Kind: kind, Account: account, Expires: expires}
	err = a.st.Write(ctx, func(ctx context.Context) error {
		_, err := a.links.InsertOne(ctx, d)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("accounts: storing a %s link: %w", kind, err)
	}
	// Inserted first, then the others retired: of two links issued at once neither
	// outlives the other unnoticed (at worst both stop, and the member asks again).
	if err := a.retireLinks(ctx, account, d.ID, kind); err != nil {
		return "", err
	}
	return tok, nil
}

// retireLinks marks used every unused link of these kinds for account except keep (the
// link just issued, or ""). Only the newest link of a kind works, and none once the
// password is set or the account deactivated or reactivated: a link left in an old email,
// a forwarded message or a shared inbox then sets nobody's password.
func (a *Accounts) retireLinks(ctx context.Context, account, keep string, kinds ...linkKind) error {
	filter := bson.D{{Key: "account", Value: account}, {Key: "used", Value: false},
		{Key: "kind", Value: bson.D{{Key: "$in", Value: kinds}}}}
	if keep != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$ne", Value: keep}}})
	}
	err := a.st.Write(ctx, func(ctx context.Context) error {
		_, err := a.links.UpdateMany(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("accounts: retiring %s's older links: %w", account, err)
	}
	return nil
}

// retireAllLinks stops every unused link of the account, of either kind.
func (a *Accounts) retireAllLinks(ctx context.Context, account string) error {
	return a.retireLinks(ctx, account, "", linkInvitation, linkReset)
}

// link reads a link that still works for an account in the state it was sent for.
func (a *Accounts) link(ctx context.Context, kind linkKind, tok string, now time.Time) (linkDoc, Admin, error) {
	if !token.Valid(tok) {
		return linkDoc{}, Admin{}, ErrLinkInvalid
	}
	d, err := store.FindByID[linkDoc](ctx, a.links, token.Hash(tok), ErrLinkInvalid)
	if err != nil {
		return d, Admin{}, err
	}
	if d.Kind != kind || d.Used || now.After(d.Expires) {
		return d, Admin{}, ErrLinkInvalid
	}
	ad, err := a.Get(ctx, d.Account)
	if errors.Is(err, ErrBadCredentials) {
		return d, ad, ErrLinkInvalid
	}
	if err != nil {
		return d, ad, err
	}
	want := StatusActive
	if kind == linkInvitation {
		want = StatusInvited
	}
	if ad.Status() != want {
		return d, ad, ErrLinkInvalid
	}
	return d, ad, nil
}

// spend marks a link used; of two uses at once only one matches "not used".
func (a *Accounts) spend(ctx context.Context, d linkDoc) error {
	var matched int64
	err := a.st.Write(ctx, func(ctx context.Context) error {
		res, err := a.links.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "used", Value: false}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}})
		if err == nil {
			matched = res.MatchedCount
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("accounts: using a link: %w", err)
	}
	if matched == 0 {
		return ErrLinkInvalid
	}
	return nil
}

// Invitation says whose invitation tok is, if it still works, without using it: the page
// that asks for a password first.
func (a *Accounts) Invitation(ctx context.Context, tok string, now time.Time) (Admin, error) {
	_, ad, err := a.link(ctx, linkInvitation, tok, now)
	return ad, err
}

// Accept uses an invitation: the colleague's password is set and they can sign in.
func (a *Accounts) Accept(ctx context.Context, from audit.Actor, tok, password string, now time.Time) (Admin, error) {
	return a.usePasswordLink(ctx, from, linkInvitation, tok, password, now)
}

// ResetLink says whose password reset tok is, if it still works, without using it.
func (a *Accounts) ResetLink(ctx context.Context, tok string, now time.Time) (Admin, error) {
	_, ad, err := a.link(ctx, linkReset, tok, now)
	return ad, err
}

// Reset uses a reset link: the password is replaced and every session of the account ends.
func (a *Accounts) Reset(ctx context.Context, from audit.Actor, tok, password string, now time.Time) (Admin, error) {
	return a.usePasswordLink(ctx, from, linkReset, tok, password, now)
}

func (a *Accounts) usePasswordLink(ctx context.Context, from audit.Actor, kind linkKind, tok, password string, now time.Time) (Admin, error) {
	if err := CheckPassword(password); err != nil {
		return Admin{}, err
	}
	d, ad, err := a.link(ctx, kind, tok, now)
	if err != nil {
		return ad, err
	}
	if err := a.spend(ctx, d); err != nil {
		return ad, err
	}
	if err := a.retireAllLinks(ctx, ad.ID); err != nil {
		return ad, err
	}
	ad.Hash, ad.Sessions = HashPassword(password), ad.Sessions+1
	if err := a.set(ctx, ad.ID, bson.D{{Key: "hash", Value: ad.Hash}, {Key: "sessions", Value: ad.Sessions}}); err != nil {
		return ad, fmt.Errorf("accounts: setting %s's password: %w", ad.ID, err)
	}
	action := audit.ActionInvitationAccepted
	if kind == linkReset {
		action = audit.ActionPasswordReset
	}
	a.log.Note(ctx, audit.Actor{Name: ad.ID, IP: from.IP}, action, ad.ID, "")
	return ad, nil
}

// AskReset emails a reset link lasting ResetLasts to an active account with this address.
// It answers the same whether or not there is one (the page says the same either way),
// and records the asking with the address as typed and where from.
func (a *Accounts) AskReset(ctx context.Context, from audit.Actor, email string, now time.Time) error {
	a.log.Note(ctx, audit.Actor{Name: strings.TrimSpace(email), IP: from.IP}, audit.ActionResetAsked, "", "")
	id, err := text.NormaliseEmail(email)
	if err != nil {
		return nil
	}
	ad, err := a.Get(ctx, id)
	if errors.Is(err, ErrBadCredentials) || (err == nil && ad.Status() != StatusActive) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("accounts: reading %s: %w", id, err)
	}
	tok, err := a.newLink(ctx, linkReset, id, now.Add(ResetLasts))
	if err != nil {
		return err
	}
	body := fmt.Sprintf("Someone asked to reset the password of your Assure account at %s.\n\n"+
		"Set a new password with this link. It works once, in the next hour:\n%s\n\n"+
		"Setting it signs you out everywhere. If you did not ask, ignore this email: your password stays as it is.\n",
		a.cfg.Partnership, urls.Reset(a.cfg.PublicURL, tok))
	if _, err := a.mail.Send(ctx, ad.Email, "Reset your Assure password", body, PurposeReset, id, tok); err != nil {
		return fmt.Errorf("accounts: emailing a reset link: %w", err)
	}
	return nil
}

func (a *Accounts) invitationBody(by audit.Actor, ad Admin, tok string) string {
	return fmt.Sprintf("%s has invited you to join %s's team on Assure, the partnership's safeguarding assurance service, as %s.\n\n"+
		"Set your password with this link. It works once, in the next 7 days:\n%s\n\n"+
		"Then sign in at %s/sign-in with this email address.\n",
		by.Name, a.cfg.Partnership, strings.ToLower(ad.Role.Label()), urls.Invitation(a.cfg.PublicURL, tok), strings.TrimSuffix(a.cfg.PublicURL, "/"))
}
