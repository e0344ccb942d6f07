package accounts

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/text"
)

// Errors of managing the team.
var (
	ErrNoSuchAdmin        = problem.New(problem.NotFound, "there is no team member with that email address")
	ErrLastAdmin          = problem.New(problem.WrongState, "the partnership must keep at least one active administrator, so the last one cannot be deactivated or given another role")
	ErrSessionEnded       = problem.New(problem.NotFound, "this session has ended")
	ErrDeactivateYourself = problem.New(problem.WrongState, "you cannot deactivate your own account: ask another administrator")
)

// teamLock serialises changes of role and status across instances, so that two
// administrators demoting each other at once cannot leave the partnership with none.
const teamLock = "accounts-team"

// List is every team member, by email address.
func (a *Accounts) List(ctx context.Context) ([]Admin, error) {
	out, err := store.FindAll[Admin](ctx, a.c, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("accounts: listing the team: %w", err)
	}
	for i := range out {
		out[i].normalise()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Session returns the account a session belongs to if that session still counts: the
// account is active and the session was started under its current generation. Every
// signed-in request asks, so a deactivation or password reset ends sessions at once.
func (a *Accounts) Session(ctx context.Context, id string, generation int) (Admin, error) {
	ad, err := a.Get(ctx, id)
	if errors.Is(err, ErrBadCredentials) {
		return ad, ErrSessionEnded
	}
	if err != nil {
		return ad, fmt.Errorf("accounts: reading %s: %w", id, err)
	}
	if ad.Status() != StatusActive || ad.Sessions != generation {
		return ad, ErrSessionEnded
	}
	return ad, nil
}

// Invite adds a colleague with a role and emails them a link, working once for
// InvitationLasts, where they set their password. Inviting someone already invited (not
// yet joined) sends a new link and takes the new role; anyone else is ErrExists.
func (a *Accounts) Invite(ctx context.Context, by audit.Actor, email string, role Role) (Admin, error) {
	id, err := text.NormaliseEmail(email)
	if err != nil {
		return Admin{}, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return Admin{}, err
	}
	now := time.Now().UTC()
	ad, err := a.Get(ctx, id)
	switch {
	case errors.Is(err, ErrBadCredentials):
		ad = Admin{ID: id, Email: strings.TrimSpace(email), Created: now, Role: role, Invited: now, InvitedBy: by.Name}
		err = a.st.Write(ctx, func(ctx context.Context) error {
			_, err := a.c.InsertOne(ctx, ad)
			return err
		})
		if store.IsDuplicateKey(err) {
			return Admin{}, ErrExists
		}
	case err != nil:
		return Admin{}, fmt.Errorf("accounts: reading %s: %w", id, err)
	case ad.Status() != StatusInvited:
		return Admin{}, ErrExists
	default:
		ad.Role, ad.Invited, ad.InvitedBy = role, now, by.Name
		err = a.set(ctx, id, bson.D{{Key: "role", Value: role}, {Key: "invited", Value: now}, {Key: "invited_by", Value: by.Name}})
	}
	if err != nil {
		return Admin{}, fmt.Errorf("accounts: inviting %s: %w", id, err)
	}
	tok, err := a.newLink(ctx, linkInvitation, id, now.Add(InvitationLasts))
	if err != nil {
		return Admin{}, err
	}
	msg, err := a.mail.Send(ctx, ad.Email, a.cfg.Partnership+": you are invited to Assure", a.invitationBody(by, ad, tok),
		PurposeInvitation, id, tok)
	a.log.Note(ctx, by, audit.ActionAdminInvited, id, string(role)+"; email "+msg.Status)
	if err != nil {
		return ad, fmt.Errorf("accounts: emailing the invitation: %w", err)
	}
	return ad, nil
}

// SetRole gives a team member another role. The last active administrator keeps theirs.
func (a *Accounts) SetRole(ctx context.Context, by audit.Actor, id string, role Role) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	return a.underTeamLock(ctx, func(ctx context.Context) error {
		ad, err := a.member(ctx, id)
		if err != nil || ad.Role == role {
			return err
		}
		if ad.Role == Administrator && ad.Status() == StatusActive {
			if err := a.keepOneAdministrator(ctx); err != nil {
				return err
			}
		}
		if err := a.set(ctx, ad.ID, bson.D{{Key: "role", Value: role}}); err != nil {
			return fmt.Errorf("accounts: changing %s's role: %w", ad.ID, err)
		}
		a.log.Note(ctx, by, audit.ActionRoleChanged, ad.ID, string(ad.Role)+" to "+string(role))
		return nil
	})
}

// Deactivate stops a team member signing in and ends their sessions at once. Nobody
// deactivates themselves, and the last active administrator stays.
func (a *Accounts) Deactivate(ctx context.Context, by audit.Actor, id string) error {
	return a.underTeamLock(ctx, func(ctx context.Context) error {
		ad, err := a.member(ctx, id)
		if err != nil || ad.Deactivated {
			return err
		}
		if ad.ID == by.Name {
			return ErrDeactivateYourself
		}
		if ad.Role == Administrator && ad.Status() == StatusActive {
			if err := a.keepOneAdministrator(ctx); err != nil {
				return err
			}
		}
		if err := a.set(ctx, ad.ID, bson.D{{Key: "deactivated", Value: true}, {Key: "sessions", Value: ad.Sessions + 1}}); err != nil {
			return fmt.Errorf("accounts: deactivating %s: %w", ad.ID, err)
		}
		if err := a.retireAllLinks(ctx, ad.ID); err != nil {
			return err
		}
		a.log.Note(ctx, by, audit.ActionDeactivated, ad.ID, "")
		return nil
	})
}

// Reactivate lets a deactivated team member sign in again, with the password they had.
func (a *Accounts) Reactivate(ctx context.Context, by audit.Actor, id string) error {
	return a.underTeamLock(ctx, func(ctx context.Context) error {
		ad, err := a.member(ctx, id)
		if err != nil || !ad.Deactivated {
			return err
		}
		if err := a.set(ctx, ad.ID, bson.D{{Key: "deactivated", Value: false}}); err != nil {
			return fmt.Errorf("accounts: reactivating %s: %w", ad.ID, err)
		}
		// A link sent before the deactivation stays dead: an invited member reactivated
		// can be invited again, for a new link.
		if err := a.retireAllLinks(ctx, ad.ID); err != nil {
			return err
		}
		a.log.Note(ctx, by, audit.ActionReactivated, ad.ID, "")
		return nil
	})
}

// member reads a team member named by a page, or ErrNoSuchAdmin.
func (a *Accounts) member(ctx context.Context, id string) (Admin, error) {
	ad, err := a.Get(ctx, strings.ToLower(strings.TrimSpace(id)))
	if errors.Is(err, ErrBadCredentials) {
		return ad, ErrNoSuchAdmin
	}
	return ad, err
}

// keepOneAdministrator refuses a change that takes away an active administrator when
// there is only one.
func (a *Accounts) keepOneAdministrator(ctx context.Context) error {
	team, err := a.List(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, m := range team {
		if m.Role == Administrator && m.Status() == StatusActive {
			n++
		}
	}
	if n <= 1 {
		return ErrLastAdmin
	}
	return nil
}

// underTeamLock runs f holding the team lock, waiting a few seconds for it if another
// change holds it.
func (a *Accounts) underTeamLock(ctx context.Context, f func(context.Context) error) error {
	holder := fmt.Sprintf("%p-%d", a, time.Now().UnixNano())
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		release, err := a.st.Lock(ctx, teamLock, holder, 30*time.Second)
		if err == nil {
			defer release()
			return f(ctx)
		}
		if !errors.Is(err, store.ErrLocked) || wait > 2*time.Second {
			return fmt.Errorf("accounts: waiting for the team lock: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// set writes fields of one account.
func (a *Accounts) set(ctx context.Context, id string, fields bson.D) error {
	return a.st.Write(ctx, func(ctx context.Context) error {
		_, err := a.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}})
		return err
	})
}
