package missions

import (
	"context"
	"fmt"
	"testing"

	"github.com/lscp/assure/internal/storetest"
)

func TestDemoHasThePartnershipsFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := New(storetest.New(t))
	var schools []SchoolRef
	for i := range 40 {
		schools = append(schools, SchoolRef{URN: 120000 + i, Name: fmt.Sprintf("School %02d", i)})
	}
	if err := Demo(ctx, p, schools, "demo", "2026-11-22"); err != nil {
		t.Fatal(err)
	}
	for year, want := range map[string][2]int{"2022-23": {DemoSchools2223, DemoTrained2223}, "2021-22": {DemoSchools2122, DemoTrained2122}} {
		f, err := p.Figures(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		if f.Schools != want[0] || f.Trained != want[1] {
			t.Errorf("%s: %d schools, %d trained; want %d, %d", year, f.Schools, f.Trained, want[0], want[1])
		}
		if f.Activities == 0 || f.XP == 0 || f.Certificates == 0 || len(f.NoActivity) == 0 {
			t.Errorf("%s: thin figures %+v", year, f)
		}
		if m, err := p.Verify(ctx, year, false); err != nil || len(m) != 0 {
			t.Errorf("%s: verify %v %v", year, m, err)
		}
		t.Logf("%s: %d schools, %d trained, %d activities, %d XP, %d certificates, %d quiet", year, f.Schools, f.Trained, f.Activities, f.XP, f.Certificates, len(f.NoActivity))
	}
	y, _ := p.Year(ctx, "2021-22")
	if y.Anonymised.IsZero() {
		t.Error("2021-22 was not anonymised, though its date has passed")
	}
}
