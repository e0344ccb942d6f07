package forms

import "strings"

// Types that decide the reporting phase whatever GIAS gives as the phase.
var (
	alternativeTypes = set("Pupil referral unit", "Academy alternative provision converter",
		"Academy alternative provision sponsor led", "Free schools alternative provision")
	specialTypes = set("Community special school", "Foundation special school", "Academy special converter",
		"Academy special sponsor led", "Free schools special", "Non-maintained special school")
	independentTypes = set("Other independent school", "Other independent special school")
	// Maintained special schools sit in the "Special schools" group, not the maintained one.
	maintainedSpecialTypes = set("Community special school", "Foundation special school")
)

// Type groups the schools return does not cover. They are checked before the GIAS phase,
// because a Welsh school or a secure unit can carry a phase and must still not be imported.
var excludedGroups = set("Universities", "Welsh schools", "Other types", "Online provider", "Children's centres")

// Skip reasons, as import reports count them.
const (
	SkipOutsideLA = "outside the partnership's local authorities"
	SkipNoRule    = "matches no classification rule"
	SkipStale     = "older than the register's copy"
)

// SkipExcludedGroup is the reason for a row in a type group the return does not cover.
func SkipExcludedGroup(group string) string { return "type group not covered: " + group }

// Classification is the reporting phase and governance of one GIAS row, or why it is skipped.
type Classification struct {
	Phase      Phase
	Governance Governance
	AllThrough bool
	Skip       string // non-empty: not imported, for this reason
}

// Classify applies the partnership's rules (shared brief, "Reporting phase"): type before
// phase, then type group.
//
// One deliberate departure from the brief's numbering: the Colleges group is tested before
// the GIAS phase, because further education colleges carry the phase "16 plus" and would
// otherwise all fall into secondary, leaving the college rule unreachable. 16-19 academies
// and free schools are in the Academies and Free Schools groups, so they stay secondary.
func Classify(typeName, group, giasPhase string) Classification {
	c := Classification{Governance: governance(typeName, group)}
	group = strings.TrimSpace(group)
	switch {
	case alternativeTypes[fold(typeName)]:
		c.Phase = PhaseAlternative
	case specialTypes[fold(typeName)]:
		c.Phase = PhaseSpecial
	case independentTypes[fold(typeName)]:
		c.Phase = PhaseIndependent
	case excludedGroups[fold(group)]:
		return Classification{Skip: SkipExcludedGroup(group)}
	case fold(group) == fold("Colleges"):
		c.Phase = PhaseCollege
	default:
		switch fold(giasPhase) {
		case "nursery":
			c.Phase = PhaseNursery
		case "primary", "middle deemed primary":
			c.Phase = PhasePrimary
		case "all-through":
			c.Phase, c.AllThrough = PhasePrimary, true
		case "secondary", "middle deemed secondary", "16 plus":
			c.Phase = PhaseSecondary
		default:
			return Classification{Skip: SkipNoRule}
		}
	}
	if c.Governance == "" {
		return Classification{Skip: SkipNoRule}
	}
	return c
}

// governance decides who runs a school: from its type where the type settles it, then from
// its type group. The type comes first because GIAS groups some types apart from their
// governance: maintained specials and "Other independent special school" (about 950 open in
// England) sit in the "Special schools" group, so a group-only rule would drop every
// independent special school from the register and from the independent return rate.
func governance(typeName, group string) Governance {
	t := fold(typeName)
	switch {
	case independentTypes[t]:
		return GovIndependent
	case t == fold("Non-maintained special school"):
		return GovNonMaintained
	case maintainedSpecialTypes[t]:
		return GovMaintained
	}
	switch fold(group) {
	case fold("Local authority maintained schools"):
		return GovMaintained
	case fold("Academies"):
		return GovAcademy
	case fold("Free Schools"):
		return GovFree
	case fold("Independent schools"):
		return GovIndependent
	case fold("Colleges"):
		// Sixth form centres are run by the local authority; further education
		// corporations are independent of it.
		if t == fold("Sixth form centres") {
			return GovMaintained
		}
		return GovIndependent
	}
	return ""
}

// statusOf reduces GIAS's EstablishmentStatus; ok is false for a value GIAS does not use.
func statusOf(giasStatus string) (s Status, proposedToClose, ok bool) {
	switch fold(giasStatus) {
	case "open":
		return StatusOpen, false, true
	case "open, but proposed to close":
		return StatusOpen, true, true
	case "proposed to open":
		return StatusProposed, false, true
	case "closed":
		return StatusClosed, false, true
	}
	return "", false, false
}

// fold normalises a GIAS name for comparison: GIAS's capitalisation has changed over the
// years ("Children's Centres", "Children's centres").
func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[fold(n)] = true
	}
	return m
}
