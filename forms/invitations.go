package forms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	outbox "github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/text"
	"github.com/lscp/assure/internal/urls"
)

// Invitations: when a round is open, Assure emails each expected school's contacts in
// the round's roles (from the contact book, not bounced) the invitation with the school's
// link. Each is claimed in the store by a document keyed round:URN:email before it goes,
// so two instances, or a second run, never invite one person twice; each is in the chase
// log with its delivery. The invitation's and the reminders' wording is the round's, with
// placeholders filled for each school.

// ContactInvitation is an invitation in the chase log.
const ContactInvitation = "invitation"

// Wording is what a round's invitation and reminders say. Empty parts take the default.
type Wording struct {
	InviteSubject   string `bson:"invite_subject,omitempty"`
	InviteBody      string `bson:"invite_body,omitempty"`
	ReminderSubject string `bson:"reminder_subject,omitempty"`
	ReminderBody    string `bson:"reminder_body,omitempty"`
}

// Placeholders are the words a wording may use, filled for each school.
var Placeholders = []string{"{school}", "{deadline}", "{link}", "{partnership}"}

// The default invitation.
const (
	DefaultInviteSubject = "{school}: annual safeguarding assurance for {partnership}"
	DefaultInviteBody    = "Dear colleague,\n\n{partnership} asks every school for its annual safeguarding assurance. " +
		"Please give {school}'s by {deadline}.\n\nOpen your school's form with this link:\n{link}\n\n" +
		"The form saves as you go, so you can come back to it with the same link.\n" +
		"Please do not forward it: it opens your school's return.\n\n{partnership}\n"
)

var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// Check applies the rules of a wording: each part fits, uses only the placeholders, and
// a body that is set carries {link} (an invitation or reminder without it is no use), and
// a subject never does: the outbox keeps subjects readable, so a link there would be a
// working school link anyone reading the outbox could open.
func (w Wording) Check() problem.FieldErrors {
	var errs problem.FieldErrors
	for _, p := range []struct {
		field, text string
		max         int
		body        bool
	}{{"invite_subject", w.InviteSubject, 200, false}, {"invite_body", w.InviteBody, 5000, true},
		{"reminder_subject", w.ReminderSubject, 200, false}, {"reminder_body", w.ReminderBody, 5000, true}} {
		switch bad := slices.DeleteFunc(placeholder.FindAllString(p.text, -1), func(s string) bool { return slices.Contains(Placeholders, s) }); {
		case !text.Fits(p.text, p.max):
			errs = append(errs, problem.FieldError{Field: p.field, Message: fmt.Sprintf("Keep it to %d characters or fewer", p.max)})
		case len(bad) > 0:
			errs = append(errs, problem.FieldError{Field: p.field, Message: fmt.Sprintf("%s is not a placeholder: use %s", bad[0], strings.Join(Placeholders, ", "))})
		case p.body && p.text != "" && !strings.Contains(p.text, "{link}"):
			errs = append(errs, problem.FieldError{Field: p.field, Message: "Put {link} where the school's link goes"})
		case !p.body && strings.Contains(p.text, "{link}"):
			errs = append(errs, problem.FieldError{Field: p.field, Message: "Keep {link} out of the subject: put it in the message"})
		case !p.body && strings.ContainsAny(p.text, "\r\n"):
			errs = append(errs, problem.FieldError{Field: p.field, Message: "Write the subject on one line"})
		}
	}
	return errs
}

// fill writes a wording's text for a school.
func fill(tpl string, school, deadline, link, partnership string) string {
	return strings.NewReplacer("{school}", school, "{deadline}", deadline, "{link}", link, "{partnership}", partnership).Replace(tpl)
}

// InvitesRoles is the roles a round invites and reminds (DefaultInviteRoles unless set).
func (r Round) InvitesRoles() []Role {
	if len(r.InviteRoles) == 0 {
		return DefaultInviteRoles
	}
	return r.InviteRoles
}

