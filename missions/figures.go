package missions

import (
	"cmp"
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Band names a school's XP per trained JOSO in words, so schools can be compared without
// a table of pupils: there is no ranking of children anywhere.
func Band(perTrained float64) string {
	switch {
	case perTrained >= 150:
		return "Gold"
	case perTrained >= 75:
		return "Silver"
	case perTrained >= 25:
		return "Bronze"
	}
	return "Getting started"
}

// Bands lists the bands from the top, with the XP per trained JOSO each starts at.
var Bands = []struct {
	Name string
	From int
}{{"Gold", 150}, {"Silver", 75}, {"Bronze", 25}, {"Getting started", 0}}

// Standing is one school's year: its team, activity and XP.
type Standing struct {
	Team         Team
	JOSOs        int // taking part (not withdrawn)
	Trained      int
	Activities   int // approved
	Pending      int // waiting for approval
	XP           int
	PerTrained   float64
	Band         string
	StrandXP     map[string]int // XP by strand (an area's XP counts in each strand it covers)
	MissionsDone int            // missions with at least one approved activity
}

// StrandsCovered counts the strands with any XP.
func (s Standing) StrandsCovered() int {
	n := 0
	for _, v := range s.StrandXP {
		if v > 0 {
			n++
		}
	}
	return n
}

// Count is a figure with a label, for tables of figures.
type Count struct {
	ID, Label  string
	Activities int
	XP         int
	Reach      int
}

// YearFigures are the figures the partnership reports for a year.
type YearFigures struct {
	Year         Year
	Schools      int
	JOSOs        int
	Trained      int
	Activities   int // approved
	XP           int
	Reach        int // estimated people reached, each approved activity counted once
	ByArea       []Count
	ByStrand     []Count
	ByAudience   []Count // activities reaching each audience and their estimated reach
	Attendance   []Count // JOSOs attending each session (Activities holds the count)
	Certificates int
	ByCategory   []Count // certificates by category (Activities holds the count)
	Standings    []Standing
	NoActivity   []Team // schools with no approved or pending activity yet
}

// PerSchool is the mean number of trained JOSOs per school taking part.
func (f YearFigures) PerSchool() float64 {
	if f.Schools == 0 {
		return 0
	}
	return float64(f.Trained) / float64(f.Schools)
}

// Figures is what the partnership reports of a year: its figures beside the year
// before's, for the year's page, the celebration and the workbook.
type Figures struct {
	years      yearStore
	teams      teamStore
	activities activityStore
	ledger     ledgerStore
	log        Auditor
	cfg        Config // the partnership's name, on the workbook
}

// Of computes a year's figures from its teams, activities and ledger.
func (f *Figures) Of(ctx context.Context, year string) (YearFigures, error) {
	y, err := f.years.get(ctx, year)
	if err != nil {
		return YearFigures{}, err
	}
	teams, err := f.teams.ofYear(ctx, year)
	if err != nil {
		return YearFigures{}, err
	}
	acts, err := f.activities.find(ctx, bson.D{{Key: "year", Value: year}})
	if err != nil {
		return YearFigures{}, err
	}
	entries, err := f.ledger.find(ctx, EntryFilter{Year: year})
	if err != nil {
		return YearFigures{}, err
	}
	return ComputeFigures(y, teams, acts, entries), nil
}

// Beside computes a year's figures and the previous year's (nil if none).
func (f *Figures) Beside(ctx context.Context, year string) (YearFigures, *YearFigures, error) {
	cur, err := f.Of(ctx, year)
	if err != nil {
		return cur, nil, err
	}
	years, err := f.years.list(ctx)
	if err != nil {
		return cur, nil, err
	}
	for _, y := range years { // newest first: the first earlier one is the previous year
		if y.ID < year {
			prev, err := f.Of(ctx, y.ID)
			return cur, &prev, err
		}
	}
	return cur, nil, nil
}

// Celebration is the year's figures and each school's part of its celebration.
func (f *Figures) Celebration(ctx context.Context, year string) (YearFigures, []CelebratedSchool, error) {
	fig, err := f.Of(ctx, year)
	if err != nil {
		return fig, nil, err
	}
	acts, err := f.activities.find(ctx, bson.D{{Key: "year", Value: year}})
	if err != nil {
		return fig, nil, err
	}
	return fig, Celebrated(fig, acts), nil
}

// ComputeFigures is Figures' arithmetic, apart from the store.
func ComputeFigures(y Year, teams []Team, acts []Activity, entries []Entry) YearFigures {
	f := YearFigures{Year: y, Schools: len(teams)}
	byTeam := map[string]*Standing{}
	for _, t := range teams {
		s := &Standing{Team: t, JOSOs: len(t.Active()), Trained: t.Trained(y), StrandXP: map[string]int{}}
		byTeam[t.ID] = s
		f.JOSOs += s.JOSOs
		f.Trained += s.Trained
		for _, n := range t.Nominations {
			if n.Decision == DecisionAwarded {
				f.Certificates++
				f.ByCategory = addTo(f.ByCategory, n.Category, n.Category, 1, 0, 0)
			}
		}
	}
	for _, a := range y.Areas {
		f.ByArea = addTo(f.ByArea, a.ID, a.Name, 0, 0, 0)
	}
	for _, s := range Strands {
		f.ByStrand = addTo(f.ByStrand, s.ID, s.Name, 0, 0, 0)
	}
	for _, au := range Audiences {
		f.ByAudience = addTo(f.ByAudience, au, AudienceLabel(au), 0, 0, 0)
	}
	for _, s := range y.Sessions {
		f.Attendance = addTo(f.Attendance, s.ID, s.Title, 0, 0, 0)
	}
	for _, t := range teams {
		for _, j := range t.JOSOs {
			for _, sid := range j.Attended {
				f.Attendance = addTo(f.Attendance, sid, sid, 1, 0, 0)
			}
		}
	}
	done := map[string]map[string]bool{}
	for _, a := range acts {
		s := byTeam[a.Team]
		if s == nil {
			continue
		}
		if a.Status == ActivitySubmitted {
			s.Pending++
		}
		ap, ok := a.Current()
		if !ok {
			continue
		}
		s.Activities++
		f.Activities++
		f.Reach += a.Reach
		if done[a.Team] == nil {
			done[a.Team] = map[string]bool{}
		}
		done[a.Team][ap.Mission] = true
		f.ByArea = addTo(f.ByArea, ap.Area, ap.Area, 1, 0, 0)
		for _, st := range ap.Strands {
			f.ByStrand = addTo(f.ByStrand, st, st, 1, 0, 0)
		}
		for _, au := range a.Audiences {
			f.ByAudience = addTo(f.ByAudience, au, au, 1, 0, a.Reach)
		}
	}
	for _, e := range entries {
		f.XP += e.Amount
		f.ByArea = addTo(f.ByArea, e.Area, e.Area, 0, e.Amount, 0)
		for _, st := range e.Strands {
			f.ByStrand = addTo(f.ByStrand, st, st, 0, e.Amount, 0)
		}
		if s := byTeam[e.Team]; s != nil {
			s.XP += e.Amount
			for _, st := range e.Strands {
				s.StrandXP[st] += e.Amount
			}
		}
	}
	for _, t := range teams {
		s := byTeam[t.ID]
		s.MissionsDone = len(done[t.ID])
		if s.Trained > 0 {
			s.PerTrained = float64(s.XP) / float64(s.Trained)
		}
		s.Band = Band(s.PerTrained)
		f.Standings = append(f.Standings, *s)
		if s.Activities == 0 && s.Pending == 0 {
			f.NoActivity = append(f.NoActivity, t)
		}
	}
	slices.SortStableFunc(f.Standings, func(a, b Standing) int { return cmp.Compare(b.PerTrained, a.PerTrained) })
	return f
}

// addTo adds to the count with this ID, appending it (labelled) if it is new.
func addTo(cs []Count, id, label string, activities, xp, reach int) []Count {
	for i := range cs {
		if cs[i].ID == id {
			cs[i].Activities += activities
			cs[i].XP += xp
			cs[i].Reach += reach
			return cs
		}
	}
	return append(cs, Count{ID: id, Label: label, Activities: activities, XP: xp, Reach: reach})
}

// MissionProgress is one mission of the year and what a school's approved activities
// earned from it.
type MissionProgress struct {
	Title, Area string // the mission, and its area's name
	Done        bool   // at least one approved activity
	XP          int
}

// StrandProgress is one strand and a school's XP in it (an area's XP counts in each strand
// it covers).
type StrandProgress struct {
	Name string
	XP   int
}

// Progress is a school's way through its year: every mission and strand with the XP of
// the approvals in force, and how many strands have any.
type Progress struct {
	Missions []MissionProgress
	Strands  []StrandProgress
	Covered  int
}

// ProgressOf works out a school's progress from its activities.
func ProgressOf(y Year, acts []Activity) Progress {
	missionXP, strandXP, done := map[string]int{}, map[string]int{}, map[string]bool{}
	for _, a := range acts {
		ap, ok := a.Current()
		if !ok {
			continue
		}
		missionXP[ap.Mission] += ap.Total()
		done[ap.Mission] = true
		for _, st := range ap.Strands {
			strandXP[st] += ap.Total()
		}
	}
	var p Progress
	for _, m := range y.Missions {
		a, _ := y.Area(m.Area)
		p.Missions = append(p.Missions, MissionProgress{Title: m.Title, Area: a.Name, Done: done[m.ID], XP: missionXP[m.ID]})
	}
	for _, st := range Strands {
		p.Strands = append(p.Strands, StrandProgress{Name: st.Name, XP: strandXP[st.ID]})
		if strandXP[st.ID] > 0 {
			p.Covered++
		}
	}
	return p
}
