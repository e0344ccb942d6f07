package missions

// Strand is one of the eight strands of Education for a Connected World (UKCIS, 2020).
type Strand struct {
	ID, Name string
}

// Strands are built in: the framework is national and does not change year to year.
var Strands = []Strand{
	{"self-image", "Self-image and identity"},
	{"relationships", "Online relationships"},
	{"reputation", "Online reputation"},
	{"bullying", "Online bullying"},
	{"information", "Managing online information"},
	{"health", "Health, wellbeing and lifestyle"},
	{"privacy", "Privacy and security"},
	{"copyright", "Copyright and ownership"},
}

// StrandName names a strand by its ID ("" if unknown).
func StrandName(id string) string {
	for _, s := range Strands {
		if s.ID == id {
			return s.Name
		}
	}
	return ""
}

// Audiences an activity can reach; each earns its own bonus.
const (
	AudienceWholeSchool = "whole-school"
	AudienceParents     = "parents"
	AudienceKS1         = "ks1"
	AudienceKS2         = "ks2"
)

// Audiences in the order forms and figures show them.
var Audiences = []string{AudienceWholeSchool, AudienceParents, AudienceKS1, AudienceKS2}

// AudienceLabel is an audience in words.
func AudienceLabel(a string) string {
	switch a {
	case AudienceWholeSchool:
		return "The whole school"
	case AudienceParents:
		return "Parents and carers"
	case AudienceKS1:
		return "Key stage 1 pupils"
	case AudienceKS2:
		return "Key stage 2 pupils"
	}
	return a
}

// ComponentBase is the ledger component for an activity's base points; each bonus's
// component is its audience.
const ComponentBase = "base"

// ComponentLabel is a ledger component in words.
func ComponentLabel(c string) string {
	if c == ComponentBase {
		return "Base points"
	}
	return "Bonus: " + AudienceLabel(c)
}
