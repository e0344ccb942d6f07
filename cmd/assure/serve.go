package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"time"

	"github.com/lscp/assure/handlers"
	"github.com/lscp/assure/internal/kv"
)

// shutdownGrace is how long in-flight requests get to finish after SIGINT/SIGTERM.
const shutdownGrace = 30 * time.Second

func serveFlags(*flag.FlagSet) action { return serve }

func serve(ctx context.Context, e env, a *app, _ []string) error {
	a.log.Info("store ready", "store", a.Store.Kind, "where", a.storeDescription())
	if a.Mail.Configured() {
		a.log.Info("email goes through SMTP", "host", a.cfg.SMTP.Host, "port", a.cfg.SMTP.Port)
	} else {
		a.log.Info("no SMTP_HOST: email is kept in the outbox, readable by admins under Email")
	}

	if err := a.loadDemoIfWanted(ctx, e); err != nil {
		return err
	}
	csrfKey, err := a.Store.Secret(ctx, "csrf")
	if err != nil {
		return err
	}
	storage := kv.New(a.Store, "kv", "web")
	web, err := handlers.New(handlers.Config{
		Partnership: a.cfg.Partnership, LAs: a.cfg.LAs, StoreKind: a.Store.Kind, TrustProxy: a.cfg.TrustProxy, CSRFKey: csrfKey,
		PublicURL: a.cfg.PublicURL, MetricsToken: a.cfg.MetricsToken, RequestTimeout: a.cfg.RequestTimeout,
		RequireTwoFactor: a.cfg.RequireTwoFactor,
	}, handlers.Deps{Store: a.Store, Register: a.Register, Rounds: a.Rounds, Returns: a.Returns, Links: a.App.Links, Assurance: a.Assurance, Mail: a.Mail, Chase: a.Chase, Contacts: a.Contacts, JOSO: handlers.JOSOServices(a.JOSO), Accounts: a.Accounts, Audit: a.Audit, Storage: storage, Logger: a.log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", a.cfg.Addr, err)
	}
	a.log.Info("serving", "url", "http://"+ln.Addr().String(), "partnership", a.cfg.Partnership)

	go purgeExpired(ctx, a, storage)
	go remindReturns(ctx, a, a.cfg.ReminderEvery)
	go retentionOnSchedule(ctx, a)
	served := make(chan error, 1)
	go func() { served <- web.Listener(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down: finishing requests in flight")
	if err := web.ShutdownWithTimeout(shutdownGrace); err != nil {
		a.log.Warn("shutdown", "err", err)
	}
	if err := <-served; err != nil && !errors.Is(err, net.ErrClosed) {
		a.log.Warn("server stopped", "err", err)
	}
	a.log.Info("stopped cleanly")
	return nil
}

// purgeExpired clears lapsed sessions, rate-limit counters and spent sign-in links now and then.
func purgeExpired(ctx context.Context, a *app, storage *kv.Storage) {
	t := time.NewTicker(15 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := storage.PurgeExpired(ctx); err != nil {
				a.log.Warn("purging expired sessions", "err", err)
			} else if n > 0 {
				a.log.Info("purged expired sessions and counters", "count", n)
			}
			if n, err := a.JOSO.SignIns.Purge(ctx, time.Now()); err != nil {
				a.log.Warn("purging used and expired JOSO sign-in links", "err", err)
			} else if n > 0 {
				a.log.Info("purged used and expired JOSO sign-in links", "count", n)
			}
		}
	}
}
