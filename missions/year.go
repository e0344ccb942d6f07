package missions

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
)

// Programme year states: set up, running, over (no new XP), and put away.
const (
	YearSetup    = "setup"
	YearLive     = "live"
	YearClosed   = "closed"
	YearArchived = "archived"
)

// Errors a caller can show.
var (
	ErrYearNotFound = problem.New(problem.NotFound, "no programme year with that name")
	ErrYearExists   = problem.New(problem.WrongState, "that programme year already exists")
	ErrYearState    = problem.New(problem.WrongState, "the programme year is not in a state that allows this")
	ErrYearClosed   = problem.New(problem.WrongState, "the programme year is closed: it accepts no new XP")
	ErrConflict     = problem.New(problem.Conflict, "someone else changed this in the meantime: look again and retry")
	ErrNotFound     = problem.New(problem.NotFound, "not found")
	ErrInvalid      = problem.New(problem.Invalid, "not valid")
	ErrReasonNeeded = problem.New(problem.Invalid, "give a reason")
	ErrUnknownRule  = problem.New(problem.Invalid, "no such activity in this year's missions")
	ErrNotReleased  = problem.New(problem.WrongState, "missions open once at least one JOSO has attended both taught sessions")
	ErrNotEditable  = problem.New(problem.WrongState, "this activity can no longer be changed")
	// Who took part in an activity: the whole team, or named JOSOs who have been trained.
	ErrWholeTeamAndNamed = problem.New(problem.Invalid, "choose the whole team or the JOSOs who took part, not both")
	ErrUntrained         = problem.New(problem.Invalid, "only JOSOs who have attended both taught sessions can be named")
	ErrDateOutsideYear   = problem.New(problem.Invalid, "the date is outside the programme year")
	ErrDuplicateName     = problem.New(problem.Invalid, "there is already a JOSO with that name in this school's team")
	// A training session with attendance stays; removing any other is confirmed first.
	ErrSessionAttended    = problem.New(problem.WrongState, "a session with attendance recorded cannot be removed")
	ErrRemovalUnconfirmed = problem.New(problem.WrongState, "removing a session needs confirming")
)

// SessionAttendedError is a refusal to remove a session some JOSOs attended.
type SessionAttendedError struct {
	Session Session
	JOSOs   int // how many JOSOs' attendance is recorded for it, over every school
}

func (e *SessionAttendedError) Error() string {
	return fmt.Sprintf("%q cannot be removed: attendance is recorded for it (%d JOSOs)", e.Session.Title, e.JOSOs)
}

func (e *SessionAttendedError) Unwrap() error { return ErrSessionAttended }

// RemovalError says which sessions a change would remove, for the person to confirm.
type RemovalError struct {
	Sessions []Session
}

func (e *RemovalError) Error() string {
	return fmt.Sprintf("%v: %d sessions", ErrRemovalUnconfirmed, len(e.Sessions))
}

func (e *RemovalError) Unwrap() error { return ErrRemovalUnconfirmed }

// Year is one programme year: its state, settings and catalogue. Changes to a year go
// through update, which checks the version the change was based on.
type Year struct {
	ID    string `bson:"_id"` // like 2022-23
	State string `bson:"state"`
	// AutoApprove approves a submitted activity at once instead of waiting for the partnership.
	AutoApprove bool        `bson:"auto_approve"`
	Areas       []Area      `bson:"areas"`
	Missions    []Mission   `bson:"missions"`
	Sessions    []Session   `bson:"sessions"`
	NextSession int         `bson:"next_session,omitempty"` // above every session ID the year has had, removed ones too
	Categories  []string    `bson:"categories"`
	AnonymiseOn string      `bson:"anonymise_on"` // yyyy-mm-dd: JOSO names and evidence go on this day once closed
	Anonymised  time.Time   `bson:"anonymised,omitempty"`
	Created     time.Time   `bson:"created"`
	Version     int         `bson:"version"`
	History     []YearEvent `bson:"history,omitempty"`
}

// YearEvent is one change of state, kept on the year.
type YearEvent struct {
	At    time.Time `bson:"at"`
	By    string    `bson:"by"`
	State string    `bson:"state"`
}

// Area is one of the partnership's mission areas and the strands it covers.
type Area struct {
	ID      string   `bson:"id"`
	Name    string   `bson:"name"`
	Strands []string `bson:"strands"`
}

// Mission is a task in an area, with the activities that earn XP for it.
type Mission struct {
	ID         string         `bson:"id"`
	Area       string         `bson:"area"`
	Title      string         `bson:"title"`
	Activities []ActivityType `bson:"activities"`
}

