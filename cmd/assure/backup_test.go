package main

import (
	"bytes"
	"context"
	"flag"
	"image"
	imgpng "image/png"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/embedded"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/missions"
)

// testConfig is the configuration the commands see for dataDir in tests.
func testConfig(t *testing.T, dataDir string) config {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	defineSettings(fs, func(k string) string {
		return map[string]string{"DATA_DIR": dataDir, "DEMO": "false"}[k]
	})
	cfg, err := loadConfig(fs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// storeContents opens the embedded store in dataDir and reads every document of it.
func storeContents(t *testing.T, dataDir string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	st, err := embedded.Open(ctx, embedded.Config{Dir: dataDir, Database: "assure"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	return storetest.Contents(t, st)
}

// The demo (with an evidence file) backed up while nothing else runs, restored into a
// new data directory: every collection, document for document, the same.
func TestBackupRestoresTheDemoExactly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, _ := demoDir(t)
	dst, file := t.TempDir(), filepath.Join(t.TempDir(), "assure.backup")
	a, err := openStore(ctx, env{stdout: io.Discard, stderr: io.Discard}, testConfig(t, src))
	if err != nil {
		t.Fatal(err)
	}
	acts, err := a.JOSO.Activities.OfYear(ctx, "2022-23")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(acts, func(x missions.Activity) bool { return x.Editable() })
	if i < 0 {
		t.Fatal("no draft activity in the demo")
	}
	// A real image (evidence must decode as one) of noise, so it spans several GridFS chunks.
	img := image.NewGray(image.Rect(0, 0, 600, 600))
	noise := rand.New(rand.NewPCG(1, 2))
	for p := range img.Pix {
		img.Pix[p] = byte(noise.Uint32())
	}
	var png bytes.Buffer
	if err := imgpng.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	if _, err := a.JOSO.Evidence.Add(ctx, audit.Actor{Name: "test"}, acts[i].Team, acts[i].ID, "poster.png", png.Bytes(), false); err != nil {
		t.Fatal(err)
	}
	a.close()

	code, out, errs := assure(t, src, "", "backup", "--out", file)
	if code != 0 || !strings.Contains(out, "Backed up") {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	code, out, errs = assure(t, dst, "", "restore", file)
	if code != 0 || !strings.Contains(out, "Restored") {
		t.Fatalf("restore: %d %s %s", code, out, errs)
	}
	want, got := storeContents(t, src), storeContents(t, dst)
	var names []string
	for n, docs := range want {
		if len(docs) > 0 {
			names = append(names, n)
		}
		if !slices.Equal(docs, got[n]) {
			t.Errorf("collection %s: %d documents before, %d after, or different", n, len(docs), len(got[n]))
		}
	}
	for n, docs := range got {
		if len(docs) > 0 && len(want[n]) == 0 {
			t.Errorf("collection %s appeared after the restore", n)
		}
	}
	if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "evidence_") && strings.HasSuffix(n, ".chunks") }) {
		t.Fatalf("the evidence file's chunks were not in the data compared: %v", names)
	}
	// A second restore over it is refused and changes nothing.
	if code, _, errs := assure(t, dst, "", "restore", file); code == 0 || !strings.Contains(errs, "not empty") {
		t.Fatalf("restore over data: %d %s", code, errs)
	}
}
