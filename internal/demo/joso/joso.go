package joso

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/missions"
)

// The demo's figures are the partnership's: 28 schools and 97 trained JOSOs in 2022-23,
// 72 trained JOSOs (here in 22 schools) in 2021-22.
const (
	Schools2223 = 28
	Trained2223 = 97
	Schools2122 = 22
	Trained2122 = 72
)

var firstNames = []string{"Amira", "Ben", "Cara", "Dev", "Ella", "Finn", "Grace", "Harry", "Isla", "Jay", "Kai", "Lily", "Mo",
	"Nia", "Oscar", "Poppy", "Rhys", "Sana", "Theo", "Uma", "Vik", "Willow", "Yusuf", "Zara"}

// Teacher is the demo link teacher's email for a school.
func Teacher(urn int) string { return "joso.lead." + strconv.Itoa(urn) + "@schools.example.org" }

// yearSpec describes one demo programme year.
type yearSpec struct {
	id              string
	trained         int  // JOSOs trained, spread over the schools (the first ones get one more)
	untrained, gone int  // JOSOs who missed a taught session, and who withdrew
	quiet           int  // schools (the last ones) with no activity
	pending, drafts int  // schools (the first ones) with an activity waiting for approval, and with a draft
	perSchool       int  // a school logs 1 to perSchool activities
	close           bool // close the year once loaded
	ruleChange      bool // raise the Safer Internet Day rule half way through
}

// Load loads programme years 2021-22 (closed, and anonymised if its date has passed) and
// 2022-23 (live) for the given primary schools, through the same calls people make, so
// the ledger, totals and figures are as real use leaves them.
func Load(ctx context.Context, p *missions.Programme, schools []missions.SchoolRef, by string, today string) error {
	if len(schools) < Schools2223 {
		return fmt.Errorf("joso: the demo needs %d schools, the register has %d", Schools2223, len(schools))
	}
	years := []struct {
		d       yearSpec
		schools []missions.SchoolRef
	}{
		{yearSpec{id: "2021-22", trained: Trained2122, untrained: 4, gone: 1, quiet: 2, perSchool: 3, close: true}, schools[3 : 3+Schools2122]},
		{yearSpec{id: "2022-23", trained: Trained2223, untrained: 6, gone: 2, quiet: 3, pending: 5, drafts: 2, perSchool: 5, ruleChange: true}, schools[:Schools2223]},
	}
	p = p.WithoutAudit() // the demo's history is made up: the audit log records only its loading
	for _, y := range years {
		if err := loadYear(ctx, p, y.d, y.schools, by); err != nil {
			return fmt.Errorf("joso: demo year %s: %w", y.d.id, err)
		}
	}
	_, err := p.Anonymiser.Due(ctx, today)
	return err
}

