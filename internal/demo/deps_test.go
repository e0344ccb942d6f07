package demo_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The demo's data packages import only the domain they fill, the writers it uses (exports,
// which imports no domain) and the plumbing under internal/ (county nothing of the
// service at all), so that domain's own tests can use
// them: forms' tests inside the package read the county, forms' and missions' external
// tests load rounds and years. Reaching internal/app (or this package, which imports it)
// would make those imports cycles.
func TestTheDemoDataPackagesStayBelowTheServices(t *testing.T) {
	t.Parallel()
	const module = "github.com/lscp/assure/"
	plumbingAnd := func(domain string) func(string) bool {
		return func(rel string) bool {
			return rel == domain || rel == "exports" || strings.HasPrefix(rel, "internal/") && rel != "internal/app" && !strings.HasPrefix(rel, "internal/demo")
		}
	}
	for pkg, may := range map[string]func(string) bool{
		"internal/demo/county": func(string) bool { return false },
		"internal/demo/rounds": plumbingAnd("forms"),
		"internal/demo/joso":   plumbingAnd("missions"),
	} {
		out, err := exec.Command("go", "list", "-deps", module+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if rel, ok := strings.CutPrefix(dep, module); ok && rel != pkg && !may(rel) {
				t.Errorf("%s imports %s", pkg, rel)
			}
		}
	}
}
