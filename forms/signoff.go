package forms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/text"
	"github.com/lscp/assure/internal/token"
	"github.com/lscp/assure/internal/urls"
)

// Two-person sign-off (a round's TwoPerson setting). The return is prepared through the
// school's link, usually by the DSL or the head, who sends it for confirmation naming
// themselves and the governor who is to confirm it. That governor gets a link of their
// own at their work email: a random token made for this sending, whose SHA-256 alone is
// stored (on the return, and as a lookup document keyed by it). Through it they read the
// whole return and either confirm it (the declaration is theirs: the return is submitted)
// or send it back with a comment (the return is editable again, and the link dead). The
// school's link cannot confirm; a confirmation link cannot edit; sending again makes a new
// link and kills the old one. Confirming uses the link's hash as the submission's key, so
// a double click or racing requests make one confirmation.

// StatusAwaitingConfirmation is a return sent for confirmation and not yet confirmed.
const StatusAwaitingConfirmation = "awaiting_confirmation"

// PurposeConfirmation and PurposeSentBack are the emails of two-person sign-off, as the
// outbox records them.
const (
	PurposeConfirmation = "confirmation request"
	PurposeSentBack     = "sent back"
)

// Errors of two-person sign-off.
var (
	ErrConfirmLinkInvalid = problem.New(problem.NotFound, "this confirmation link is not valid: the return may have been sent back, sent again, already confirmed, or the school made exempt")
	ErrNeedsConfirmation  = problem.New(problem.WrongState, "this round asks for the return to be confirmed by a governor: send it for confirmation")
	ErrNotTwoPerson       = problem.New(problem.WrongState, "this round's returns are signed by one person")
	ErrSendBackComment    = problem.New(problem.Invalid, "enter what needs changing (up to 2,000 characters)")
)

// Person is someone who signed a return off: the preparer or the confirming governor.
type Person struct {
	Name  string    `bson:"name"`
	Role  string    `bson:"role"` // in words, as the receipt shows it
	Email string    `bson:"email"`
	At    time.Time `bson:"at"`
}

// PreparerRoles are the roles of the people who prepare a return for confirmation.
var PreparerRoles = []Choice{
	{Value: "dsl", Text: "Designated safeguarding lead"},
	{Value: "deputy_dsl", Text: "Deputy designated safeguarding lead"},
	{Value: "head", Text: "Head teacher"},
}

// MaxSendBackComment is the longest comment a governor sends a return back with.
const MaxSendBackComment = 2000

// notConfirmerRoles are declaration roles a confirming governor may not pick: the
// confirmation is the board's check on the people who run the school, so a head teacher
// (the "no board" choice of a one-person round) cannot give it.
var notConfirmerRoles = map[string]bool{"head_no_board": true}

// ConfirmerDeclaration is the declaration as the confirming governor is asked it: the
// roles are the board's (non-teaching governor, trustee, proprietor and the like) only,
// and the email is the one their link was sent to.
func ConfirmerDeclaration(decl Section) Section {
	qs := make([]Question, len(decl.Questions))
	for i, q := range decl.Questions {
		if q.ID == QuestionSignatoryEmail {
			q.Hint = "The address this confirmation link was sent to. We will send the receipt here."
		}
		if q.ID == "declaration.role" {
			q.Choices = slices.DeleteFunc(slices.Clone(q.Choices), func(c Choice) bool {
				return notConfirmerRoles[c.Value] || preparerRole(c.Value) != ""
			})
		}
		qs[i] = q
	}
	decl.Questions = qs
	return decl
}

// checkConfirmer adds to e the errors of a confirmation's declaration that a section's
// own rules cannot see: the email must be the one the link was sent to (so the link's
// holder signs as themselves), and never the preparer's.
func (r Return) checkConfirmer(e Entry) {
	given, err := text.NormaliseEmail(e.Answers[QuestionSignatoryEmail].Value)
	if err != nil || e.Errors[QuestionSignatoryEmail] != nil {
		return // the section's own error says what is wrong
	}
	to, _ := text.NormaliseEmail(r.ConfirmTo)
	prep := ""
	if r.Preparer != nil {
		prep, _ = text.NormaliseEmail(r.Preparer.Email)
	}
	if given != to || given == prep {
		e.Errors[QuestionSignatoryEmail] = &AnswerError{Field: QuestionSignatoryEmail,
			Message: "Enter the work email address this confirmation link was sent to"}
	}
}

// Preparation is what the preparer gives when they send the return for confirmation.
type Preparation struct {
	Version int    // the version of the return they checked
	Key     string // the send form's one-off key: the same key again is the same sending
	Name    string
	Role    string // a PreparerRoles value
	Email   string
	// ConfirmerEmail is the work email of the governor who is to confirm the return.
	ConfirmerEmail string
	At             time.Time
}

