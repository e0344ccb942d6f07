package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	services "github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/internal/backup"
	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/store"
)

func backupFlags(fs *flag.FlagSet) action {
	out := fs.String("out", "", "the backup file to write (gzip-compressed BSON; - for stdout)")
	return func(ctx context.Context, e env, a *app, _ []string) error {
		if *out == "" {
			return errors.New("backup: give the file to write with --out")
		}
		return backupStore(ctx, e, a.cfg, *out)
	}
}

// backupStore dumps the configured store to out. The embedded store is dumped from a
// snapshot it makes of itself, so the service can go on running.
func backupStore(ctx context.Context, e env, cfg config, out string) error {
	st, done, err := openForBackup(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	var sum backup.Summary
	err = writeOut(out, e.stdout, func(w io.Writer) error {
		sum, err = backup.Dump(ctx, st, w)
		return err
	})
	if err != nil {
		return err
	}
	if out != "-" {
		fmt.Fprintf(e.stdout, "Backed up %d collections, %d documents, to %s\n", sum.Collections, sum.Documents, out)
		if !sum.Consistent && st.Kind == store.KindMongoDB {
			fmt.Fprintln(e.stdout, "Warning: this MongoDB has no snapshot reads (not a replica set), so collections were read one after another; back up with the service stopped, or use a replica set.")
		}
	}
	return nil
}

// openForBackup opens what to dump: MongoDB itself, or a snapshot of the embedded store
// in a temporary directory removed by done.
func openForBackup(ctx context.Context, cfg config) (*store.Store, func(), error) {
	if cfg.MongoURI != "" {
		st, err := services.OpenStore(ctx, services.Config{MongoURI: cfg.MongoURI, Database: cfg.MongoDB})
		if err != nil {
			return nil, nil, err
		}
		return st, func() { _ = st.Close(context.Background()) }, nil
	}
	tmp, err := os.MkdirTemp("", "assure-backup-")
	if err != nil {
		return nil, nil, err
	}
	if err := embedded.Snapshot(ctx, cfg.DataDir, cfg.MongoDB, tmp); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, nil, err
	}
	st, err := services.OpenStore(ctx, services.Config{DataDir: tmp, Database: cfg.MongoDB})
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, nil, err
	}
	return st, func() { _ = st.Close(context.Background()); _ = os.RemoveAll(tmp) }, nil
}

func restoreFlags(*flag.FlagSet) action {
	return func(ctx context.Context, e env, a *app, rest []string) error {
		if len(rest) != 1 {
			return errors.New("restore: give one backup file, as in: assure restore assure.backup")
		}
		open := func() (io.ReadCloser, error) { return os.Open(rest[0]) }
		// Checked before the store is opened, so a bad file leaves no new data directory.
		f, err := open()
		if err != nil {
			return err
		}
		_, err = backup.Check(f)
		f.Close()
		if err != nil {
			return err
		}
		b, err := openStore(ctx, e, a.cfg)
		if err != nil {
			return err
		}
		defer b.close()
		sum, err := backup.Restore(ctx, b.Store, open)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Restored %d collections, %d documents (backup of %s) into %s\n", sum.Collections, sum.Documents,
			sum.Created.Format("2 January 2006 15:04 MST"), b.storeDescription())
		return nil
	}
}
