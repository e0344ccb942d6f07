package missions

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/store"
)

// Programme is the JOSO programme's services, one per aggregate, over one store. Each
// service owns its rules and writes its own audit entries, given the acting person.
type Programme struct {
	Catalogue  *Catalogue  // programme years: state, settings, training sessions, missions and XP rules
	Teams      *Teams      // schools taking part, their link teachers, JOSOs, attendance and nominations
	Activities *Activities // activities the link teachers log, and their return for changes
	Ledger     *Ledger     // approvals and the append-only XP ledger with its cached totals
	Evidence   *Evidence   // files attached to activities
	SignIns    *SignIns    // link teachers' emailed invitations and sign-in links
	Figures    *Figures    // the yearly figures, celebration and workbook
	Anonymiser *Anonymiser // names and evidence removed once a year is over

	st                     *store.Store
	teams, activities, led *mongo.Collection
	mail                   Sender
	cfg                    Config
}

// Config is what the programme says about the partnership in its emails and files.
type Config struct {
	Partnership string
	PublicURL   string // where links point, like https://assure.example.org
}

// New opens the programme in st, auditing to log (nil: no audit) and emailing through mail.
func New(st *store.Store, log Auditor, mail Sender, cfg Config) *Programme {
	years := yearStore{st: st, c: st.Collection("joso_years")}
	teams := teamStore{st: st, c: st.Collection("joso_teams")}
	acts := activityStore{st: st, c: st.Collection("joso_activities")}
	led := ledgerStore{st: st, entries: st.Collection("xp_ledger"), totals: st.Collection("xp_totals")}
	files := fileStore{st: st}
	p := &Programme{st: st, teams: teams.c, activities: acts.c, led: led.entries, mail: mail, cfg: cfg}
	p.Catalogue = &Catalogue{years: years, teams: teams, log: log}
	p.Teams = &Teams{years: years, teams: teams, log: log, cfg: cfg}
	p.Ledger = &Ledger{years: years, teams: teams, activities: acts, ledger: led, log: log}
	p.Activities = &Activities{years: years, teams: teams, activities: acts, ledger: p.Ledger, log: log}
	p.Evidence = &Evidence{teams: teams, activities: acts, files: files, log: log}
	p.SignIns = &SignIns{years: years, teams: teams, signins: signinStore{st: st, c: st.Collection("joso_signins")}, mail: mail, cfg: cfg, log: log}
	p.Figures = &Figures{years: years, teams: teams, activities: acts, ledger: led, log: log, cfg: cfg}
	p.Anonymiser = &Anonymiser{st: st, years: years, teams: teams, activities: acts, evidence: p.Evidence, log: log}
	return p
}

// EnsureIndexes creates the indexes the programme's queries use on MongoDB (the embedded
// store scans small collections and looks up by _id).
func (p *Programme) EnsureIndexes(ctx context.Context) error {
	if p.st.Kind != store.KindMongoDB {
		return nil
	}
	for c, keys := range map[*mongo.Collection]bson.D{
		p.teams:      {{Key: "year", Value: 1}},
		p.activities: {{Key: "team", Value: 1}},
		p.led:        {{Key: "year", Value: 1}, {Key: "urn", Value: 1}},
	} {
		if _, err := c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: keys}); err != nil {
			return fmt.Errorf("missions: indexes: %w", err)
		}
	}
	_, err := p.teams.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "teacher", Value: 1}}})
	if err == nil {
		_, err = p.led.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "activity", Value: 1}}})
	}
	return err
}

// WithoutAudit is the programme writing no audit entries, for made-up history (the demo).
func (p *Programme) WithoutAudit() *Programme { return New(p.st, nil, p.mail, p.cfg) }