// ActivityType is one kind of activity and its XP rule's versions, oldest first.
type ActivityType struct {
	ID    string `bson:"id"`
	Title string `bson:"title"`
	Rules []Rule `bson:"rules"`
}

// Rule says what an activity earns. A change makes a new version; XP already awarded
// keeps the version it was awarded under.
type Rule struct {
	Version     int       `bson:"version"`
	Base        int       `bson:"base"`
	WholeSchool int       `bson:"whole_school"`
	Parents     int       `bson:"parents"`
	KS1         int       `bson:"ks1"`
	KS2         int       `bson:"ks2"`
	Cap         int       `bson:"cap,omitempty"` // most XP a school can earn from this activity in the year; 0: no cap
	Since       time.Time `bson:"since"`
	By          string    `bson:"by"`
}

// Bonus is the rule's bonus for reaching an audience.
func (r Rule) Bonus(audience string) int {
	switch audience {
	case AudienceWholeSchool:
		return r.WholeSchool
	case AudienceParents:
		return r.Parents
	case AudienceKS1:
		return r.KS1
	case AudienceKS2:
		return r.KS2
	}
	return 0
}

// Current is the rule in force.
func (a ActivityType) Current() Rule {
	if len(a.Rules) == 0 {
		return Rule{}
	}
	return a.Rules[len(a.Rules)-1]
}

// Session kinds: the two taught sessions and the group review.
const (
	SessionTaught1 = "taught-1"
	SessionTaught2 = "taught-2"
	SessionReview  = "review"
)

// Session is one scheduled training session. A catch-up session counts as the taught
// session of its kind.
type Session struct {
	ID      string `bson:"id"`
	Kind    string `bson:"kind"`
	Title   string `bson:"title"`
	Date    string `bson:"date"` // yyyy-mm-dd
	CatchUp bool   `bson:"catch_up"`
}

// SessionKindLabel names a session kind.
func SessionKindLabel(k string) string {
	switch k {
	case SessionTaught1:
		return "First taught session"
	case SessionTaught2:
		return "Second taught session"
	case SessionReview:
		return "Review session"
	}
	return k
}

// DefaultCategories are the celebration's award categories a year starts with.
var DefaultCategories = []string{"Brilliant Engagement", "Awesome Creativity", "Super Commitment"}

// Area returns an area of the year.
func (y Year) Area(id string) (Area, bool) {
	i := slices.IndexFunc(y.Areas, func(a Area) bool { return a.ID == id })
	if i < 0 {
		return Area{}, false
	}
	return y.Areas[i], true
}

// ActivityType finds an activity type of the year's missions, and its mission.
func (y Year) ActivityType(id string) (Mission, ActivityType, bool) {
	for _, m := range y.Missions {
		for _, a := range m.Activities {
			if a.ID == id {
				return m, a, true
			}
		}
	}
	return Mission{}, ActivityType{}, false
}

// Session returns a session of the year.
func (y Year) Session(id string) (Session, bool) {
	i := slices.IndexFunc(y.Sessions, func(s Session) bool { return s.ID == id })
	if i < 0 {
		return Session{}, false
	}
	return y.Sessions[i], true
}

// Dates are the first and last days of the programme year (yyyy-mm-dd): the school year,
// 1 September to 31 August.
func (y Year) Dates() (first, last string) {
	start, _ := strconv.Atoi(y.ID[:4])
	return fmt.Sprintf("%04d-09-01", start), fmt.Sprintf("%04d-08-31", start+1)
}

// Open says whether the year takes new XP (and nominations).
func (y Year) Open() bool { return y.State == YearLive }

// Changeable says whether the year's catalogue, sessions, schools, teams and attendance
// can still change: until it is closed.
func (y Year) Changeable() bool { return y.State == YearSetup || y.State == YearLive }

// nextState says which state each move leads to, from which.
var nextState = map[string][2]string{
	"open":    {YearSetup, YearLive},
	"close":   {YearLive, YearClosed},
	"reopen":  {YearClosed, YearLive},
	"archive": {YearClosed, YearArchived},
}

// Moves are the year's moves in the order pages offer them.
var Moves = []string{"open", "close", "reopen", "archive"}

// CanMove says whether the year can make a move (open, close, reopen, archive) now: from
// the state the move leads from, and never back to live once its names are anonymised.
func (y Year) CanMove(move string) error {
	st, ok := nextState[move]
	switch {
	case !ok:
		return fmt.Errorf("%w: no such change %q", ErrInvalid, move)
	case y.State != st[0]:
		return ErrYearState
	case move == "reopen" && !y.Anonymised.IsZero():
		return fmt.Errorf("%w: its names have been anonymised", ErrYearState)
	}
	return nil
}

