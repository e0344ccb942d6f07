package handlers

import (
	"context"
	"io"
	"net/url"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
)

// schoolsRegister is what the register pages need of forms.Register.
type schoolsRegister interface {
	List(ctx context.Context, f forms.SchoolFilter) ([]forms.School, int64, error)
	Get(ctx context.Context, urn int) (forms.School, error)
	History(ctx context.Context, urn int) ([]forms.SchoolChange, error)
	Summary(ctx context.Context) (forms.RegisterSummary, error)
	Districts(ctx context.Context) ([]string, error)
	LastImport(ctx context.Context) (*forms.ImportReport, error)
	ReadFile(ctx context.Context, by audit.Actor, file string, r io.Reader, las []string) (*forms.Extract, error)
	CreateJob(ctx context.Context, by audit.Actor, file string, ex *forms.Extract) (forms.ImportJob, error)
	RunJob(ctx context.Context, j forms.ImportJob, ex *forms.Extract) (forms.ImportReport, error)
	Job(ctx context.Context, id string) (forms.ImportJob, error)
}

// roundsStore is what the round, link and return pages need of forms.Rounds.
type roundsStore interface {
	Get(ctx context.Context, year string) (forms.Round, error)
	Recent(ctx context.Context, year string) (forms.Round, error)
	List(ctx context.Context) ([]forms.Round, error)
	Create(ctx context.Context, by audit.Actor, in forms.NewRoundInput) (forms.Round, error)
	Open(ctx context.Context, by audit.Actor, year string) (forms.Round, error)
	Close(ctx context.Context, by audit.Actor, year string) error
	ReopenRound(ctx context.Context, by audit.Actor, year string) error
	ToExpect(ctx context.Context) (int, error)
	Archive(ctx context.Context, by audit.Actor, year string) error
	AddLate(ctx context.Context, by audit.Actor, id forms.ReturnID) error
	Report(ctx context.Context, year string, now time.Time) (forms.RoundReport, error)
	ExportReturns(ctx context.Context, by audit.Actor, req forms.ReturnsExport, w io.Writer) (forms.RoundReport, error)
	SetReminderDays(ctx context.Context, by audit.Actor, year string, days []int) error
	SetContactEmails(ctx context.Context, by audit.Actor, year string, contacts []forms.SchoolContact, source string) error
	ChangeForm(ctx context.Context, by audit.Actor, year string, version int, change forms.FormChange) (forms.Definition, string, error)
	FormChanges(ctx context.Context, year string) (string, []forms.FormDifference, error)
	SetInvitation(ctx context.Context, by audit.Actor, year string, in forms.Invitation) error
	SetDeadline(ctx context.Context, by audit.Actor, year, deadline string) (forms.Round, error)
	SetExtension(ctx context.Context, by audit.Actor, id forms.ReturnID, until, reason string) (forms.Return, error)
}

// contactBook is what the contact pages need of forms.ContactBook.
type contactBook interface {
	OfSchool(ctx context.Context, urn int) (forms.SchoolContacts, error)
	All(ctx context.Context) ([]forms.SchoolContacts, error)
	Import(ctx context.Context, by audit.Actor, lines []forms.ContactLine, source string) (forms.ContactImport, error)
	Add(ctx context.Context, by audit.Actor, urn int, in forms.ContactInput) (forms.Contact, error)
	Change(ctx context.Context, by audit.Actor, urn int, id string, in forms.ContactInput) error
	Remove(ctx context.Context, by audit.Actor, urn int, id string) error
	SetBounced(ctx context.Context, by audit.Actor, urn int, id string, bounced bool, why string, now time.Time) error
	WriteCSV(ctx context.Context, w io.Writer) error
}

// schoolReturns is what the round and return pages need of forms.Returns.
type schoolReturns interface {
	Get(ctx context.Context, id forms.ReturnID) (forms.Return, error)
	VersionsOf(ctx context.Context, r forms.Return) ([]forms.ReturnVersion, error)
	SetExempt(ctx context.Context, by audit.Actor, id forms.ReturnID, exempt bool, reason string) error
	SetContactEmail(ctx context.Context, by audit.Actor, id forms.ReturnID, email string) error
	OfRound(ctx context.Context, year string) ([]forms.Return, error)
	Outstanding(ctx context.Context, year string, keep func(forms.Return) bool) ([]forms.Return, error)
}

// schoolLinks is what the round and return pages need of forms.Links.
type schoolLinks interface {
	IssueLink(ctx context.Context, by audit.Actor, id forms.ReturnID) (string, error)
	LiveLink(ctx context.Context, r forms.Return) (string, error)
	RevokeLink(ctx context.Context, by audit.Actor, id forms.ReturnID) error
	WriteLinksCSV(ctx context.Context, by audit.Actor, req forms.LinksRequest, publicURL string, w io.Writer) error
}

