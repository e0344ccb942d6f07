package forms

import "testing"

func TestClassifyEveryRule(t *testing.T) {
	t.Parallel()
	const (
		la  = "Local authority maintained schools"
		ac  = "Academies"
		fr  = "Free Schools"
		ind = "Independent schools"
		sp  = "Special schools"
	)
	tests := []struct {
		typ, group, phase string
		want              Phase
		gov               Governance
		allThrough        bool
		skip              string
	}{
		// 1. alternative provision, by type, whatever the phase
		{"Pupil referral unit", la, "Not applicable", PhaseAlternative, GovMaintained, false, ""},
		{"Academy alternative provision converter", ac, "Not applicable", PhaseAlternative, GovAcademy, false, ""},
		{"Academy alternative provision sponsor led", ac, "Secondary", PhaseAlternative, GovAcademy, false, ""},
		{"Free schools alternative provision", fr, "Not applicable", PhaseAlternative, GovFree, false, ""},
		// 2. special, by type; maintained specials sit in the Special schools group
		{"Community special school", sp, "Not applicable", PhaseSpecial, GovMaintained, false, ""},
		{"Foundation special school", sp, "Primary", PhaseSpecial, GovMaintained, false, ""},
		{"Academy special converter", ac, "Not applicable", PhaseSpecial, GovAcademy, false, ""},
		{"Academy special sponsor led", ac, "Secondary", PhaseSpecial, GovAcademy, false, ""},
		{"Free schools special", fr, "Not applicable", PhaseSpecial, GovFree, false, ""},
		{"Non-maintained special school", sp, "Not applicable", PhaseSpecial, GovNonMaintained, false, ""},
		// 3. independent, by type
		{"Other independent school", ind, "Not applicable", PhaseIndependent, GovIndependent, false, ""},
		// In real GIAS extracts this type sits in the "Special schools" group; the type
		// settles governance whatever the group.
		{"Other independent special school", sp, "Secondary", PhaseIndependent, GovIndependent, false, ""},
		{"Other independent special school", sp, "Not applicable", PhaseIndependent, GovIndependent, false, ""},
		{"Other independent special school", ind, "Not applicable", PhaseIndependent, GovIndependent, false, ""},
		{"Other independent school", sp, "Not applicable", PhaseIndependent, GovIndependent, false, ""},
		{"City technology college", ind, "Secondary", PhaseSecondary, GovIndependent, false, ""},
		// 4. nursery, by phase
		{"Local authority nursery school", la, "Nursery", PhaseNursery, GovMaintained, false, ""},
		// 5. primary, by phase; all-through flagged
		{"Community school", la, "Primary", PhasePrimary, GovMaintained, false, ""},
		{"Voluntary aided school", la, "Middle deemed primary", PhasePrimary, GovMaintained, false, ""},
		{"Academy converter", ac, "All-through", PhasePrimary, GovAcademy, true, ""},
		{"Free schools", fr, "Primary", PhasePrimary, GovFree, false, ""},
		// 6. secondary, by phase, including UTCs, studio schools and 16-19
		{"Foundation school", la, "Secondary", PhaseSecondary, GovMaintained, false, ""},
		{"Academy sponsor led", ac, "Middle deemed secondary", PhaseSecondary, GovAcademy, false, ""},
		{"University technical college", fr, "Secondary", PhaseSecondary, GovFree, false, ""},
		{"Studio schools", fr, "Secondary", PhaseSecondary, GovFree, false, ""},
		{"Academy 16-19 converter", ac, "16 plus", PhaseSecondary, GovAcademy, false, ""},
		{"Free schools 16 to 19", fr, "16 plus", PhaseSecondary, GovFree, false, ""},
		// 7. colleges, by type group, even with the 16 plus phase
		{"Further education", "Colleges", "16 plus", PhaseCollege, GovIndependent, false, ""},
		{"Sixth form centres", "Colleges", "16 plus", PhaseCollege, GovMaintained, false, ""},
		// 8. not imported
		{"Higher education institutions", "Universities", "Not applicable", "", "", false, SkipExcludedGroup("Universities")},
		{"Welsh establishment", "Welsh schools", "Primary", "", "", false, SkipExcludedGroup("Welsh schools")},
		{"Secure units", "Other types", "Secondary", "", "", false, SkipExcludedGroup("Other types")},
		{"Special post 16 institution", "Other types", "16 plus", "", "", false, SkipExcludedGroup("Other types")},
		{"Academy secure 16 to 19", ac, "16 plus", PhaseSecondary, GovAcademy, false, ""},
		{"Academy 16 to 19 sponsor led", ac, "16 plus", PhaseSecondary, GovAcademy, false, ""},
		{"Online provider", "Online provider", "Not applicable", "", "", false, SkipExcludedGroup("Online provider")},
		{"Children's centre", "Children's Centres", "Not applicable", "", "", false, SkipExcludedGroup("Children's Centres")},
		{"Community school", la, "Not applicable", "", "", false, SkipNoRule},
		{"Mystery type", "Mystery group", "Primary", "", "", false, SkipNoRule},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.phase, func(t *testing.T) {
			c := Classify(tt.typ, tt.group, tt.phase)
			if c.Skip != tt.skip {
				t.Fatalf("skip = %q, want %q", c.Skip, tt.skip)
			}
			if c.Phase != tt.want || c.Governance != tt.gov || c.AllThrough != tt.allThrough {
				t.Fatalf("got %s/%s all-through=%v, want %s/%s all-through=%v", c.Phase, c.Governance, c.AllThrough, tt.want, tt.gov, tt.allThrough)
			}
		})
	}
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Status{"Open": StatusOpen, "Open, but proposed to close": StatusOpen, "Closed": StatusClosed, "Proposed to open": StatusProposed} {
		if got, _, ok := statusOf(in); !ok || got != want {
			t.Errorf("statusOf(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ptc, _ := statusOf("Open, but proposed to close"); !ptc {
		t.Error("proposed-to-close flag lost")
	}
	if _, _, ok := statusOf("Sleeping"); ok {
		t.Error("unknown status accepted")
	}
}
