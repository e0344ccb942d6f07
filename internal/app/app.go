package app

import (
	"context"
	"log/slog"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/missions"
)

// Config is what the store and the services are opened with.
type Config struct {
	// MongoURI is a MongoDB connection string; empty means the embedded store in DataDir.
	MongoURI string
	// Database is the database name inside the store ("assure" when empty).
	Database string
	// DataDir holds the embedded store's SQLite files; ignored for MongoDB.
	DataDir string
	// MaxSize caps the embedded database file in bytes; 0: no cap but the disk's.
	MaxSize int64
	// StoreLogger receives the embedded store's own warnings; nil discards them.
	StoreLogger *slog.Logger

	// Partnership is the partnership's name, in emails and on receipts.
	Partnership string
	// PublicURL is where people reach the service, for links in emails.
	PublicURL string
	// SMTP is the mail server; its zero value keeps email in the outbox.
	SMTP mail.SMTP
}

// App is the open store and every service over it.
type App struct {
	Store     *store.Store
	Register  *forms.Register
	Rounds    *forms.Rounds
	Returns   *forms.Returns
	Links     *forms.Links
	Assurance *forms.Assurance
	Chase     *forms.Chase
	Contacts  *forms.ContactBook
	Accounts  *accounts.Accounts
	Audit     *audit.Log
	Mail      *mail.Mailer
	JOSO      *missions.Programme
}

// OpenStore opens the store cfg names: MongoDB at cfg.MongoURI, or else the embedded
// store in cfg.DataDir, started in this process.
func OpenStore(ctx context.Context, cfg Config) (*store.Store, error) {
	if cfg.MongoURI != "" {
		return store.Connect(ctx, cfg.MongoURI, cfg.Database, store.KindMongoDB)
	}
	return embedded.Open(ctx, embedded.Config{Dir: cfg.DataDir, Database: cfg.Database, MaxSize: cfg.MaxSize, Logger: cfg.StoreLogger})
}

// Open opens the store, builds the services and makes sure the store has their indexes.
// The caller closes the App.
func Open(ctx context.Context, cfg Config) (*App, error) {
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := New(st, cfg)
	if err := a.EnsureIndexes(ctx); err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	return a, nil
}

// New builds every service over st, which stays the caller's (a test's own database).
// The store's settings in cfg are not used.
func New(st *store.Store, cfg Config) *App {
	reg := forms.NewRegister(st)
	a := &App{Store: st, Register: reg, Rounds: forms.NewRounds(st, reg), Audit: audit.New(st),
		Mail: mail.New(st, cfg.SMTP)}
	a.JOSO = missions.New(st, a.Audit, a.Mail, missions.Config{Partnership: cfg.Partnership, PublicURL: cfg.PublicURL})
	a.Returns = a.Rounds.Returns()
	a.Contacts = a.Rounds.ContactBook()
	a.Links = forms.NewLinks(a.Rounds)
	a.Accounts = accounts.New(st, a.Audit, a.Mail, accounts.Config{Partnership: cfg.Partnership, PublicURL: cfg.PublicURL})
	a.Chase = forms.NewChase(a.Rounds, a.Mail, forms.ChaseConfig{Partnership: cfg.Partnership, PublicURL: cfg.PublicURL})
	a.Assurance = forms.NewAssurance(a.Rounds, a.Mail, a.Audit, forms.AssuranceConfig{Partnership: cfg.Partnership, PublicURL: cfg.PublicURL})
	return a
}

// EnsureIndexes creates the indexes the services need that the store lacks.
func (a *App) EnsureIndexes(ctx context.Context) error {
	for _, ensure := range []func(context.Context) error{a.JOSO.EnsureIndexes, a.Register.EnsureIndexes, a.Rounds.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the store (and stops the embedded one).
func (a *App) Close(ctx context.Context) error {
	return a.Store.Close(ctx)
}