// longDeadline is the deadline in words, like Friday 13 December 2024.
func (r Round) longDeadline() string {
	if d, err := time.Parse(time.DateOnly, r.Deadline); err == nil {
		return d.Format("Monday 2 January 2006")
	}
	return r.Deadline
}

// Invitation is what a round's invitation settings are: the roles it invites and
// reminds, the day the service sends the invitations by itself (empty: never by itself),
// and the wording of its invitation and reminders (empty parts: the default).
type Invitation struct {
	Roles   []Role
	On      string // yyyy-mm-dd
	Wording Wording
}

// Check applies the rules of invitation settings, field by field.
func (in Invitation) Check() problem.FieldErrors {
	errs := in.Wording.Check()
	if len(in.Roles) == 0 {
		errs = append(errs, problem.FieldError{Field: "roles", Message: "Select at least one role to invite"})
	}
	if _, err := time.Parse(time.DateOnly, in.On); in.On != "" && err != nil {
		errs = append(errs, problem.FieldError{Field: "invite_on", Message: "Enter the date as a real date, like 1 10 2024"})
	}
	return errs
}

// SetInvitation sets a round's invitation settings, and records who did it.
func (rs *Rounds) SetInvitation(ctx context.Context, by audit.Actor, year string, in Invitation) error {
	// Cleaned as every text is where it enters (internal/text): subjects on one line.
	w := &in.Wording
	w.InviteSubject, w.ReminderSubject = text.Line(w.InviteSubject), text.Line(w.ReminderSubject)
	w.InviteBody, w.ReminderBody = text.Lines(w.InviteBody), text.Lines(w.ReminderBody)
	if errs := in.Check(); len(errs) > 0 {
		return errs
	}
	var res *mongo.UpdateResult
	err := rs.st.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = rs.rounds.UpdateOne(ctx, bson.D{{Key: "_id", Value: year}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "invite_roles", Value: in.Roles}, {Key: "wording", Value: in.Wording}, {Key: "invite_on", Value: in.On}}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("rounds: invitation of %s: %w", year, err)
	}
	if res.MatchedCount == 0 {
		return ErrRoundNotFound
	}
	rs.recent.Delete(year)
	detail := "invites " + FormatRoles(in.Roles) + "; sent by an admin"
	if in.On != "" {
		detail = "invites " + FormatRoles(in.Roles) + "; sent by the service from " + in.On
	}
	record(ctx, rs.audit, by, audit.ActionInvitationSettings, year, detail)
	return nil
}

// Email is an email as it would be sent.
type Email struct {
	To            []string
	Subject, Body string
	School        string // the school's name, as the round has it
}

// invitation is a school's invitation, with its link.
func (c *Chase) invitation(round Round, r Return, link string) (subject, body string) {
	subj, tpl := round.Wording.InviteSubject, round.Wording.InviteBody
	if subj == "" {
		subj = DefaultInviteSubject
	}
	if tpl == "" {
		tpl = DefaultInviteBody
	}
	dl := round.longDeadline()
	return fill(subj, r.School.Name, dl, link, c.cfg.Partnership), fill(tpl, r.School.Name, dl, link, c.cfg.Partnership)
}

// PreviewLink stands in a previewed invitation for the school's link, which is never shown.
const PreviewLink = "[the school's own link, in the email sent]"

// PreviewInvitation is the invitation a school would get, and to whom, without sending
// or writing anything, with PreviewLink where the school's link goes.
func (c *Chase) PreviewInvitation(ctx context.Context, id ReturnID) (Email, error) {
	round, r, err := c.previewed(ctx, id)
	if err != nil {
		return Email{}, err
	}
	sc, err := c.rounds.book.OfSchool(ctx, r.URN)
	if err != nil {
		return Email{}, err
	}
	// Never the school's own link: whoever sees a preview (a viewer too) must not be handed
	// the return. The wording is what is previewed; the link's place is shown.
	e := Email{School: r.School.Name}
	e.Subject, e.Body = c.invitation(round, r, PreviewLink)
	for _, ct := range sc.WithRoles(round.InvitesRoles()) {
		e.To = append(e.To, ct.Email)
	}
	return e, nil
}