// clean is the preparation as the domain keeps it: names and emails one line each, with
// hidden and control characters gone (they would otherwise reach emails and receipts).
func (p Preparation) clean() Preparation {
	p.Name, p.Role = text.Line(p.Name), text.Line(p.Role)
	p.Email, p.ConfirmerEmail = text.Line(p.Email), text.Line(p.ConfirmerEmail)
	return p
}

// Check gives every broken rule of a preparation (as cleaned), field by field.
func (p Preparation) Check() problem.FieldErrors {
	p = p.clean()
	var errs problem.FieldErrors
	add := func(field, msg string) { errs = append(errs, problem.FieldError{Field: field, Message: msg}) }
	if p.Name == "" || !text.Fits(p.Name, text.MaxName) {
		add("preparer.name", "Enter your full name (up to 100 characters)")
	}
	if preparerRole(p.Role) == "" {
		add("preparer.role", "Select your role")
	}
	from, err := text.NormaliseEmail(p.Email)
	if err != nil || !isEmail(from) {
		add("preparer.email", "Enter your work email address, like name@school.sch.uk")
	}
	switch to, err := text.NormaliseEmail(p.ConfirmerEmail); {
	case err != nil || !isEmail(to):
		add("confirmer.email", "Enter the governor's work email address, like name@school.sch.uk")
	case to == from:
		add("confirmer.email", "Enter the email of the governor who confirms the return, not your own")
	}
	return errs
}

func preparerRole(value string) string {
	for _, c := range PreparerRoles {
		if c.Value == value {
			return c.Text
		}
	}
	return ""
}

// confirmDoc finds the return a confirmation link opens: keyed by the token's hash, as a
// school's link is (links.go), because the embedded store looks documents up only by _id.
type confirmDoc struct {
	ID     string    `bson:"_id"` // SHA-256 of the token
	Return string    `bson:"return"`
	Made   time.Time `bson:"made"`
}

// awaitingWith says whether the return waits for confirmation through the link of hash.
// An exempt return waits for no one: its link opens nothing and confirms nothing.
func (r Return) awaitingWith(hash string) bool {
	return r.Status == StatusAwaitingConfirmation && hash != "" && r.ConfirmHash == hash && !r.Exempt
}

// confirmedWith says whether the return was confirmed through the link of hash.
func (r Return) confirmedWith(hash string) bool { return r.submittedWith(hash) && r.Confirmer != nil }

// SendForConfirmation sends a return of a two-person round for confirmation: every
// section but the declaration must be complete, the return still at the version the
// preparer checked, and the preparation well formed (problem.FieldErrors). It stores the
// preparer and a new confirmation link (the hash alone), emails the link to the governor
// and audits it. The same key again sends nothing more.
func (a *Assurance) SendForConfirmation(ctx context.Context, by audit.Actor, id ReturnID, p Preparation) (Return, error) {
	r, err := a.rounds.returns.Get(ctx, id)
	if err != nil {
		return r, err
	}
	if r.Status == StatusAwaitingConfirmation && r.SendKey == p.Key && p.Key != "" {
		return r, nil // a double click: sent already
	}
	p = p.clean()
	if errs := p.Check(); len(errs) > 0 {
		return r, errs
	}
	round, err := a.rounds.Get(ctx, r.Round)
	if err != nil {
		return r, err
	}
	switch {
	case !round.TwoPerson:
		return r, ErrNotTwoPerson
	case !round.OpenForChanges(r):
		return r, ErrNotEditable
	case r.Version != p.Version:
		return r, ErrConflict
	}
	if sec, missing := r.FirstIncomplete(QuestionSections(round.Sections(r))); missing {
		return r, fmt.Errorf("%w: %s is not completed yet", ErrIncomplete, sec.Title)
	}
	tok, err := token.New()
	if err != nil {
		return r, err
	}
	hash := token.Hash(tok)
	// The lookup goes first: should the return's write then fail or lose a race, the
	// lookup names a hash the return does not hold, and so opens nothing.
	err = a.rounds.st.Write(ctx, func(ctx context.Context) error {
		_, err := a.rounds.st.Collection("confirm_links").InsertOne(ctx, confirmDoc{ID: hash, Return: r.ID, Made: p.At.UTC()})
		return err
	})
	if err != nil {
		return r, fmt.Errorf("returns: confirmation link for %s: %w", id, err)
	}
	// Check has passed, so both addresses normalise.
	from, _ := text.NormaliseEmail(p.Email)
	to, _ := text.NormaliseEmail(p.ConfirmerEmail)
	preparer := Person{Name: p.Name, Role: preparerRole(p.Role), Email: from, At: p.At.UTC()}
	done, err := a.rounds.returns.update(ctx, id, p.Version, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: StatusAwaitingConfirmation}, {Key: "preparer", Value: preparer}, {Key: "confirm_hash", Value: hash},
		{Key: "confirm_to", Value: to}, {Key: "send_key", Value: p.Key}, {Key: "sent_back", Value: ""}, {Key: "updated", Value: p.At.UTC()}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil {
		return r, fmt.Errorf("returns: sending %s for confirmation: %w", id, err)
	}
	if !done {
		latest, err := a.rounds.returns.Get(ctx, id)
		if err != nil {
			return r, err
		}
		if latest.Status == StatusAwaitingConfirmation && latest.SendKey == p.Key && p.Key != "" {
			return latest, nil // our own double click won the race
		}
		return latest, ErrConflict
	}
	sent, err := a.rounds.returns.Get(ctx, id)
	if err != nil {
		return sent, err
	}
	a.audit(ctx, by, audit.ActionSentToConfirm, sent.ID, "by "+preparer.Name+" ("+preparer.Role+") to "+to)
	a.emailConfirmation(ctx, round, sent, tok)
	return sent, nil
}

