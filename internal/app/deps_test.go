package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// engines are the modules of the embedded store: FerretDB and the SQLite it runs on.
var engines = []string{"github.com/FerretDB/FerretDB", "modernc.org/sqlite"}

// The domain packages, the web front and the store's write rules link no store engine:
// only cmd/assure (through this package) starts FerretDB, so they build without it.
func TestDomainPackagesLinkNoStoreEngine(t *testing.T) {
	t.Parallel()
	for _, pkg := range []string{"forms", "missions", "exports", "handlers", "internal/store"} {
		linked := deps(t, "github.com/lscp/assure/"+pkg)
		for _, e := range engines {
			if i := slices.IndexFunc(linked, func(dep string) bool {
				return dep == e || strings.HasPrefix(dep, e+"/")
			}); i >= 0 {
				t.Errorf("%s links %s", pkg, e)
			}
		}
	}
}

// exports writes files from rows in its own words: it links no domain and no store, so
// the domains may call it and a writer can be tested without a database.
func TestExportsLinksNoDomainAndNoStore(t *testing.T) {
	t.Parallel()
	linked := deps(t, "github.com/lscp/assure/exports")
	if !slices.Contains(linked, "github.com/lscp/assure/exports") {
		t.Fatal("go list -deps does not list exports itself: is the package path right?")
	}
	banned := []string{"github.com/lscp/assure/forms", "github.com/lscp/assure/missions", "github.com/lscp/assure/internal/store", "go.mongodb.org"}
	for _, dep := range linked {
		for _, b := range banned {
			if dep == b || strings.HasPrefix(dep, b+"/") {
				t.Errorf("exports links %s", dep)
			}
		}
	}
}

// The engine is still linked where it is started, so the test above cannot pass by a
// go list that lists nothing.
func TestTheServiceLinksTheEmbeddedStore(t *testing.T) {
	t.Parallel()
	if !slices.Contains(deps(t, "github.com/lscp/assure/cmd/assure"), "github.com/FerretDB/FerretDB/ferretdb") {
		t.Fatal("cmd/assure does not link FerretDB: where does the embedded store start?")
	}
}

// Only the wiring starts the embedded store: cmd/assure, this package and the test helper
// import internal/embedded (tests may too).
func TestOnlyTheWiringImportsTheEmbeddedStore(t *testing.T) {
	t.Parallel()
	allowed := []string{"github.com/lscp/assure/cmd/assure", "github.com/lscp/assure/internal/app", "github.com/lscp/assure/internal/storetest"}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "github.com/lscp/assure/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if slices.Contains(f[1:], "github.com/lscp/assure/internal/embedded") && !slices.Contains(allowed, f[0]) {
			t.Errorf("%s imports internal/embedded", f[0])
		}
	}
}

// deps is every package pkg imports, directly or not, as `go list -deps` gives them.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr)
	}
	return strings.Fields(string(out))
}
