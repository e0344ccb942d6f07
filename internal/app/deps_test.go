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

// The engine is still linked where it is started, so the test above cannot pass by a
// go list that lists nothing.
func TestTheServiceLinksTheEmbeddedStore(t *testing.T) {
	if !slices.Contains(deps(t, "github.com/lscp/assure/cmd/assure"), "github.com/FerretDB/FerretDB/ferretdb") {
		t.Fatal("cmd/assure does not link FerretDB: where does the embedded store start?")
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