// assurance is what a governor's saves and submission, and reopening, need of forms.Assurance.
type assurance interface {
	SaveSectionOf(ctx context.Context, by audit.Actor, r forms.Return, version int, section string, values url.Values, mode forms.SaveMode) (forms.Return, forms.Entry, error)
	Submit(ctx context.Context, by audit.Actor, id forms.ReturnID, s forms.Submission) (forms.Return, forms.Entry, error)
	Reopen(ctx context.Context, by audit.Actor, id forms.ReturnID, reason string) (forms.Return, error)
	OpenLink(ctx context.Context, token, ip string) (forms.Return, error)
	SendCode(ctx context.Context, by audit.Actor, id forms.ReturnID, now time.Time) (string, error)
	CheckCode(ctx context.Context, by audit.Actor, id forms.ReturnID, code string, now time.Time) error
	SendForConfirmation(ctx context.Context, by audit.Actor, id forms.ReturnID, p forms.Preparation) (forms.Return, error)
	OpenConfirmation(ctx context.Context, token, ip string) (forms.Return, string, error)
	ConfirmingReturn(ctx context.Context, hash string) (forms.Return, error)
	Confirm(ctx context.Context, by audit.Actor, id forms.ReturnID, hash string, s forms.Submission) (forms.Return, forms.Entry, error)
	SendBack(ctx context.Context, by audit.Actor, id forms.ReturnID, hash, comment string) (forms.Return, error)
	LastSubmitted(ctx context.Context, id forms.ReturnID) (forms.ReturnVersion, error)
	CarryForward(ctx context.Context, by audit.Actor, id forms.ReturnID, version int) (forms.Return, error)
}

// chaser is what chasing needs of forms.Chase.
type chaser interface {
	SendReminder(ctx context.Context, by audit.Actor, id forms.ReturnID, now time.Time) (forms.ChaseEntry, error)
	RemindGroup(ctx context.Context, by audit.Actor, year string, keep func(forms.Return) bool, filter string, now time.Time) (forms.GroupReminder, error)
	RecordContact(ctx context.Context, by audit.Actor, id forms.ReturnID, kind, note string, now time.Time) (forms.ChaseEntry, error)
	Log(ctx context.Context, id forms.ReturnID) ([]forms.ChaseEntry, error)
	Reachable(ctx context.Context, year string, list []forms.Return) (reached, unreached int, err error)
	PreviewInvitation(ctx context.Context, id forms.ReturnID) (forms.Email, error)
	SendTestInvitation(ctx context.Context, by audit.Actor, id forms.ReturnID, to string) (mail.Message, error)
	PlanInvitations(ctx context.Context, year string, roles []forms.Role) (forms.InvitationPlan, error)
	SendInvitations(ctx context.Context, by audit.Actor, year string, roles []forms.Role, now time.Time) (forms.InvitationRun, error)
}

// outboxReader is what the pages need of the outbox (internal/mail): the email the service
// has sent or holds. The domains send their own email.
type outboxReader interface {
	Recent(ctx context.Context, limit int) ([]mail.Message, error)
	About(ctx context.Context, about string, purposes ...string) ([]mail.Message, error)
	Configured() bool
}

// adminAccounts is what sign-in, the team pages and a member's own account need of
// internal/accounts.
type adminAccounts interface {
	Authenticate(ctx context.Context, from audit.Actor, email, password string) (accounts.Admin, error)
	SignedOut(ctx context.Context, by audit.Actor)
	Session(ctx context.Context, id string, generation int) (accounts.Admin, error)
	SecondFactor(ctx context.Context, from audit.Actor, id, code string, now time.Time) (accounts.Admin, error)
	List(ctx context.Context) ([]accounts.Admin, error)
	Get(ctx context.Context, id string) (accounts.Admin, error)
	Invite(ctx context.Context, by audit.Actor, email string, role accounts.Role) (accounts.Admin, error)
	SetRole(ctx context.Context, by audit.Actor, id string, role accounts.Role) error
	Deactivate(ctx context.Context, by audit.Actor, id string) error
	Reactivate(ctx context.Context, by audit.Actor, id string) error
	AskReset(ctx context.Context, from audit.Actor, email string, now time.Time) error
	Invitation(ctx context.Context, tok string, now time.Time) (accounts.Admin, error)
	Accept(ctx context.Context, from audit.Actor, tok, password string, now time.Time) (accounts.Admin, error)
	ResetLink(ctx context.Context, tok string, now time.Time) (accounts.Admin, error)
	Reset(ctx context.Context, from audit.Actor, tok, password string, now time.Time) (accounts.Admin, error)
	BeginTwoFactor(ctx context.Context, id string) (accounts.TwoFactorSetUp, error)
	PendingTwoFactor(ctx context.Context, id string) (accounts.TwoFactorSetUp, error)
	ConfirmTwoFactor(ctx context.Context, by audit.Actor, id, code, password string, now time.Time) ([]string, accounts.Admin, error)
	RecoveryCodesLeft(ctx context.Context, id string) (int64, error)
	TurnOffTwoFactor(ctx context.Context, by audit.Actor, id string) error
}

// auditLog is what every change needs.
type auditLog interface {
	Record(ctx context.Context, e audit.Entry) error
	RecordCounted(ctx context.Context, key string, window time.Duration, e audit.Entry) error
	Recent(ctx context.Context, limit int) ([]audit.Entry, error)
	Each(ctx context.Context, f audit.Filter, limit int, fn func(audit.Entry) error) error
	Export(ctx context.Context, by audit.Actor, f audit.Filter, what string, fn func(audit.Entry) error) error
}

// pinger says whether the store answers, for /healthz.
type pinger interface {
	Ping(ctx context.Context) error
	Available() error
}
