package joso_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/joso"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/storetest"
	"github.com/lscp/assure/missions"
)

func TestDemoHasThePartnershipsFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	p := missions.New(st, audit.New(st), mail.New(st, mail.SMTP{}), missions.Config{Partnership: "Test LSCP", PublicURL: "http://assure.test"})
	var schools []missions.SchoolRef
	for i := range 40 {
		schools = append(schools, missions.SchoolRef{URN: 120000 + i, Name: fmt.Sprintf("School %02d", i)})
	}
	if err := joso.Load(ctx, p, schools, "demo", "2026-11-22"); err != nil {
		t.Fatal(err)
	}
	for year, want := range map[string][2]int{"2022-23": {joso.Schools2223, joso.Trained2223}, "2021-22": {joso.Schools2122, joso.Trained2122}} {
		f, err := p.Figures.Of(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		if f.Schools != want[0] || f.Trained != want[1] {
			t.Errorf("%s: %d schools, %d trained; want %d, %d", year, f.Schools, f.Trained, want[0], want[1])
		}
		if f.Activities == 0 || f.XP == 0 || f.Certificates == 0 || len(f.NoActivity) == 0 {
			t.Errorf("%s: thin figures %+v", year, f)
		}
		if m, err := p.Ledger.Verify(ctx, audit.Actor{Name: "test"}, year, false); err != nil || len(m) != 0 {
			t.Errorf("%s: verify %v %v", year, m, err)
		}
		t.Logf("%s: %d schools, %d trained, %d activities, %d XP, %d certificates, %d quiet", year, f.Schools, f.Trained, f.Activities, f.XP, f.Certificates, len(f.NoActivity))
	}
	y, _ := p.Catalogue.Year(ctx, "2021-22")
	if y.Anonymised.IsZero() {
		t.Error("2021-22 was not anonymised, though its date has passed")
	}
}
