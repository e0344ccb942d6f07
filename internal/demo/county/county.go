package county

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
)

// LA is the local authority code of the demo county (Lincolnshire).
const LA = "925"

// group is one block of the demo county: how many schools of a GIAS type and phase.
type group struct {
	n         int
	typ       string
	group     string
	giasPhase string
	suffix    []string // name endings, used in turn
}

// blocks are shaped like the partnership's 2022-23 report: 386 expected schools, 5
// nursery, 281 primary (maintained 162, academies 117, free 2, one all-through), 53
// secondary (2, 50, 1), 18 special (5, 13), 24 independent and 5 alternative provision.
var blocks = []group{
	{5, "Local authority nursery school", "Local authority maintained schools", "Nursery", []string{"Nursery School"}},
	{81, "Community school", "Local authority maintained schools", "Primary", []string{"Primary School", "Community Primary School", "Infant School", "Junior School"}},
	{48, "Voluntary controlled school", "Local authority maintained schools", "Primary", []string{"Church of England Primary School"}},
	{25, "Voluntary aided school", "Local authority maintained schools", "Primary", []string{"St Mary's Catholic Primary School", "St John's CofE Primary School"}},
	{8, "Foundation school", "Local authority maintained schools", "Primary", []string{"Primary School"}},
	{80, "Academy converter", "Academies", "Primary", []string{"Primary Academy", "Church of England Academy"}},
	{36, "Academy sponsor led", "Academies", "Primary", []string{"Academy", "Primary Academy", "Junior Academy"}},
	{1, "Academy converter", "Academies", "All-through", []string{"All-through Academy"}},
	{2, "Free schools", "Free Schools", "Primary", []string{"Free School"}},
	{1, "Community school", "Local authority maintained schools", "Secondary", []string{"High School"}},
	{1, "Foundation school", "Local authority maintained schools", "Secondary", []string{"Grammar School"}},
	{38, "Academy converter", "Academies", "Secondary", []string{"Academy", "Grammar School", "High School"}},
	{12, "Academy sponsor led", "Academies", "Secondary", []string{"Secondary Academy", "Academy"}},
	{1, "Free schools 16 to 19", "Free Schools", "16 plus", []string{"Sixth Form Free School"}},
	{5, "Community special school", "Special schools", "Not applicable", []string{"Special School"}},
	{9, "Academy special converter", "Academies", "Not applicable", []string{"Special Academy"}},
	{4, "Academy special sponsor led", "Academies", "Not applicable", []string{"Special Academy"}},
	{20, "Other independent school", "Independent schools", "Not applicable", []string{"Independent School", "Preparatory School", "College"}},
	{4, "Other independent special school", "Special schools", "Not applicable", []string{"Independent Special School"}},
	{3, "Pupil referral unit", "Local authority maintained schools", "Not applicable", []string{"Pupil Referral Unit"}},
	{2, "Academy alternative provision sponsor led", "Academies", "Not applicable", []string{"Alternative Provision Academy"}},
}

// places are Lincolnshire places with the district each lies in.
var places = [][2]string{
	{"Boston", "Boston"}, {"Kirton", "Boston"}, {"Swineshead", "Boston"}, {"Sutterton", "Boston"}, {"Wyberton", "Boston"}, {"Old Leake", "Boston"},
	{"Louth", "East Lindsey"}, {"Skegness", "East Lindsey"}, {"Horncastle", "East Lindsey"}, {"Alford", "East Lindsey"}, {"Spilsby", "East Lindsey"}, {"Mablethorpe", "East Lindsey"}, {"Coningsby", "East Lindsey"}, {"Woodhall Spa", "East Lindsey"}, {"Wainfleet", "East Lindsey"}, {"Sutton on Sea", "East Lindsey"},
	{"Lincoln", "Lincoln"}, {"Bracebridge", "Lincoln"}, {"Birchwood", "Lincoln"}, {"Ermine", "Lincoln"}, {"Boultham", "Lincoln"},
	{"Sleaford", "North Kesteven"}, {"Ruskington", "North Kesteven"}, {"Heckington", "North Kesteven"}, {"Navenby", "North Kesteven"}, {"Washingborough", "North Kesteven"}, {"Branston", "North Kesteven"}, {"Metheringham", "North Kesteven"}, {"Billinghay", "North Kesteven"}, {"Waddington", "North Kesteven"},
	{"Spalding", "South Holland"}, {"Holbeach", "South Holland"}, {"Long Sutton", "South Holland"}, {"Crowland", "South Holland"}, {"Pinchbeck", "South Holland"}, {"Donington", "South Holland"}, {"Moulton", "South Holland"}, {"Sutton Bridge", "South Holland"},
	{"Grantham", "South Kesteven"}, {"Stamford", "South Kesteven"}, {"Bourne", "South Kesteven"}, {"Market Deeping", "South Kesteven"}, {"Corby Glen", "South Kesteven"}, {"Colsterworth", "South Kesteven"}, {"Billingborough", "South Kesteven"}, {"Barrowby", "South Kesteven"},
	{"Gainsborough", "West Lindsey"}, {"Market Rasen", "West Lindsey"}, {"Caistor", "West Lindsey"}, {"Welton", "West Lindsey"}, {"Nettleham", "West Lindsey"}, {"Saxilby", "West Lindsey"}, {"Sturton by Stow", "West Lindsey"}, {"Cherry Willingham", "West Lindsey"},
}