func (a *Assurance) emailConfirmation(ctx context.Context, round Round, r Return, tok string) {
	p := r.Preparer
	subject := fmt.Sprintf("Please confirm %s's safeguarding assurance %s", r.School.Name, r.Round)
	var b strings.Builder
	fmt.Fprintf(&b, "Dear governor,\n\n%s (%s, %s) has prepared %s's annual safeguarding assurance for %s (URN %d) ",
		p.Name, p.Role, p.Email, r.School.Name, r.Round, r.URN)
	fmt.Fprintf(&b, "and asks you to confirm it on behalf of the board. It is due by %s.\n\n", longDay(round.DeadlineOf(r)))
	fmt.Fprintf(&b, "Read the whole return, then confirm it or send it back with a comment, with this link:\n%s\n\n", urls.Confirm(a.cfg.PublicURL, tok))
	b.WriteString("The link is yours: please do not forward it. It works until you confirm the return or send it back.\n\n")
	b.WriteString(a.cfg.Partnership + "\n")
	msg, err := a.mail.Send(ctx, r.ConfirmTo, subject, b.String(), PurposeConfirmation, r.ID, tok)
	a.auditEmail(ctx, r.ID, "confirmation request", r.ConfirmTo, msg, err)
}

// longDay writes a yyyy-mm-dd date as people read it.
func longDay(iso string) string {
	if d, err := time.Parse(time.DateOnly, iso); err == nil {
		return d.Format("Monday 2 January 2006")
	}
	return iso
}

// OpenConfirmation finds the return a confirmation link opens, and gives the link's hash
// for the confirming governor's session. A malformed or unknown link, a link replaced by
// a later sending, one whose return was sent back, and one already used to confirm give
// ErrConfirmLinkInvalid. The opening is audited.
func (a *Assurance) OpenConfirmation(ctx context.Context, tok, ip string) (Return, string, error) {
	if !token.Valid(tok) {
		return Return{}, "", ErrConfirmLinkInvalid
	}
	hash := token.Hash(tok)
	r, err := a.ConfirmingReturn(ctx, hash)
	if err != nil {
		return r, "", err
	}
	if !r.awaitingWith(hash) {
		return r, "", ErrConfirmLinkInvalid // used: the return is confirmed
	}
	a.audit(ctx, Confirmer(r, ip), actionLinkOpened, r.ID, "confirmation link")
	return r, hash, nil
}

// ConfirmingReturn is the return a confirming governor's session names by its link's
// hash: waiting for their confirmation, or confirmed through it (so the confirmation page
// and receipt stay theirs). Anything else is ErrConfirmLinkInvalid.
func (a *Assurance) ConfirmingReturn(ctx context.Context, hash string) (Return, error) {
	d, err := store.FindByID[confirmDoc](ctx, a.rounds.st.Collection("confirm_links"), hash, ErrConfirmLinkInvalid)
	if errors.Is(err, ErrConfirmLinkInvalid) {
		return Return{}, err
	}
	if err != nil {
		return Return{}, fmt.Errorf("returns: resolving a confirmation link: %w", err)
	}
	r, err := a.rounds.returns.byID(ctx, d.Return)
	if err != nil {
		return r, err
	}
	if !r.awaitingWith(hash) && !r.confirmedWith(hash) {
		return r, ErrConfirmLinkInvalid
	}
	return r, nil
}

// Confirmer is the confirming governor of a return, as the audit log names them.
func Confirmer(r Return, ip string) audit.Actor {
	return audit.Actor{Name: "confirming-governor:" + r.ID, IP: ip}
}

