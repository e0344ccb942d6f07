package forms

import "time"

// Phase is the reporting phase a school's return is counted under. It is decided by the
// school's type before its GIAS phase, because special schools, PRUs and independent
// schools often have the phase "Not applicable".
type Phase string

// The reporting phases, in the order the partnership's report lists them.
const (
	PhaseNursery     Phase = "nursery"
	PhasePrimary     Phase = "primary"
	PhaseSecondary   Phase = "secondary"
	PhaseSpecial     Phase = "special"
	PhaseIndependent Phase = "independent"
	PhaseAlternative Phase = "alternative"
	PhaseCollege     Phase = "college"
)

// Phases lists every reporting phase in report order.
var Phases = []Phase{PhaseNursery, PhasePrimary, PhaseSecondary, PhaseSpecial, PhaseIndependent, PhaseAlternative, PhaseCollege}

// Label is the phase as the partnership's report names it.
func (p Phase) Label() string {
	switch p {
	case PhaseNursery:
		return "Nursery"
	case PhasePrimary:
		return "Primary"
	case PhaseSecondary:
		return "Secondary"
	case PhaseSpecial:
		return "Special"
	case PhaseIndependent:
		return "Independent"
	case PhaseAlternative:
		return "Alternative provision"
	case PhaseCollege:
		return "College"
	}
	return string(p)
}

// Governance is who runs the school, as the report breaks each phase down.
type Governance string

// The governance kinds.
const (
	GovMaintained    Governance = "maintained"
	GovAcademy       Governance = "academy"
	GovFree          Governance = "free"
	GovIndependent   Governance = "independent"
	GovNonMaintained Governance = "non-maintained"
)

// Governances lists every governance kind in report order.
var Governances = []Governance{GovMaintained, GovAcademy, GovFree, GovIndependent, GovNonMaintained}

// Label is the governance kind in the report's words.
func (g Governance) Label() string {
	switch g {
	case GovMaintained:
		return "Maintained"
	case GovAcademy:
		return "Academy"
	case GovFree:
		return "Free school"
	case GovIndependent:
		return "Independent"
	case GovNonMaintained:
		return "Non-maintained"
	}
	return string(g)
}

// Status is where a school stands in GIAS, reduced to what the round needs: open schools
// (including "Open, but proposed to close") are expected to return; proposed ones not yet;
// closed ones stay in the register with their history.
type Status string

// The statuses.
const (
	StatusOpen     Status = "open"
	StatusClosed   Status = "closed"
	StatusProposed Status = "proposed"
)

// Statuses lists every status.
var Statuses = []Status{StatusOpen, StatusProposed, StatusClosed}

// Label is the status for people.
func (s Status) Label() string {
	switch s {
	case StatusOpen:
		return "Open"
	case StatusClosed:
		return "Closed"
	case StatusProposed:
		return "Proposed to open"
	}
	return string(s)
}

// Record is what the register keeps of a GIAS row: the GIAS fields the product uses and
// the classification made from them. Two Records are equal exactly when a re-import has
// nothing to change, so every field is comparable.
type Record struct {
	URN                 int        `bson:"urn"`
	Name                string     `bson:"name"`
	LACode              string     `bson:"la_code"`
	LAName              string     `bson:"la_name"`
	EstablishmentNumber string     `bson:"establishment_number,omitempty"`
	Type                string     `bson:"type"`
	TypeGroup           string     `bson:"type_group"`
	GIASStatus          string     `bson:"gias_status"`
	GIASPhase           string     `bson:"gias_phase"`
	Phase               Phase      `bson:"phase"`
	Governance          Governance `bson:"governance"`
	AllThrough          bool       `bson:"all_through"`
	Status              Status     `bson:"status"`
	ProposedToClose     bool       `bson:"proposed_to_close"`
	LowAge              int        `bson:"low_age,omitempty"`
	HighAge             int        `bson:"high_age,omitempty"`
	NurseryProvision    string     `bson:"nursery_provision,omitempty"`
	SixthForm           string     `bson:"sixth_form,omitempty"`
	Boarders            string     `bson:"boarders,omitempty"`
	Trust               string     `bson:"trust,omitempty"`
	District            string     `bson:"district,omitempty"`
	Postcode            string     `bson:"postcode,omitempty"`
	Website             string     `bson:"website,omitempty"`
	OpenDate            string     `bson:"open_date,omitempty"`    // yyyy-mm-dd
	CloseDate           string     `bson:"close_date,omitempty"`   // yyyy-mm-dd
	LastChanged         string     `bson:"last_changed,omitempty"` // yyyy-mm-dd, GIAS LastChangedDate
}

// HasBoarders says whether GIAS lists boarders, which brings in the boarding section.
func (r Record) HasBoarders() bool {
	return r.Boarders != "" && r.Boarders != "No boarders" && r.Boarders != "Not applicable"
}

// School is a register entry: a Record keyed by URN. Its history is kept apart, in an
// append-only collection, so the register stays lean: the embedded store decodes every
// document of a collection for any query not by _id.
type School struct {
	ID      string `bson:"_id"` // the URN as text: lookups by _id are the embedded store's fast path
	Record  `bson:",inline"`
	Updated time.Time `bson:"updated"`
}

// SchoolChange is one line of a school's history: what an import did and why.
type SchoolChange struct {
	ID     string    `bson:"_id"` // import ID and URN: writing the same change twice stores it once
	URN    int       `bson:"urn"`
	At     time.Time `bson:"at"`
	Import string    `bson:"import"`
	Change string    `bson:"change"` // added, updated, closed, reopened
	Fields []string  `bson:"fields,omitempty"`
}
