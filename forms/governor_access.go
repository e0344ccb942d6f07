package forms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
)

// A governor reaches their return through the school's link and, when the round asks for
// it, a one-time code emailed to the school's contact address. Each step is audited here.

// Audit actions of a governor's access (named as the audit log has always named them).
const (
	actionLinkOpened   = "link-opened"
	actionCodeSent     = "code-sent"
	actionCodeRefused  = "code-refused"
	actionCodeAccepted = "code-accepted"
)

// ErrCodeNotSent is a one-time code the mail server would not take: try again later.
var ErrCodeNotSent = problem.New(problem.Unavailable, "the email could not be sent just now: try again in a few minutes")

// OpenLink finds the return a link's token opens (ErrLinkInvalid for a malformed, unknown,
// replaced or revoked one) and records that its governor, at address ip, opened it.
func (a *Assurance) OpenLink(ctx context.Context, token, ip string) (Return, error) {
	r, err := NewLinks(a.rounds).ResolveLink(ctx, token)
	if err != nil {
		return r, err
	}
	a.audit(ctx, Governor(r, ip), actionLinkOpened, r.ID, "")
	return r, nil
}

// SendCode makes a one-time code for the return (NewCode: ErrNoContactEmail,
// ErrCodeTooSoon) and emails it to the school's contact address, which it gives back. A
// code the mail server would not take gives ErrCodeNotSent.
func (a *Assurance) SendCode(ctx context.Context, by audit.Actor, id ReturnID, now time.Time) (string, error) {
	r, err := a.rounds.returns.Get(ctx, id)
	if err != nil {
		return "", err
	}
	code, to, err := oneTimeCodes{a.rounds.returns}.NewCode(ctx, id, now)
	if err != nil {
		return "", err
	}
	body := "Your code to open " + r.School.Name + "'s safeguarding assurance " + r.Round + " is:\n\n    " + code +
		"\n\nIt works for 15 minutes. If you did not ask for it, you can ignore this email.\n\n" + a.cfg.Partnership + "\n"
	if _, err := a.mail.Send(ctx, to, "Your code for the safeguarding assurance", body, "one-time code", id.String(), code); err != nil {
		return to, fmt.Errorf("%w (%v)", ErrCodeNotSent, err)
	}
	a.audit(ctx, by, actionCodeSent, id.String(), "")
	return to, nil
}

// CheckCode checks a one-time code the governor typed (ErrCodeWrong,
// ErrCodeExpired) and records whether it was accepted or refused.
func (a *Assurance) CheckCode(ctx context.Context, by audit.Actor, id ReturnID, code string, now time.Time) error {
	err := oneTimeCodes{a.rounds.returns}.CheckCode(ctx, id, code, now)
	switch {
	case errors.Is(err, ErrCodeWrong), errors.Is(err, ErrCodeExpired):
		a.audit(ctx, by, actionCodeRefused, id.String(), err.Error())
	case err == nil:
		a.audit(ctx, by, actionCodeAccepted, id.String(), "")
	}
	return err
}