// Confirm is the governor's confirmation through their link (hash): the declaration (as
// posted in s.Declaration) is theirs, and the return is submitted in one write, with both
// people kept on it and on its version. A link that is no longer the return's gives
// ErrConfirmLinkInvalid; the same link again gives the first confirmation and makes no
// other, however the requests race. The first time it audits the submission and emails
// the receipt to both people.
func (a *Assurance) Confirm(ctx context.Context, by audit.Actor, id ReturnID, hash string, s Submission) (Return, Entry, error) {
	if hash == "" {
		return Return{}, Entry{}, ErrConfirmLinkInvalid
	}
	s.Key = hash
	r, e, fresh, err := a.rounds.submit(ctx, id, s, hash)
	if !fresh {
		return r, e, err
	}
	a.submitted(ctx, by, r)
	return r, e, err
}

// SendBack returns a return waiting for confirmation to its preparer with the governor's
// comment (shown on the task list): the return is editable again and the link dead. It
// is audited and the preparer is emailed the comment.
func (a *Assurance) SendBack(ctx context.Context, by audit.Actor, id ReturnID, hash, comment string) (Return, error) {
	comment = text.Lines(comment)
	if comment == "" || !text.Fits(comment, MaxSendBackComment) {
		return Return{}, ErrSendBackComment
	}
	r, err := a.rounds.returns.Get(ctx, id)
	if err != nil {
		return r, err
	}
	if !r.awaitingWith(hash) {
		return r, ErrConfirmLinkInvalid
	}
	done, err := a.rounds.returns.update(ctx, id, r.Version, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: StatusInProgress}, {Key: "sent_back", Value: comment}, {Key: "confirm_hash", Value: ""},
		{Key: "send_key", Value: ""}, {Key: "updated", Value: time.Now().UTC()}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil {
		return r, fmt.Errorf("returns: sending %s back: %w", id, err)
	}
	if !done {
		return r, ErrConfirmLinkInvalid // sent back or confirmed by a racing request
	}
	back, err := a.rounds.returns.Get(ctx, id)
	if err != nil {
		return back, err
	}
	a.audit(ctx, by, audit.ActionSentBack, back.ID, comment)
	if back.Preparer != nil {
		subject := fmt.Sprintf("%s's safeguarding assurance %s has been sent back to you", back.School.Name, back.Round)
		body := fmt.Sprintf("Dear %s,\n\nThe governor you asked to confirm %s's safeguarding assurance for %s (%s) has sent it back. "+
			"Their comment follows, quoted as they wrote it: these are the governor's words, not %s's.\n\n%s\n\n"+
			"Open the return with your school's link, make the changes, and send it for confirmation again.\n\n%s\n",
			back.Preparer.Name, back.School.Name, back.Round, back.ConfirmTo, a.cfg.Partnership, quote(comment), a.cfg.Partnership)
		msg, err := a.mail.Send(ctx, back.Preparer.Email, subject, body, PurposeSentBack, back.ID)
		a.auditEmail(ctx, back.ID, "sent back", back.Preparer.Email, msg, err)
	}
	return back, nil
}

// quote marks every line of someone's words as quoted, as email readers show a quotation.
func quote(words string) string {
	return "> " + strings.ReplaceAll(words, "\n", "\n> ")
}

// confirmer is the governor who confirms, as the declaration they signed names them.
func confirmer(declaration Section, answers map[string]Answer, at time.Time) *Person {
	p := &Person{Name: answers["declaration.name"].Value, Email: answers[QuestionSignatoryEmail].Value, At: at}
	for _, q := range declaration.Questions {
		if q.ID == "declaration.role" {
			p.Role = AnswerText(q, answers[q.ID])
		}
	}
	return p
}

// signOffWords are the lines of a two-person return's receipt that name both people.
func signOffWords(r Return) []string {
	var out []string
	for _, x := range []struct {
		what string
		p    *Person
	}{{"Prepared", r.Preparer}, {"Confirmed", r.Confirmer}} {
		if x.p != nil {
			out = append(out, fmt.Sprintf("%s by %s, %s (%s), on %s", x.what, x.p.Name, x.p.Role, x.p.Email,
				x.p.At.In(academic.London).Format("2 January 2006 at 3:04pm")))
		}
	}
	return out
}

// PreparationSection is the sending form as questions, so a page draws it as it draws a
// section; its fields are Preparation's.
func PreparationSection() Section {
	return Section{ID: "preparation", Title: "Send for confirmation", Questions: []Question{
		{ID: "preparer.name", Kind: KindShortText, Text: "Your full name", Required: true},
		{ID: "preparer.role", Kind: KindOneOf, Text: "Your role", Required: true, Choices: PreparerRoles},
		{ID: "preparer.email", Kind: KindShortText, Text: "Your work email address", Required: true, Format: "email"},
		{ID: "confirmer.email", Kind: KindShortText, Text: "Work email address of the governor who confirms the return", Required: true, Format: "email",
			Hint: "A non-teaching governor or trustee (or the proprietor). They get a link of their own to read the return and confirm it, or send it back to you."},
	}}
}