var trusts = []string{"Fenland Learning Trust", "Wolds Academy Trust", "Witham Valley Schools Trust", "Cathedral Schools Trust",
	"Kesteven Education Partnership", "Marsh and Coast Academies", "Trent Vale Learning Trust", "Welland Multi-Academy Trust"}

// header is the columns of a GIAS custom download that the register reads, as GIAS names
// them (this package does not import forms, whose own tests read the county).
var header = []string{"URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName", "TypeOfEstablishment (name)",
	"EstablishmentTypeGroup (name)", "EstablishmentStatus (name)", "PhaseOfEducation (name)", "StatutoryLowAge", "StatutoryHighAge",
	"NurseryProvision (name)", "OfficialSixthForm (name)", "Boarders (name)", "Trusts (name)", "OpenDate", "LastChangedDate",
	"DistrictAdministrative (name)", "Postcode"}

// GIAS writes the demo county as a GIAS custom download: the same columns, quoting
// and dd-mm-yyyy dates as the real thing, so the demo goes through the real importer.
// The schools are invented; their URNs (990001 upwards) are outside the range GIAS uses.
func GIAS() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write(header)
	urn, place := 990001, 0
	used := map[string]bool{}
	for _, g := range blocks {
		for i := range g.n {
			var name, district string
			for k := 0; ; k++ {
				if k == len(places)*len(g.suffix) {
					panic("county: the demo county ran out of school names for " + g.typ)
				}
				p := places[(place+k)%len(places)]
				name = p[0] + " " + g.suffix[(i+k/len(places))%len(g.suffix)]
				if !used[name] {
					district = p[1]
					place = (place + k + 1) % len(places)
					break
				}
			}
			used[name] = true
			low, high := ages(g.giasPhase, g.typ)
			trust := ""
			if g.group == "Academies" || g.group == "Free Schools" {
				trust = trusts[urn%len(trusts)]
			}
			boarders := "No boarders"
			if g.typ == "Other independent school" && i%5 == 0 {
				boarders = "Boarding school"
			}
			nursery, sixth := "No Nursery Classes", "Does not have a sixth form"
			if g.giasPhase == "Primary" && i%4 == 0 || g.giasPhase == "Nursery" {
				nursery = "Has Nursery Classes"
			}
			if g.giasPhase == "Secondary" && i%2 == 0 || g.giasPhase == "16 plus" || g.giasPhase == "All-through" {
				sixth = "Has a sixth form"
			}
			_ = w.Write([]string{strconv.Itoa(urn), LA, "Lincolnshire", strconv.Itoa(2000 + urn%8000), name, g.typ, g.group, "Open", g.giasPhase,
				strconv.Itoa(low), strconv.Itoa(high), nursery, sixth, boarders, trust, "01-09-2011", "01-04-2022", district,
				fmt.Sprintf("LN%d %dAA", 1+urn%13, 1+urn%9)})
			urn++
		}
	}
	w.Flush()
	return buf.Bytes()
}

func ages(phase, typ string) (int, int) {
	switch {
	case phase == "Nursery":
		return 2, 5
	case phase == "Primary":
		return 4, 11
	case phase == "All-through":
		return 4, 18
	case phase == "Secondary":
		return 11, 18
	case phase == "16 plus":
		return 16, 19
	case typ == "Pupil referral unit" || typ == "Academy alternative provision sponsor led":
		return 11, 16
	}
	return 3, 19
}
