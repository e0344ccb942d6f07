package missions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/urls"
)

// Sender sends an email, keeping its secrets (the link) out of the stored copy when it
// goes by SMTP.
type Sender interface {
	Send(ctx context.Context, to, subject, body, purpose, about string, secrets ...string) (mail.Message, error)
}

// Mailer emails link teachers their sign-in links.
type Mailer struct {
	Programme   *Programme
	Mail        Sender
	Partnership string
	PublicURL   string // where links point, like https://assure.example.org
}

// Invite emails a team's link teacher an invitation with a sign-in link lasting a week.
func (m Mailer) Invite(ctx context.Context, team string) (mail.Message, error) {
	tok, t, err := m.Programme.NewSignInLink(ctx, team, InvitationLasts)
	if err != nil {
		return mail.Message{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n%s has added %s to the Junior Online Safety Officer programme %s, with you as its link teacher.\n\n",
		t.TeacherName, m.Partnership, t.School, t.Year)
	fmt.Fprintf(&b, "Sign in with this link (it works once, for 7 days):\n%s\n\n", urls.TeacherSignIn(m.PublicURL, tok))
	fmt.Fprintf(&b, "After that, sign in at %s/joso/sign-in with this email address: each time we email you a new link. No password is needed.\n\n", m.PublicURL)
	b.WriteString("There you add your JOSOs (first name and surname initial only), record their training, log their missions and see their XP.\n")
	msg, err := m.Mail.Send(ctx, t.Teacher, "Junior Online Safety Officer programme "+t.Year+": your sign-in link", b.String(), "JOSO invitation", team, tok)
	if err == nil || msg.Status == mail.StatusFailed {
		if merr := m.Programme.MarkInvited(ctx, team); merr != nil && err == nil {
			err = merr
		}
	}
	return msg, err
}

// SendSignInLink emails a sign-in link lasting 30 minutes for the newest year, not
// archived, in which this address is a school's link teacher. It says nothing about whether the address
// is known: the caller shows the same page either way.
func (m Mailer) SendSignInLink(ctx context.Context, email string, now time.Time) error {
	teams, err := m.Programme.TeamsOfTeacher(ctx, email)
	if err != nil || len(teams) == 0 {
		return err
	}
	for _, t := range teams {
		y, err := m.Programme.Year(ctx, t.Year)
		if err != nil {
			if errors.Is(err, ErrYearNotFound) {
				continue
			}
			return err
		}
		if y.State == YearArchived {
			continue
		}
		tok, _, err := m.Programme.NewSignInLink(ctx, t.ID, SignInLasts)
		if err != nil {
			return err
		}
		body := fmt.Sprintf("Sign in to the Junior Online Safety Officer programme %s for %s with this link. It works once, in the next 30 minutes:\n%s\n\nIf you did not ask to sign in, you can ignore this email.\n",
			t.Year, t.School, urls.TeacherSignIn(m.PublicURL, tok))
		_, err = m.Mail.Send(ctx, t.Teacher, "Your sign-in link: "+t.School, body, "JOSO sign-in", t.ID, tok)
		return err
	}
	return nil
}
