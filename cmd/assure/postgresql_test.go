package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

// startPostgreSQL runs a PostgreSQL server of the test's own on a free loopback port, in
// a new directory removed afterwards, and returns the URL of its postgres database. The
// server programs must be installed (Debian's postgresql package); as root (CI) they run
// as the postgres user, since PostgreSQL refuses to run as root.
func startPostgreSQL(ctx context.Context, t *testing.T) string {
	t.Helper()
	bin := postgreSQLBin(t)
	dir, err := os.MkdirTemp("", "assure-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	as := func(ctx context.Context, args ...string) *exec.Cmd {
		return exec.CommandContext(ctx, args[0], args[1:]...)
	}
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, PostgreSQL needs its own user postgres (made by Debian's postgresql package): %v", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		as = func(ctx context.Context, args ...string) *exec.Cmd {
			return exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--"}, args...)...)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := as(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	pgCtl := filepath.Join(bin, "pg_ctl")
	// Commits are not flushed to disk: the test shares the store between instances, it does
	// not cut its power (the load test's --crash does that to the embedded store).
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off", port, dir)
	if out, err := as(ctx, pgCtl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		t.Fatalf("starting PostgreSQL: %v\n%s\n%s", err, out, log)
	}
	t.Cleanup(func() {
		// Not ctx: the test has ended it by now.
		if out, err := as(context.Background(), pgCtl, "-D", data, "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
			t.Errorf("stopping PostgreSQL: %v\n%s", err, out)
		}
	})
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres", port)
}

// postgreSQLBin is the directory of PostgreSQL's server programs: where initdb is on the
// PATH, or Debian's /usr/lib/postgresql/N/bin.
func postgreSQLBin(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		return filepath.Dir(p)
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		t.Fatal("PostgreSQL's server programs are not installed: apt-get install postgresql")
	}
	return filepath.Dir(found[len(found)-1])
}