// previewed is a round and a school's return in it to preview the invitation with; in
// a draft round, which has no returns yet, the school as the register has it.
func (c *Chase) previewed(ctx context.Context, id ReturnID) (Round, Return, error) {
	round, err := c.rounds.Get(ctx, id.Round)
	if err != nil {
		return round, Return{}, err
	}
	r, err := c.rounds.returns.Get(ctx, id)
	if errors.Is(err, ErrReturnNotFound) {
		s, err := c.rounds.register.Get(ctx, id.URN)
		if err != nil {
			return round, Return{}, err
		}
		return round, newReturn(id.Round, s.Record, time.Now().UTC()), nil
	}
	return round, r, err
}

// testLink stands in a test invitation for a school's link, which a test never carries.
const testLink = "test-only-not-a-school-link"

// SendTestInvitation sends a school's invitation to an admin's own address (to), with a
// link that opens nothing in place of the school's, and records it.
func (c *Chase) SendTestInvitation(ctx context.Context, by audit.Actor, id ReturnID, to string) (outbox.Message, error) {
	round, r, err := c.previewed(ctx, id)
	if err != nil {
		return outbox.Message{}, err
	}
	subject, body := c.invitation(round, r, urls.Return(c.cfg.PublicURL, testLink))
	msg, err := c.mail.Send(ctx, to, "Test: "+subject, body, "test invitation", r.ID)
	if err == nil || msg.Status == outbox.StatusFailed {
		record(ctx, c.rounds.audit, by, audit.ActionInvitationTest, r.ID, "to "+to)
	}
	return msg, err
}

// InvitationPlan is what sending a round's invitations would do now.
type InvitationPlan struct {
	Schools    int // schools with someone to invite
	Contacts   int // invitations to send
	Already    int // invitations already sent
	NoContacts int // schools expected to return with nobody in the roles
}

// invitee is one invitation to send.
type invitee struct {
	r  Return
	to string
}

// invitees lists the invitations a round has to send to roles (nil: the round's), and
// counts them.
func (c *Chase) invitees(ctx context.Context, round Round, roles []Role) ([]invitee, InvitationPlan, error) {
	var plan InvitationPlan
	if len(roles) == 0 {
		roles = round.InvitesRoles()
	}
	book, err := c.rounds.book.byURN(ctx)
	if err != nil {
		return nil, plan, err
	}
	sent, err := c.invitedAlready(ctx, round.ID)
	if err != nil {
		return nil, plan, err
	}
	all, err := c.rounds.returns.OfRound(ctx, round.ID)
	if err != nil {
		return nil, plan, err
	}
	var out []invitee
	for _, r := range all {
		if !r.Chaseable() {
			continue
		}
		contacts := book[r.URN].WithRoles(roles)
		if len(contacts) == 0 {
			plan.NoContacts++
			continue
		}
		due := 0
		for _, ct := range contacts {
			if sent[invitationKey(r, ct.Email)] {
				plan.Already++
				continue
			}
			out = append(out, invitee{r: r, to: ct.Email})
			due++
		}
		if due > 0 {
			plan.Schools++
			plan.Contacts += due
		}
	}
	return out, plan, nil
}

func invitationKey(r Return, email string) string { return r.ID + ":" + strings.ToLower(email) }

// invitedAlready is the invitations of a round already claimed, by key.
func (c *Chase) invitedAlready(ctx context.Context, year string) (map[string]bool, error) {
	type claim struct {
		ID string `bson:"_id"`
	}
	// Keys begin with the round's return IDs, "year:URN:"; the store scans either way.
	list, err := store.FindAll[claim](ctx, c.invites, bson.D{{Key: "round", Value: year}})
	if err != nil {
		return nil, fmt.Errorf("chase: reading invitations: %w", err)
	}
	out := make(map[string]bool, len(list))
	for _, l := range list {
		out[l.ID] = true
	}
	return out, nil
}

