package handlers

import (
	"context"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/missions"
)

// JOSO is what the JOSO pages need of the programme's services, one small interface each.
type JOSO struct {
	Catalogue  josoCatalogue
	Teams      josoTeams
	Activities josoActivities
	Ledger     josoLedger
	Evidence   josoEvidence
	SignIns    josoSignIns
	Figures    josoFigures
}

// JOSOServices are the pages' view of the programme.
func JOSOServices(p *missions.Programme) JOSO {
	return JOSO{Catalogue: p.Catalogue, Teams: p.Teams, Activities: p.Activities, Ledger: p.Ledger, Evidence: p.Evidence,
		SignIns: p.SignIns, Figures: p.Figures}
}

// josoCatalogue is what the pages need of missions.Catalogue.
type josoCatalogue interface {
	Years(ctx context.Context) ([]missions.Year, error)
	Year(ctx context.Context, id string) (missions.Year, error)
	Create(ctx context.Context, by audit.Actor, id string) (missions.Year, error)
	Move(ctx context.Context, by audit.Actor, id, move string) (missions.Year, error)
	SetSettings(ctx context.Context, by audit.Actor, id string, s missions.Settings) (missions.Year, error)
	SetSessions(ctx context.Context, by audit.Actor, id string, sessions []missions.Session, confirmed bool) (missions.Year, error)
	SetAreaStrands(ctx context.Context, by audit.Actor, id, area string, strands []string) (missions.Year, error)
	SetRule(ctx context.Context, by audit.Actor, id, activity string, r missions.Rule) (missions.Year, error)
	AddMission(ctx context.Context, by audit.Actor, id, area, title, activity string, r missions.Rule) (missions.Year, error)
}

// josoTeams is what the pages need of missions.Teams.
type josoTeams interface {
	Enrol(ctx context.Context, by audit.Actor, year string, s missions.SchoolRef, teacherEmail, teacherName string) (missions.Team, error)
	Team(ctx context.Context, id string) (missions.Team, error)
	OfYear(ctx context.Context, year string) ([]missions.Team, error)
	AddJOSO(ctx context.Context, by audit.Actor, team string, version int, name string, c missions.Consent) (missions.Team, missions.JOSO, error)
	ChangeJOSO(ctx context.Context, by audit.Actor, team string, version int, id string, ch missions.JOSOChange) (missions.Team, error)
	SetAttendance(ctx context.Context, by audit.Actor, team string, version int, session string, attended []string) (missions.Team, error)
	Nominate(ctx context.Context, by audit.Actor, team string, version int, category, joso, reason string) (missions.Team, error)
	Decide(ctx context.Context, by audit.Actor, team, nomination, decision string) (missions.Team, error)
	WriteCertificatesPDF(ctx context.Context, by audit.Actor, f missions.CertificateFilter, w io.Writer) (int, error)
}

// josoActivities is what the pages need of missions.Activities.
type josoActivities interface {
	Save(ctx context.Context, by audit.Actor, team, id string, version int, in missions.ActivityInput, submit bool) (missions.Activity, error)
	Activity(ctx context.Context, id string) (missions.Activity, error)
	OfTeam(ctx context.Context, team string) ([]missions.Activity, error)
	Pending(ctx context.Context, year string) ([]missions.Activity, error)
	Return(ctx context.Context, by audit.Actor, id, note string) (missions.Activity, error)
}

// josoLedger is what the pages need of missions.Ledger.
type josoLedger interface {
	Approve(ctx context.Context, by audit.Actor, id string) (missions.Activity, int, error)
	Unapprove(ctx context.Context, by audit.Actor, id, reason string) (missions.Activity, int, error)
	Reverse(ctx context.Context, by audit.Actor, year, key, reason string) (missions.Entry, error)
	Entries(ctx context.Context, by missions.EntryFilter) ([]missions.Entry, error)
	CachedTotals(ctx context.Context, team string) (missions.Totals, error)
}

// josoEvidence is what the pages need of missions.Evidence.
type josoEvidence interface {
	Add(ctx context.Context, by audit.Actor, team, activity, name string, data []byte, showsFaces bool) (missions.EvidenceFile, error)
	File(ctx context.Context, team, activity, id string) (missions.EvidenceFile, []byte, error)
	Remove(ctx context.Context, by audit.Actor, team, activity, id string) error
	Pull(ctx context.Context, by audit.Actor, team, activity, id string) error
	PullFaces(ctx context.Context, by audit.Actor, year string) (int, error)
}

// josoSignIns is what the pages need of missions.SignIns.
type josoSignIns interface {
	Invite(ctx context.Context, by audit.Actor, team string) (mail.Message, error)
	SendLink(ctx context.Context, by audit.Actor, email string, now time.Time) error
	Use(ctx context.Context, token, ip string, now time.Time) (missions.Team, error)
}

// josoFigures is what the pages need of missions.Figures.
type josoFigures interface {
	Celebration(ctx context.Context, year string) (missions.YearFigures, []missions.CelebratedSchool, error)
	Beside(ctx context.Context, year string) (missions.YearFigures, *missions.YearFigures, error)
	WriteWorkbook(ctx context.Context, by audit.Actor, year string, w io.Writer) (missions.YearFigures, error)
}

// teacherActor is the signed-in link teacher acting from the request's address.
func teacherActor(c *fiber.Ctx, t *teacher) audit.Actor {
	return missions.TeacherActor(t.team, c.IP())
}
