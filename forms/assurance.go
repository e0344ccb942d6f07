package forms

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	outbox "github.com/lscp/assure/internal/mail"
)

// Purposes of the emails the assurance service sends, as the outbox records them.
const (
	PurposeReceipt  = "receipt"
	PurposeReopened = "reopened"
)

// QuestionSignatoryEmail is the declaration's question for the signatory's work email,
// where the receipt goes.
const QuestionSignatoryEmail = "declaration.email"

// Auditor records what people did.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// AttachingSender sends an email with files attached, or keeps it in the outbox.
type AttachingSender interface {
	Sender
	SendAttached(ctx context.Context, to, subject, body, purpose, about string, files ...outbox.Attachment) (outbox.Message, error)
	// Forget empties the kept copies of messages about anything whose ID starts with prefix.
	Forget(ctx context.Context, prefix string) (int64, error)
}

// AssuranceConfig is what the assurance service says about the partnership, in its
// emails and on receipts.
type AssuranceConfig struct {
	Partnership string
	PublicURL   string // where confirmation links point, like https://assure.example.org
}

// Assurance is the governor's journey as the partnership runs it: saving sections,
// submitting a return (or, with two-person sign-off, sending it for confirmation and the
// governor's confirming or sending back: signoff.go), starting from last year's answers
// (carry.go) and reopening a return, each audited and each telling the people concerned
// by email.
type Assurance struct {
	rounds *Rounds
	mail   AttachingSender
	log    Auditor
	cfg    AssuranceConfig
}

// NewAssurance runs submissions and reopenings of the returns of rs.
func NewAssurance(rs *Rounds, m AttachingSender, log Auditor, cfg AssuranceConfig) *Assurance {
	return &Assurance{rounds: rs, mail: m, log: log, cfg: cfg}
}

// Governor is the governor of a return, as the audit log names them, at address ip.
func Governor(r Return, ip string) audit.Actor { return audit.Actor{Name: "governor:" + r.ID, IP: ip} }

// SaveSection keeps what a governor typed into one of their return's sections (values,
// as posted), if the return is still at the version they loaded (else ErrConflict, with
// the newer return). The domain reads the entry and decides what is kept and whether the
// section is complete: "Save and continue" needs every answer the section requires, "Save
// and come back later" keeps whatever is well formed. The save is audited. It gives back
// the return as saved and the entry as typed; an entry with errors is saved as far as it
// is well formed and gives *InvalidEntry. A return that can no longer be changed (or
// whose round is not open) gives ErrNotEditable; a section the school is not asked, or
// the declaration, ErrSectionNotFound. The save is one store write in the steady state
// (Returns.saveEntry).
func (a *Assurance) SaveSection(ctx context.Context, by audit.Actor, id ReturnID, version int, sectionID string, values url.Values, mode SaveMode) (Return, Entry, error) {
	r, err := a.rounds.returns.Get(ctx, id)
	if err != nil {
		return r, Entry{}, err
	}
	return a.SaveSectionOf(ctx, by, r, version, sectionID, values, mode)
}

// SaveSectionOf is SaveSection on the return r as the caller read it in this request (the
// governor's pages read it to check the link), saving a second read of it. The save is
// checked against the version in the store all the same: a copy older than the store's
// only makes a conflict.
func (a *Assurance) SaveSectionOf(ctx context.Context, by audit.Actor, r Return, version int, sectionID string, values url.Values, mode SaveMode) (Return, Entry, error) {
	round, err := a.rounds.Recent(ctx, r.Round)
	if err != nil {
		return r, Entry{}, err
	}
	sec, ok := round.QuestionSection(r, sectionID)
	if !ok {
		return r, Entry{}, ErrSectionNotFound
	}
	if !round.OpenForChanges(r) {
		return r, Entry{}, ErrNotEditable
	}
	e := ReadSection(sec, values, mode == SaveForLater, time.Now())
	saved, err := a.rounds.returns.saveEntry(ctx, by, r, version, sec, e)
	if err != nil {
		return saved, e, err
	}
	if len(e.Errors) > 0 {
		return saved, e, &InvalidEntry{Section: sec, Entry: e}
	}
	return saved, e, nil
}