// PlanInvitations says what sending a round's invitations to roles (nil: the round's)
// would do now, for a confirmation.
func (c *Chase) PlanInvitations(ctx context.Context, year string, roles []Role) (InvitationPlan, error) {
	round, err := c.rounds.Get(ctx, year)
	if err != nil {
		return InvitationPlan{}, err
	}
	if round.State != RoundOpen {
		return InvitationPlan{}, ErrRoundNotOpen
	}
	_, plan, err := c.invitees(ctx, round, roles)
	return plan, err
}

// InvitationRun is what sending invitations did.
type InvitationRun struct {
	Sent, Failed int
	Already      int // invitations sent before (by this run's start, or by another instance meanwhile)
	NoContacts   int // schools with nobody in the roles
	Schools      int // schools emailed
}

// SendInvitations emails the invitation to every contact in roles (nil: the round's) of
// every school of an open round still to return, that has not had it, and records it.
// Each is claimed before it goes, so racing runs never send one twice.
func (c *Chase) SendInvitations(ctx context.Context, by audit.Actor, year string, roles []Role, now time.Time) (InvitationRun, error) {
	var run InvitationRun
	round, err := c.rounds.Get(ctx, year)
	if err != nil {
		return run, err
	}
	if round.State != RoundOpen {
		return run, ErrRoundNotOpen
	}
	if len(roles) == 0 {
		roles = round.InvitesRoles()
	}
	list, plan, err := c.invitees(ctx, round, roles)
	if err != nil {
		return run, err
	}
	run.Already, run.NoContacts = plan.Already, plan.NoContacts
	schools := map[int]bool{}
	defer func() {
		if run.Sent+run.Failed > 0 {
			record(ctx, c.rounds.audit, by, audit.ActionInvitationsSent, year,
				fmt.Sprintf("%d sent, %d failed, to %d schools; roles %s", run.Sent, run.Failed, run.Schools, FormatRoles(roles)))
		}
	}()
	for _, in := range list {
		claimed, err := c.claimOnce(ctx, c.invites, invitationKey(in.r, in.to), bson.E{Key: "round", Value: year}, now)
		if err != nil {
			return run, err
		}
		if !claimed {
			run.Already++
			continue
		}
		e, err := c.send(ctx, round, in.r, in.to, ContactInvitation, 0, by.Name, now, c.invitation)
		if err := countDelivery(e, err, &run.Sent, &run.Failed); err != nil {
			return run, err
		}
		if !schools[in.r.URN] {
			schools[in.r.URN] = true
			run.Schools++
		}
	}
	return run, nil
}

// InvitationsDue sends the invitations of every open round whose invitation day (InviteOn)
// has come by the London day of now, as the service, and gives what it did and the
// rounds it sent for. Claims keep each invitation to one, however often it runs.
func (c *Chase) InvitationsDue(ctx context.Context, now time.Time) (InvitationRun, []string, error) {
	var total InvitationRun
	var sentFor []string
	rounds, err := c.rounds.List(ctx)
	if err != nil {
		return total, nil, err
	}
	today := now.In(academic.London).Format(time.DateOnly)
	for _, round := range rounds {
		if round.State != RoundOpen || round.InviteOn == "" || round.InviteOn > today {
			continue
		}
		run, err := c.SendInvitations(ctx, audit.System, round.ID, nil, now)
		total.Sent, total.Failed, total.Schools = total.Sent+run.Sent, total.Failed+run.Failed, total.Schools+run.Schools
		total.Already, total.NoContacts = total.Already+run.Already, total.NoContacts+run.NoContacts
		if run.Sent+run.Failed > 0 {
			sentFor = append(sentFor, round.ID)
		}
		if err != nil {
			return total, sentFor, err
		}
	}
	return total, sentFor, nil
}
