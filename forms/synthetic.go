package forms

import "fmt"

// SyntheticExtract is n open primary schools, for measuring cost as the register grows
// (a county is about 400 schools, England about 24,000).
func SyntheticExtract(n int) *Extract {
	ex := &Extract{Total: n, Skipped: map[string]int{}}
	for i := range n {
		ex.Rows = append(ex.Rows, GIASRow{Line: i + 2, Record: Record{
			URN: 100000 + i, Name: fmt.Sprintf("School %05d Primary", i), LACode: fmt.Sprint(800 + i%150), LAName: "Somewhere",
			Type: "Community school", TypeGroup: "Local authority maintained schools", GIASStatus: "Open", GIASPhase: "Primary",
			Phase: PhasePrimary, Governance: GovMaintained, Status: StatusOpen, LowAge: 4, HighAge: 11,
			District: fmt.Sprintf("District %d", i%300), LastChanged: "2024-09-01",
		}})
	}
	return ex
}