// Submit signs and submits a return in one write: its round must be open, the declaration
// (s.Declaration, as posted) well formed, the return still at the version the governor
// checked, and every section the school is asked complete (ErrRoundNotOpen,
// *InvalidEntry, ErrConflict, ErrIncomplete). The same submit key again gives the first
// submission and makes no other, however the requests race. The first time, it audits
// the submission and emails the receipt to the signatory; the submission stands whatever
// happens to the email: a failure is in the outbox and the audit log for the partnership
// to see. It gives back the declaration as typed, so a refused one can be shown again.
func (a *Assurance) Submit(ctx context.Context, by audit.Actor, id ReturnID, s Submission) (Return, Entry, error) {
	r, e, fresh, err := a.rounds.submit(ctx, id, s, "")
	if !fresh {
		return r, e, err
	}
	a.submitted(ctx, by, r)
	return r, e, err
}

// submitted audits a submission made now and emails its receipt. It is done even if
// keeping the submission's version failed, since the return is the record of truth and
// the version is rebuilt from it.
func (a *Assurance) submitted(ctx context.Context, by audit.Actor, r Return) {
	detail := "reference " + r.Reference
	if r.Late {
		detail += " (late)"
	}
	if r.Confirmer != nil && r.Preparer != nil {
		detail += "; prepared by " + r.Preparer.Name + ", confirmed by " + r.Confirmer.Name
	}
	a.audit(ctx, by, audit.ActionSubmitted, r.ID, detail)
	to := r.AnswerMap()[QuestionSignatoryEmail].Value
	a.emailReceipt(ctx, r, to, r.AnswerMap()["declaration.name"].Value)
	if p := r.Preparer; p != nil && r.Confirmer != nil && !strings.EqualFold(p.Email, to) {
		a.emailReceipt(ctx, r, p.Email, p.Name) // the preparer keeps a copy too
	}
}