// Catalogue is the programme's years: their state, settings, training sessions, mission
// areas, missions and XP rules.
type Catalogue struct {
	years yearStore
	teams teamStore
	log   Auditor
}

var dateOnly = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// checkDate accepts yyyy-mm-dd dates that exist.
func checkDate(s string) error {
	if !dateOnly.MatchString(s) {
		return fmt.Errorf("%w: enter the date as yyyy-mm-dd", ErrInvalid)
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("%w: %q is not a real date", ErrInvalid, s)
	}
	return nil
}

// DefaultAnonymiseOn is the end of the autumn term after the programme year: JOSOs' names
// are kept through the celebration and the following term's questions, then go.
func DefaultAnonymiseOn(year string) string {
	end, _ := strconv.Atoi(year[:4])
	return fmt.Sprintf("%d-12-31", end+1)
}

// Create makes a programme year in setup, starting from the latest year's catalogue,
// sessions' shape and categories (or the built-in catalogue for the first year).
func (c *Catalogue) Create(ctx context.Context, by audit.Actor, id string) (Year, error) {
	if err := academic.CheckYear(id); err != nil {
		return Year{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	now := time.Now().UTC()
	y := Year{ID: id, State: YearSetup, Categories: slices.Clone(DefaultCategories), AnonymiseOn: DefaultAnonymiseOn(id),
		Created: now, Version: 1, History: []YearEvent{{At: now, By: by.Name, State: YearSetup}}}
	years, err := c.years.list(ctx)
	if err != nil {
		return Year{}, err
	}
	if len(years) > 0 {
		last := years[0]
		y.Areas, y.Missions, y.Categories, y.AutoApprove = last.Areas, last.Missions, last.Categories, last.AutoApprove
	} else {
		y.Areas, y.Missions = StartingCatalogue(now, by.Name)
	}
	y.Sessions = defaultSessions(id)
	if err := c.years.insert(ctx, y); err != nil {
		return Year{}, err
	}
	record(ctx, c.log, by, audit.ActionJOSOYear, y.ID, "created")
	return y, nil
}

// defaultSessions are the usual autumn sessions: two taught, a catch-up, the review.
func defaultSessions(year string) []Session {
	start, _ := strconv.Atoi(year[:4])
	d := func(m time.Month, day int) string {
		return time.Date(start, m, day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	return []Session{
		{ID: "s1", Kind: SessionTaught1, Title: "Taught session 1: being a JOSO", Date: d(time.October, 5)},
		{ID: "s2", Kind: SessionTaught2, Title: "Taught session 2: missions and XP", Date: d(time.October, 19)},
		{ID: "s3", Kind: SessionTaught2, Title: "Catch-up for taught session 2", Date: d(time.November, 2), CatchUp: true},
		{ID: "s4", Kind: SessionReview, Title: "Group review session", Date: time.Date(start+1, time.February, 8, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)},
	}
}

// Year reads a programme year.
func (c *Catalogue) Year(ctx context.Context, id string) (Year, error) { return c.years.get(ctx, id) }

// Years lists programme years, newest first.
func (c *Catalogue) Years(ctx context.Context) ([]Year, error) { return c.years.list(ctx) }

// Move changes a year's state: open, close, reopen or archive.
func (c *Catalogue) Move(ctx context.Context, by audit.Actor, id, move string) (Year, error) {
	if _, ok := nextState[move]; !ok {
		return Year{}, fmt.Errorf("%w: no such change %q", ErrInvalid, move)
	}
	y, err := c.years.update(ctx, id, func(y *Year) error {
		if err := y.CanMove(move); err != nil {
			return err
		}
		y.State = nextState[move][1]
		y.History = append(y.History, YearEvent{At: time.Now().UTC(), By: by.Name, State: y.State})
		return nil
	})
	if err == nil {
		record(ctx, c.log, by, audit.ActionJOSOYear, id, move)
	}
	return y, err
}

// Settings are the year's choices an admin can change at any time before archiving.
type Settings struct {
	AutoApprove bool
	AnonymiseOn string
	Categories  []string
}

// SetSettings changes a year's settings.
func (c *Catalogue) SetSettings(ctx context.Context, by audit.Actor, id string, s Settings) (Year, error) {
	if err := checkDate(s.AnonymiseOn); err != nil {
		return Year{}, err
	}
	var cats []string
	for _, c := range s.Categories {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(cats, c) {
			if len(c) > 60 {
				return Year{}, fmt.Errorf("%w: a category name must be 60 characters or fewer", ErrInvalid)
			}
			cats = append(cats, c)
		}
	}
	if len(cats) == 0 {
		return Year{}, fmt.Errorf("%w: give at least one celebration category", ErrInvalid)
	}
	y, err := c.years.update(ctx, id, func(y *Year) error {
		if y.State == YearArchived {
			return ErrYearState
		}
		y.AutoApprove, y.AnonymiseOn, y.Categories = s.AutoApprove, s.AnonymiseOn, cats
		return nil
	})
	if err == nil {
		record(ctx, c.log, by, audit.ActionJOSOYear, id, fmt.Sprintf("settings: auto-approve %v, anonymise on %s", s.AutoApprove, s.AnonymiseOn))
	}
	return y, err
}

// SetSessions replaces the year's training schedule. A session keeps its ID, so
// attendance stays attached; a new session (no ID) gets the next free one. A session some
// JOSO attended cannot be removed (their trained status rests on it), and removing any
// other needs confirmed: without it the answer is a *RemovalError naming the sessions.
func (c *Catalogue) SetSessions(ctx context.Context, by audit.Actor, id string, sessions []Session, confirmed bool) (Year, error) {
	for _, s := range sessions {
		if strings.TrimSpace(s.Title) == "" {
			return Year{}, fmt.Errorf("%w: every session needs a title", ErrInvalid)
		}
		if s.Kind != SessionTaught1 && s.Kind != SessionTaught2 && s.Kind != SessionReview {
			return Year{}, fmt.Errorf("%w: unknown kind of session %q", ErrInvalid, s.Kind)
		}
		if err := checkDate(s.Date); err != nil {
			return Year{}, fmt.Errorf("%s: %w", s.Title, err)
		}
	}
	y, err := c.years.get(ctx, id)
	if err != nil {
		return Year{}, err
	}
	removed, err := y.removedBy(sessions)
	if err != nil {
		return Year{}, err
	}
	teams, err := c.teamsIfAny(ctx, id, removed)
	if err != nil {
		return Year{}, err
	}
	if err := checkUnattended(teams, removed); err != nil {
		return Year{}, err
	}
	if len(removed) > 0 && !confirmed {
		return Year{}, &RemovalError{Sessions: removed}
	}
	y, err = c.years.update(ctx, id, func(y *Year) error {
		if !y.Changeable() {
			return ErrYearState
		}
		// What was checked and confirmed must be what this change removes.
		if now, err := y.removedBy(sessions); err != nil || !slices.EqualFunc(now, removed, func(a, b Session) bool { return a.ID == b.ID }) {
			return ErrConflict
		}
		y.schedule(sessions)
		return nil
	})
	if err != nil {
		return y, err
	}
	detail := fmt.Sprintf("%d sessions", len(sessions))
	for _, r := range removed {
		detail += "; removed " + r.ID
	}
	record(ctx, c.log, by, audit.ActionJOSOCatalogue, id, detail)
	return y, nil
}

// schedule makes sessions the year's, giving each new one (no ID) an ID above every ID
// the year has had, so it never picks up the attendance of a session removed earlier
// (recorded in a race with its removal).
func (y *Year) schedule(sessions []Session) {
	next := max(y.NextSession, 1)
	for _, s := range y.Sessions {
		if n, err := strconv.Atoi(strings.TrimPrefix(s.ID, "s")); err == nil && n >= next {
			next = n + 1
		}
	}
	for i := range sessions {
		if sessions[i].ID == "" {
			sessions[i].ID = "s" + strconv.Itoa(next)
			next++
		}
	}
	y.Sessions, y.NextSession = sessions, next
}

// removedBy lists the year's sessions a new schedule leaves out. The schedule may name
// only the year's own sessions, each once (a new one has no ID yet).
func (y Year) removedBy(sessions []Session) ([]Session, error) {
	seen := map[string]bool{}
	for _, s := range sessions {
		if s.ID == "" {
			continue
		}
		if _, ok := y.Session(s.ID); !ok {
			return nil, fmt.Errorf("%w: no session %q in this year", ErrInvalid, s.ID)
		}
		if seen[s.ID] {
			return nil, fmt.Errorf("%w: a session is listed twice", ErrInvalid)
		}
		seen[s.ID] = true
	}
	var removed []Session
	for _, s := range y.Sessions {
		if !seen[s.ID] {
			removed = append(removed, s)
		}
	}
	return removed, nil
}

// teamsIfAny reads the year's teams when sessions are to be removed (nothing otherwise).
func (c *Catalogue) teamsIfAny(ctx context.Context, year string, removed []Session) ([]Team, error) {
	if len(removed) == 0 {
		return nil, nil
	}
	return c.teams.ofYear(ctx, year)
}

// checkUnattended refuses sessions some JOSO of the teams attended.
func checkUnattended(teams []Team, sessions []Session) error {
	for _, s := range sessions {
		n := 0
		for _, t := range teams {
			for _, j := range t.JOSOs {
				if slices.Contains(j.Attended, s.ID) {
					n++
				}
			}
		}
		if n > 0 {
			return &SessionAttendedError{Session: s, JOSOs: n}
		}
	}
	return nil
}

// SetAreaStrands maps one mission area onto strands (the year's own mapping).
func (c *Catalogue) SetAreaStrands(ctx context.Context, by audit.Actor, id, area string, strands []string) (Year, error) {
	for _, s := range strands {
		if StrandName(s) == "" {
			return Year{}, fmt.Errorf("%w: unknown strand %q", ErrInvalid, s)
		}
	}
	if len(strands) == 0 {
		return Year{}, fmt.Errorf("%w: an area must cover at least one strand", ErrInvalid)
	}
	y, err := c.years.update(ctx, id, func(y *Year) error {
		i := slices.IndexFunc(y.Areas, func(a Area) bool { return a.ID == area })
		if i < 0 {
			return ErrNotFound
		}
		y.Areas[i].Strands = strands
		return nil
	})
	if err == nil {
		record(ctx, c.log, by, audit.ActionJOSOCatalogue, id, "area "+area+" strands "+strings.Join(strands, ","))
	}
	return y, err
}

// SetRule makes a new version of an activity's XP rule. Entries already posted keep the
// version they name; only approvals from now on use the new one.
func (c *Catalogue) SetRule(ctx context.Context, by audit.Actor, id, activity string, r Rule) (Year, error) {
	for _, n := range []int{r.Base, r.WholeSchool, r.Parents, r.KS1, r.KS2, r.Cap} {
		if n < 0 || n > 1000 {
			return Year{}, fmt.Errorf("%w: points must be between 0 and 1000", ErrInvalid)
		}
	}
	y, err := c.years.update(ctx, id, func(y *Year) error {
		if !y.Changeable() {
			return ErrYearState
		}
		for mi := range y.Missions {
			for ai := range y.Missions[mi].Activities {
				a := &y.Missions[mi].Activities[ai]
				if a.ID != activity {
					continue
				}
				r.Version, r.Since, r.By = a.Current().Version+1, time.Now().UTC(), by.Name
				a.Rules = append(a.Rules, r)
				return nil
			}
		}
		return ErrUnknownRule
	})
	if err == nil {
		record(ctx, c.log, by, audit.ActionJOSOCatalogue, id, fmt.Sprintf("rule %s: base %d, whole school %d, parents %d, KS1 %d, KS2 %d, cap %d",
			activity, r.Base, r.WholeSchool, r.Parents, r.KS1, r.KS2, r.Cap))
	}
	return y, err
}

// AddMission adds a mission with one activity to an area.
func (c *Catalogue) AddMission(ctx context.Context, by audit.Actor, id, area, title, activity string, r Rule) (Year, error) {
	title, activity = strings.TrimSpace(title), strings.TrimSpace(activity)
	if title == "" || activity == "" || len(title) > 120 || len(activity) > 120 {
		return Year{}, fmt.Errorf("%w: give the mission and its first activity a title (up to 120 characters)", ErrInvalid)
	}
	y, err := c.years.update(ctx, id, func(y *Year) error {
		if !y.Changeable() {
			return ErrYearState
		}
		if _, ok := y.Area(area); !ok {
			return fmt.Errorf("%w: choose a mission area", ErrInvalid)
		}
		r.Version, r.Since, r.By = 1, time.Now().UTC(), by.Name
		y.addMission(area, title, activity, r)
		return nil
	})
	if err == nil {
		record(ctx, c.log, by, audit.ActionJOSOCatalogue, id, "mission "+title)
	}
	return y, err
}

// addMission appends a mission under the first free ID, with its first activity.
func (y *Year) addMission(area, title, activity string, r Rule) {
	n := len(y.Missions) + 1
	for slices.ContainsFunc(y.Missions, func(m Mission) bool { return m.ID == fmt.Sprintf("m%d", n) }) {
		n++
	}
	mid := fmt.Sprintf("m%d", n)
	y.Missions = append(y.Missions, Mission{ID: mid, Area: area, Title: title,
		Activities: []ActivityType{{ID: mid + "-a1", Title: activity, Rules: []Rule{r}}}})
}
