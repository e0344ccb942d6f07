package missions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/token"
	"github.com/lscp/assure/internal/urls"
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

// Sender sends an email, keeping its secrets (the link) out of the stored copy when it
// goes by SMTP.
type Sender interface {
	Send(ctx context.Context, to, subject, body, purpose, about string, secrets ...string) (mail.Message, error)
}

// SignIns is how link teachers sign in: invitations and sign-in links, emailed, each
// working once.
type SignIns struct {
	years   yearStore
	teams   teamStore
	signins signinStore
	mail    Sender
	cfg     Config
	log     Auditor
}

// NewLink makes a sign-in link token for a team's link teacher.
func (s *SignIns) NewLink(ctx context.Context, team string, lasts time.Duration) (tok string, t Team, err error) {
	t, err = s.teams.get(ctx, team)
	if err != nil {
		return "", t, err
	}
	if tok, err = token.New(); err != nil {
		return "", t, err
	}
	err = s.signins.insert(ctx, signinDoc{ID: token.Hash(tok), Team: team, Email: t.Teacher, Expires: time.Now().UTC().Add(lasts)})
	if err != nil {
		return "", t, err
	}
	return tok, t, nil
}

// Use spends a sign-in link opened from ip and returns the team it signs in to.
func (s *SignIns) Use(ctx context.Context, tok, ip string, now time.Time) (Team, error) {
	if !token.Valid(tok) {
		return Team{}, ErrLinkInvalid
	}
	d, err := s.signins.spend(ctx, token.Hash(tok), now)
	if err != nil {
		return Team{}, err
	}
	t, err := s.teams.get(ctx, d.Team)
	if errors.Is(err, ErrNotFound) || (err == nil && t.Teacher != d.Email) {
		return Team{}, ErrLinkInvalid
	}
	if err == nil {
		record(ctx, s.log, TeacherActor(t, ip), audit.ActionJOSOSignIn, t.ID, "")
	}
	return t, err
}

// Purge removes links that have expired or been used.
func (s *SignIns) Purge(ctx context.Context, now time.Time) (int64, error) {
	return s.signins.purge(ctx, now)
}

// Invite emails a team's link teacher an invitation with a sign-in link lasting a week.
func (s *SignIns) Invite(ctx context.Context, by audit.Actor, team string) (mail.Message, error) {
	tok, t, err := s.NewLink(ctx, team, InvitationLasts)
	if err != nil {
		return mail.Message{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n%s has added %s to the Junior Online Safety Officer programme %s, with you as its link teacher.\n\n",
		t.TeacherName, s.cfg.Partnership, t.School, t.Year)
	fmt.Fprintf(&b, "Sign in with this link (it works once, for 7 days):\n%s\n\n", urls.TeacherSignIn(s.cfg.PublicURL, tok))
	fmt.Fprintf(&b, "After that, sign in at %s/joso/sign-in with this email address: each time we email you a new link. No password is needed.\n\n", s.cfg.PublicURL)
	b.WriteString("There you add your JOSOs (first name and surname initial only), record their training, log their missions and see their XP.\n")
	msg, err := s.mail.Send(ctx, t.Teacher, "Junior Online Safety Officer programme "+t.Year+": your sign-in link", b.String(), "JOSO invitation", team, tok)
	if err == nil || msg.Status == mail.StatusFailed {
		_, merr := s.teams.update(ctx, team, 0, func(t *Team) error {
			t.Invited = time.Now().UTC()
			return nil
		})
		if merr != nil && err == nil {
			err = merr
		}
	}
	if err == nil {
		record(ctx, s.log, by, audit.ActionJOSOInvited, team, msg.To+" "+msg.Status)
	}
	return msg, err
}

// SendLink emails a sign-in link lasting 30 minutes for the newest year, not archived, in
// which this address is a school's link teacher, and audits the asking (by names the
// address as typed, and where from). It says nothing about whether the address is known:
// the caller shows the same page either way.
func (s *SignIns) SendLink(ctx context.Context, by audit.Actor, email string, now time.Time) error {
	err := s.sendLink(ctx, email)
	if err == nil {
		record(ctx, s.log, by, audit.ActionJOSOSignIn, "", "link asked for")
	}
	return err
}

func (s *SignIns) sendLink(ctx context.Context, email string) error {
	email, err := normalised(email)
	if err != nil {
		return nil
	}
	teams, err := s.teams.ofTeacher(ctx, email)
	if err != nil || len(teams) == 0 {
		return err
	}
	for _, t := range teams {
		y, err := s.years.get(ctx, t.Year)
		if err != nil {
			if errors.Is(err, ErrYearNotFound) {
				continue
			}
			return err
		}
		if y.State == YearArchived {
			continue
		}
		tok, _, err := s.NewLink(ctx, t.ID, SignInLasts)
		if err != nil {
			return err
		}
		body := fmt.Sprintf("Sign in to the Junior Online Safety Officer programme %s for %s with this link. It works once, in the next 30 minutes:\n%s\n\nIf you did not ask to sign in, you can ignore this email.\n",
			t.Year, t.School, urls.TeacherSignIn(s.cfg.PublicURL, tok))
		_, err = s.mail.Send(ctx, t.Teacher, "Your sign-in link: "+t.School, body, "JOSO sign-in", t.ID, tok)
		return err
	}
	return nil
}