// loadYear sets up one programme year: its schools enrolled with their JOSOs, then open,
// activities logged and approved, and closed if d says so.
func loadYear(ctx context.Context, p *missions.Programme, d yearSpec, schools []missions.SchoolRef, by string) error {
	if _, err := p.Catalogue.Create(ctx, audit.Actor{Name: by}, d.id); err != nil {
		return err
	}
	n := len(schools)
	teams := make([]missions.Team, n)
	// Link teachers set up their teams in parallel, as they would.
	err := inParallel(n, func(i int) error {
		s := schools[i]
		t, err := p.Teams.Enrol(ctx, audit.Actor{Name: by}, d.id, s, Teacher(s.URN), firstNames[(i+7)%len(firstNames)]+" Teacher")
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
		teams[i], err = josos(ctx, p, by, t, i, trained, untrained, gone)
		return err
	})
	if err != nil {
		return err
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
		if err := schoolsLog(ctx, p, d, y, active[:len(active)/2], 0, by); err != nil {
			return err
		}
		if _, err := p.Catalogue.SetRule(ctx, audit.Actor{Name: by}, d.id, "m2-a1", missions.Rule{Base: 35, WholeSchool: 20, Parents: 20, KS1: 10, KS2: 10}); err != nil {
			return err
		}
		if y, err = p.Catalogue.Year(ctx, d.id); err != nil {
			return err
		}
		err = schoolsLog(ctx, p, d, y, active[len(active)/2:], len(active)/2, by)
	} else {
		err = schoolsLog(ctx, p, d, y, active, 0, by)
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

// josos gives the i-th school's team its JOSOs, through the calls a link teacher makes:
// each added, the register of each training session taken, and the ones who left
// withdrawn. All attend the first session; the trained attend the second (some at its
// catch-up) and the review; the untrained miss the rest; the withdrawn left after the
// second session.
func josos(ctx context.Context, p *missions.Programme, by string, t missions.Team, i, trained, untrained, gone int) (missions.Team, error) {
	actor := audit.Actor{Name: by}
	attended := map[string][]string{}
	var withdrawn []missions.JOSO
	for k := range trained + untrained + gone {
		name := firstNames[(i*5+k)%len(firstNames)] + " " + string(rune('A'+(i+k*3)%26))
		var (
			j   missions.JOSO
			err error
		)
		t, j, err = p.Teams.AddJOSO(ctx, actor, t.ID, t.Version, name, missions.Consent{Certificate: k%5 != 4, Celebration: k%4 != 3})
		if err != nil {
			return t, err
		}
		sessions := []string{"s1"}
		switch {
		case k < trained && (i+k)%6 == 0:
			sessions = append(sessions, "s3", "s4") // caught up on the second session
		case k < trained:
			sessions = append(sessions, "s2", "s4")
		case k >= trained+untrained:
			sessions = append(sessions, "s2")
			withdrawn = append(withdrawn, j)
		}
		for _, s := range sessions {
			attended[s] = append(attended[s], j.ID)
		}
	}
	// In session order, so each JOSO's sessions are listed in the order they were held.
	for _, s := range slices.Sorted(maps.Keys(attended)) {
		var err error
		if t, err = p.Teams.SetAttendance(ctx, actor, t.ID, t.Version, s, attended[s]); err != nil {
			return t, err
		}
	}
	for _, j := range withdrawn {
		var err error
		if t, err = p.Teams.ChangeJOSO(ctx, actor, t.ID, t.Version, j.ID, missions.JOSOChange{Name: j.Name, Consent: j.Consent, Withdrawn: true}); err != nil {
			return t, err
		}
	}
	return t, nil
}

// audiences varies who demo activities reached.
func audiences(k int) []string {
	switch k % 5 {
	case 0:
		return []string{missions.AudienceWholeSchool, missions.AudienceKS1, missions.AudienceKS2}
	case 1:
		return []string{missions.AudienceParents}
	case 2:
		return []string{missions.AudienceKS1}
	case 3:
		return []string{missions.AudienceParents, missions.AudienceKS2}
	}
	return nil
}

// schoolsLog logs schools' activities and nominations. first is the place of schools[0]
// among the year's schools, which fixes what each one logs.
func schoolsLog(ctx context.Context, p *missions.Programme, d yearSpec, y missions.Year, schools []missions.Team, first int, by string) error {
	return inParallel(len(schools), func(n int) error { return schoolLog(ctx, p, d, y, schools[n], first+n, by) })
}

// inParallel runs fn for 0 to n-1, three at a time (the store is one process's, and
// more at once only queue), and returns the first error.
func inParallel(n int, fn func(i int) error) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		slots    = make(chan struct{}, 3)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			if err := fn(i); err != nil {
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

// schoolLog logs the i-th school's activities and nominations.
func schoolLog(ctx context.Context, p *missions.Programme, d yearSpec, y missions.Year, t missions.Team, i int, by string) error {
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
		in := missions.ActivityInput{Type: typ, Date: time.Date(start, time.November, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*11+k*29)%230).Format(time.DateOnly),
			Audiences: audiences(i + k), Reach: 20 + (i*37+k*53)%300, Description: mt.Title + " (demo)"}
		if (i+k)%3 == 0 {
			in.WholeTeam = true
		} else {
			for _, j := range t.Active()[:min(2, len(t.Active()))] {
				in.JOSOs = append(in.JOSOs, j.ID)
			}
		}
		last := k == count-1
		submit := !last || i >= d.drafts
		a, err := p.Activities.Save(ctx, audit.Actor{Name: Teacher(t.URN)}, t.ID, "", 0, in, submit)
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
		t, err := p.Teams.Nominate(ctx, audit.Actor{Name: Teacher(t.URN)}, t.ID, 0, cat, joso, "Led the school's "+[]string{"assemblies", "poster competition", "worry boxes"}[k]+" with great care")
		if err != nil {
			return err
		}
		decision := missions.DecisionDeclined
		if i%2 == 0 || k == 0 {
			decision = missions.DecisionAwarded
		}
		if i < 20 {
			if _, err = p.Teams.Decide(ctx, audit.Actor{Name: by}, t.ID, t.Nominations[len(t.Nominations)-1].ID, decision); err != nil {
				return err
			}
		}
	}
	return nil
}
