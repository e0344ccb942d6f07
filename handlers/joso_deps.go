package handlers

import (
	"context"
	"time"

	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/missions"
)

// josoProgramme is what the JOSO pages need of missions.Programme.
type josoProgramme interface {
	Years(ctx context.Context) ([]missions.Year, error)
	Year(ctx context.Context, id string) (missions.Year, error)
	CreateYear(ctx context.Context, id, by string) (missions.Year, error)
	Move(ctx context.Context, id, move, by string) (missions.Year, error)
	SetSettings(ctx context.Context, id string, s missions.Settings) (missions.Year, error)
	SetSessions(ctx context.Context, id string, sessions []missions.Session, confirmed bool) (missions.Year, error)
	SetAreaStrands(ctx context.Context, id, area string, strands []string) (missions.Year, error)
	SetRule(ctx context.Context, id, activity string, r missions.Rule, by string) (missions.Year, error)
	AddMission(ctx context.Context, id, area, title, activity string, r missions.Rule, by string) (missions.Year, error)

	Enrol(ctx context.Context, year string, s missions.SchoolRef, teacherEmail, teacherName string) (missions.Team, error)
	Team(ctx context.Context, id string) (missions.Team, error)
	Teams(ctx context.Context, year string) ([]missions.Team, error)
	UseSignInLink(ctx context.Context, token string, now time.Time) (missions.Team, error)
	AddJOSO(ctx context.Context, team string, version int, name string, c missions.Consent) (missions.Team, missions.JOSO, error)
	ChangeJOSO(ctx context.Context, team string, version int, id string, ch missions.JOSOChange) (missions.Team, error)
	SetAttendance(ctx context.Context, team string, version int, session string, attended []string) (missions.Team, error)
	Nominate(ctx context.Context, team string, version int, category, joso, reason string) (missions.Team, error)
	Decide(ctx context.Context, team, nomination, decision, by string) (missions.Team, error)
	Certificates(ctx context.Context, f missions.CertificateFilter) ([]missions.CertificateLine, error)

	SaveActivity(ctx context.Context, team, id string, version int, in missions.ActivityInput, submit bool, by string) (missions.Activity, error)
	Activity(ctx context.Context, id string) (missions.Activity, error)
	Activities(ctx context.Context, team string) ([]missions.Activity, error)
	Pending(ctx context.Context, year string) ([]missions.Activity, error)
	AddEvidence(ctx context.Context, team, activity, name string, data []byte, showsFaces bool) (missions.Evidence, error)
	EvidenceFile(ctx context.Context, team, activity, id string) (missions.Evidence, []byte, error)
	PullEvidence(ctx context.Context, team, activity, id string) error
	PullFaces(ctx context.Context, year string) (int, error)

	Approve(ctx context.Context, id, by string) (missions.Activity, int, error)
	Unapprove(ctx context.Context, id, reason, by string) (missions.Activity, int, error)
	ReturnActivity(ctx context.Context, id, note, by string) (missions.Activity, error)
	ReverseEntry(ctx context.Context, year, key, reason, by string) (missions.Entry, error)
	Entries(ctx context.Context, by missions.EntryFilter) ([]missions.Entry, error)
	CachedTotals(ctx context.Context, team string) (missions.Totals, error)
	Figures(ctx context.Context, year string) (missions.YearFigures, error)
	FiguresBeside(ctx context.Context, year string) (missions.YearFigures, *missions.YearFigures, error)
}

// josoMailer emails link teachers their links.
type josoMailer interface {
	Invite(ctx context.Context, team string) (mail.Message, error)
	SendSignInLink(ctx context.Context, email string, now time.Time) error
}
