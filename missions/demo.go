package missions

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/lscp/assure/internal/audit"
)

// The demo's figures are the partnership's: 28 schools and 97 trained JOSOs in 2022-23,
// 72 trained JOSOs (here in 22 schools) in 2021-22.
const (
	DemoSchools2223 = 28
	DemoTrained2223 = 97
	DemoSchools2122 = 22
	DemoTrained2122 = 72
)

var demoFirstNames = []string{"Amira", "Ben", "Cara", "Dev", "Ella", "Finn", "Grace", "Harry", "Isla", "Jay", "Kai", "Lily", "Mo",
	"Nia", "Oscar", "Poppy", "Rhys", "Sana", "Theo", "Uma", "Vik", "Willow", "Yusuf", "Zara"}

// DemoTeacher is the demo link teacher's email for a school.
func DemoTeacher(urn int) string { return "joso.lead." + strconv.Itoa(urn) + "@schools.example.org" }

// demoYear describes one demo programme year.
type demoYear struct {
	id              string
	trained         int  // JOSOs trained, spread over the schools (the first ones get one more)
	untrained, gone int  // JOSOs who missed a taught session, and who withdrew
	quiet           int  // schools (the last ones) with no activity
	pending, drafts int  // schools (the first ones) with an activity waiting for approval, and with a draft
	perSchool       int  // a school logs 1 to perSchool activities
	close           bool // close the year once loaded
	ruleChange      bool // raise the Safer Internet Day rule half way through
}

// Demo loads programme years 2021-22 (closed, and anonymised if its date has passed) and
// 2022-23 (live) for the given primary schools, through the same calls people make, so
// the ledger, totals and figures are as real use leaves them.
func Demo(ctx context.Context, p *Programme, schools []SchoolRef, by string, today string) error {
	if len(schools) < DemoSchools2223 {
		return fmt.Errorf("missions: the demo needs %d schools, the register has %d", DemoSchools2223, len(schools))
	}
	years := []struct {
		d       demoYear
		schools []SchoolRef
	}{
		{demoYear{id: "2021-22", trained: DemoTrained2122, untrained: 4, gone: 1, quiet: 2, perSchool: 3, close: true}, schools[3 : 3+DemoSchools2122]},
		{demoYear{id: "2022-23", trained: DemoTrained2223, untrained: 6, gone: 2, quiet: 3, pending: 5, drafts: 2, perSchool: 5, ruleChange: true}, schools[:DemoSchools2223]},
	}
	p = p.WithoutAudit() // the demo's history is made up: the audit log records only its loading
	for _, y := range years {
		if err := p.demoYear(ctx, y.d, y.schools, by); err != nil {
			return fmt.Errorf("missions: demo year %s: %w", y.d.id, err)
		}
	}
	_, err := p.Anonymiser.Due(ctx, today)
	return err
}

func (p *Programme) demoYear(ctx context.Context, d demoYear, schools []SchoolRef, by string) error {
	if _, err := p.Catalogue.Create(ctx, audit.Actor{Name: by}, d.id); err != nil {
		return err
	}
	n := len(schools)
	var teams []Team
	for i, s := range schools {
		t, err := p.Teams.Enrol(ctx, audit.Actor{Name: by}, d.id, s, DemoTeacher(s.URN), demoFirstNames[(i+7)%len(demoFirstNames)]+" Teacher")
		if err != nil {
			return err
		}
		trained := d.trained / n
		if i < d.trained%n {
			trained++
		}
		untrained := 0
		if i < d.untrained {
			untrained = 1
		}
		gone := 0
		if i >= n-d.gone {
			gone = 1
		}
		t, err = p.Teams.teams.update(ctx, t.ID, t.Version, func(t *Team) error {
			for k := range trained + untrained + gone {
				name := demoFirstNames[(i*5+k)%len(demoFirstNames)] + " " + string(rune('A'+(i+k*3)%26))
				j := JOSO{ID: "j" + strconv.Itoa(t.NextID), Name: name, Attended: []string{"s1"},
					Consent: Consent{Certificate: k%5 != 4, Celebration: k%4 != 3}}
				t.NextID++
				switch {
				case k < trained && (i+k)%6 == 0:
					j.Attended = append(j.Attended, "s3", "s4") // caught up on the second session
				case k < trained:
					j.Attended = append(j.Attended, "s2", "s4")
				case k >= trained+untrained:
					j.Attended = append(j.Attended, "s2")
					j.Withdrawn = true
				}
				t.JOSOs = append(t.JOSOs, j)
			}
			return nil
		})
		if err != nil {
			return err
		}
		teams = append(teams, t)
	}
	if _, err := p.Catalogue.Move(ctx, audit.Actor{Name: by}, d.id, "open"); err != nil {
		return err
	}
	y, err := p.Catalogue.Year(ctx, d.id)
	if err != nil {
		return err
	}
	// Schools log their activities in parallel, as they would. The Safer Internet Day rule
	// goes up half way through 2022-23, so its ledger holds both versions.
	active := teams[:n-d.quiet]
	if d.ruleChange {
		if err := p.demoSchools(ctx, d, y, active[:len(active)/2], 0, by); err != nil {
			return err
		}
		if _, err := p.Catalogue.SetRule(ctx, audit.Actor{Name: by}, d.id, "m2-a1", Rule{Base: 35, WholeSchool: 20, Parents: 20, KS1: 10, KS2: 10}); err != nil {
			return err
		}
		if y, err = p.Catalogue.Year(ctx, d.id); err != nil {
			return err
		}
		err = p.demoSchools(ctx, d, y, active[len(active)/2:], len(active)/2, by)
	} else {
		err = p.demoSchools(ctx, d, y, active, 0, by)
	}
	if err != nil {
		return err
	}
	if d.close {
		if _, err := p.Catalogue.Move(ctx, audit.Actor{Name: by}, d.id, "close"); err != nil {
			return err
		}
	}
	return nil
}