// emailReceipt emails the receipt of a submitted return to one person, by name.
func (a *Assurance) emailReceipt(ctx context.Context, r Return, to, name string) {
	if to == "" {
		return
	}
	round, err := a.rounds.Recent(ctx, r.Round)
	var pdf []byte
	if err == nil {
		pdf, err = ReceiptPDF(a.cfg.Partnership, round, r)
	}
	if err != nil {
		a.audit(ctx, audit.System, audit.ActionEmailFailed, r.ID, "receipt to "+to+": "+err.Error())
		return
	}
	subject := fmt.Sprintf("Receipt for %s's safeguarding assurance %s: reference %s", r.School.Name, r.Round, r.Reference)
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", name)
	fmt.Fprintf(&b, "%s has received %s's safeguarding assurance for %s (URN %d), submitted on %s%s.\n\n",
		a.cfg.Partnership, r.School.Name, r.Round, r.URN, r.Submitted.In(academic.London).Format("2 January 2006 at 3:04pm"), lateWords(r.Late))
	for _, l := range signOffWords(r) {
		b.WriteString(l + ".\n")
	}
	if r.Confirmer != nil {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Your reference is %s.\n\nThe receipt, with every answer given, is attached as a PDF. ", r.Reference)
	b.WriteString("If something needs correcting, contact the partnership, who can reopen the return.\n\n" + a.cfg.Partnership + "\n")
	file := outbox.Attachment{Name: ReceiptFile(r), ContentType: "application/pdf", Data: pdf}
	msg, err := a.mail.SendAttached(ctx, to, subject, b.String(), PurposeReceipt, r.ID, file)
	a.auditEmail(ctx, r.ID, "receipt", to, msg, err)
}

// PurgeDue purges the rounds whose retention has ended by today (Rounds.PurgeDue) and,
// first, empties the outbox's copies of their emails: a receipt carries every answer in its
// PDF, so it must not outlive them. Each purge is audited.
func (a *Assurance) PurgeDue(ctx context.Context, today string) ([]PurgeReport, error) {
	reps, err := a.rounds.purgeDue(ctx, today, func(ctx context.Context, rep *PurgeReport) error {
		n, err := a.mail.Forget(ctx, rep.Round+":")
		rep.Emails = n
		return err
	})
	for _, r := range reps {
		a.audit(ctx, audit.System, audit.ActionReturnsPurged, r.Round,
			fmt.Sprintf("answers of %d returns, %d kept versions, %d links, %d emails", r.Returns, r.Versions, r.Links, r.Emails))
	}
	return reps, err
}

// ReceiptFile is the file name of a return's receipt.
func ReceiptFile(r Return) string {
	return "assurance-" + r.Round + "-" + strconv.Itoa(r.URN) + "-" + r.Reference + ".pdf"
}

func lateWords(late bool) string {
	if late {
		return ", after the deadline"
	}
	return ""
}

// Reopen reopens a submitted return so the governor can amend it, audits
// it, and emails the school's contact and the last signatory with the reason. A return
// that is not submitted gives ErrRoundState and nothing else happens.
func (a *Assurance) Reopen(ctx context.Context, by audit.Actor, id ReturnID, reason string) (Return, error) {
	r, err := a.rounds.reopen(ctx, id, reason)
	if err != nil {
		return r, err
	}
	a.audit(ctx, by, audit.ActionReopened, r.ID, reason)
	subject := fmt.Sprintf("%s's safeguarding assurance %s has been reopened", r.School.Name, r.Round)
	var b strings.Builder
	fmt.Fprintf(&b, "Dear governor,\n\n%s has reopened %s's safeguarding assurance for %s (URN %d) so that it can be changed.\n\n",
		a.cfg.Partnership, r.School.Name, r.Round, r.URN)
	fmt.Fprintf(&b, "The reason given:\n%s\n\n", reason)
	b.WriteString("Open the form with your school's link, make the changes, then confirm the declaration and submit it again. ")
	b.WriteString("If you no longer have the link, contact the partnership for a new one.\n\n" + a.cfg.Partnership + "\n")
	for _, to := range reopenRecipients(r) {
		msg, err := a.mail.Send(ctx, to, subject, b.String(), PurposeReopened, r.ID)
		a.auditEmail(ctx, r.ID, "reopening", to, msg, err)
	}
	return r, nil
}

// reopenRecipients are the school's contact and the last signatory, each once.
func reopenRecipients(r Return) []string {
	var out []string
	for _, to := range []string{r.ContactEmail, r.AnswerMap()[QuestionSignatoryEmail].Value} {
		if to != "" && !containsFold(out, to) {
			out = append(out, to)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// auditEmail records an email about a return: sent (or held in the outbox), or failed
// with the reason, so a failure is in the audit log as well as the outbox.
func (a *Assurance) auditEmail(ctx context.Context, returnID, what, to string, msg outbox.Message, err error) {
	if err != nil {
		a.audit(ctx, audit.System, audit.ActionEmailFailed, returnID, what+" to "+to+": "+err.Error())
		return
	}
	a.audit(ctx, audit.System, audit.ActionEmailed, returnID, what+" to "+to+" ("+msg.Status+")")
}

func (a *Assurance) audit(ctx context.Context, by audit.Actor, action, target, detail string) {
	record(ctx, a.log, by, action, target, detail)
}

// record writes an audit entry. A failure to record is not the actor's failure: what they
// did stands, and the store's trouble shows elsewhere (health, metrics, logs).
func record(ctx context.Context, log Auditor, by audit.Actor, action, target, detail string) {
	_ = log.Record(ctx, audit.Entry{Actor: by.Name, IP: by.IP, Action: action, Target: target, Detail: detail})
}