// demoAudiences varies who demo activities reached.
func demoAudiences(k int) []string {
	switch k % 5 {
	case 0:
		return []string{AudienceWholeSchool, AudienceKS1, AudienceKS2}
	case 1:
		return []string{AudienceParents}
	case 2:
		return []string{AudienceKS1}
	case 3:
		return []string{AudienceParents, AudienceKS2}
	}
	return nil
}

// demoSchools logs schools' activities and nominations, a few schools at a time. first
// is the place of schools[0] among the year's schools, which fixes what each one logs.
func (p *Programme) demoSchools(ctx context.Context, d demoYear, y Year, schools []Team, first int, by string) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		slots    = make(chan struct{}, 3)
	)
	for n, t := range schools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			if err := p.demoSchool(ctx, d, y, t, first+n, by); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// demoSchool logs the i-th school's activities and nominations.
func (p *Programme) demoSchool(ctx context.Context, d demoYear, y Year, t Team, i int, by string) error {
	var types []string
	for _, m := range y.Missions {
		for _, a := range m.Activities {
			types = append(types, a.ID)
		}
	}
	start, _ := strconv.Atoi(d.id[:4])
	count := 1 + (i*7)%d.perSchool
	for k := range count {
		typ := types[(i*3+k*5)%len(types)]
		_, mt, _ := y.ActivityType(typ)
		in := ActivityInput{Type: typ, Date: time.Date(start, time.November, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*11+k*29)%230).Format(time.DateOnly),
			Audiences: demoAudiences(i + k), Reach: 20 + (i*37+k*53)%300, Description: mt.Title + " (demo)"}
		if (i+k)%3 == 0 {
			in.WholeTeam = true
		} else {
			for _, j := range t.Active()[:min(2, len(t.Active()))] {
				in.JOSOs = append(in.JOSOs, j.ID)
			}
		}
		last := k == count-1
		submit := !last || i >= d.drafts
		a, err := p.Activities.Save(ctx, audit.Actor{Name: DemoTeacher(t.URN)}, t.ID, "", 0, in, submit)
		if err != nil {
			return err
		}
		if !submit || (last && i >= d.drafts && i < d.drafts+d.pending) {
			continue
		}
		if _, _, err := p.Ledger.Approve(ctx, audit.Actor{Name: by}, a.ID); err != nil {
			return err
		}
	}
	for k, cat := range y.Categories[:1+i%3] {
		joso := ""
		if k > 0 || i%4 != 0 {
			joso = t.Active()[k%len(t.Active())].ID
		}
		t, err := p.Teams.Nominate(ctx, audit.Actor{Name: DemoTeacher(t.URN)}, t.ID, 0, cat, joso, "Led the school's "+[]string{"assemblies", "poster competition", "worry boxes"}[k]+" with great care")
		if err != nil {
			return err
		}
		decision := DecisionDeclined
		if i%2 == 0 || k == 0 {
			decision = DecisionAwarded
		}
		if i < 20 {
			if _, err = p.Teams.Decide(ctx, audit.Actor{Name: by}, t.ID, t.Nominations[len(t.Nominations)-1].ID, decision); err != nil {
				return err
			}
		}
	}
	return nil
}
