package missions

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/text"
)

// Team is a school taking part in a programme year: its link teacher, its JOSOs with
// their attendance, and its celebration nominations. It is one document, changed under
// its version number, so two people editing the team at once cannot overwrite each other.
type Team struct {
	ID          string       `bson:"_id"` // year:URN
	Year        string       `bson:"year"`
	URN         int          `bson:"urn"`
	School      string       `bson:"school"`
	Teacher     string       `bson:"teacher"` // the link teacher's email, lower case
	TeacherName string       `bson:"teacher_name"`
	Enrolled    time.Time    `bson:"enrolled"`
	Invited     time.Time    `bson:"invited,omitempty"`
	JOSOs       []JOSO       `bson:"josos"`
	Nominations []Nomination `bson:"nominations"`
	NextID      int          `bson:"next_id"`
	Version     int          `bson:"version"`
}

// JOSO is a Junior Online Safety Officer: a display name and consent flags, and the
// sessions attended. Nothing else about a child is held.
type JOSO struct {
	ID         string   `bson:"id"`
	Name       string   `bson:"name"` // first name and surname initial
	Withdrawn  bool     `bson:"withdrawn"`
	Consent    Consent  `bson:"consent"`
	Attended   []string `bson:"attended"` // session IDs
	Anonymised bool     `bson:"anonymised,omitempty"`
}

// Consent is what the school has agreed may be done with a JOSO's name and image.
type Consent struct {
	Certificate bool `bson:"certificate"` // name on a certificate
	Celebration bool `bson:"celebration"` // name shown at the celebration
	Photos      bool `bson:"photos"`      // off unless the school says so
}

// JOSO statuses: nominated until trained.
const (
	StatusNominated = "nominated"
	StatusTrained   = "trained"
	StatusWithdrawn = "withdrawn"
)

// Trained says whether the JOSO attended both taught sessions (a catch-up counts as the
// session it repeats).
func (j JOSO) Trained(y Year) bool {
	var one, two bool
	for _, id := range j.Attended {
		s, ok := y.Session(id)
		if !ok {
			continue
		}
		one = one || s.Kind == SessionTaught1
		two = two || s.Kind == SessionTaught2
	}
	return one && two
}

// Nameable says whether the JOSO can be named as taking part in an activity: XP goes only
// to JOSOs who are trained and have not withdrawn.
func (j JOSO) Nameable(y Year) bool { return !j.Withdrawn && j.Trained(y) }

// Status is the JOSO's status in words the brief uses.
func (j JOSO) Status(y Year) string {
	switch {
	case j.Withdrawn:
		return StatusWithdrawn
	case j.Trained(y):
		return StatusTrained
	}
	return StatusNominated
}

// Trained counts the team's trained JOSOs who have not withdrawn.
func (t Team) Trained(y Year) int {
	n := 0
	for _, j := range t.JOSOs {
		if !j.Withdrawn && j.Trained(y) {
			n++
		}
	}
	return n
}

// Released says whether the school's missions are open: at least one JOSO trained.
func (t Team) Released(y Year) bool { return t.Trained(y) > 0 }

// Active are the JOSOs who have not withdrawn.
func (t Team) Active() []JOSO {
	return slices.DeleteFunc(slices.Clone(t.JOSOs), func(j JOSO) bool { return j.Withdrawn })
}

// JOSO finds a JOSO of the team.
func (t Team) JOSO(id string) (JOSO, bool) {
	i := slices.IndexFunc(t.JOSOs, func(j JOSO) bool { return j.ID == id })
	if i < 0 {
		return JOSO{}, false
	}
	return t.JOSOs[i], true
}

// TeamID is the key of a school's team in a year.
func TeamID(year string, urn int) string { return year + ":" + strconv.Itoa(urn) }

// SplitTeamID reads a team key back.
func SplitTeamID(id string) (string, int, bool) {
	year, u, ok := strings.Cut(id, ":")
	urn, err := strconv.Atoi(u)
	return year, urn, ok && err == nil && urn > 0
}

// SchoolRef is what enrolment needs of a school in the register.
type SchoolRef struct {
	URN  int
	Name string
}

// Teams is the schools taking part in each year: their link teachers, their JOSOs and
// the JOSOs' attendance at training.
type Teams struct {
	years yearStore
	teams teamStore
	log   Auditor
	cfg   Config // the partnership's name, on certificates
}

// Enrol adds a school to a year with its link teacher. Enrolling again changes the link
// teacher (a new teacher's sign-in then replaces the old one's).
func (ts *Teams) Enrol(ctx context.Context, by audit.Actor, year string, s SchoolRef, teacherEmail, teacherName string) (Team, error) {
	email, teacherName, err := checkTeacher(teacherEmail, teacherName)
	if err != nil {
		return Team{}, err
	}
	y, err := ts.years.get(ctx, year)
	if err != nil {
		return Team{}, err
	}
	if !y.Changeable() {
		return Team{}, ErrYearState
	}
	id := TeamID(year, s.URN)
	t := Team{ID: id, Year: year, URN: s.URN, School: s.Name, Teacher: email, TeacherName: teacherName,
		Enrolled: time.Now().UTC(), JOSOs: []JOSO{}, Nominations: []Nomination{}, NextID: 1, Version: 1}
	err = ts.teams.insert(ctx, t)
	if errors.Is(err, errExists) {
		t, err = ts.teams.update(ctx, id, 0, func(t *Team) error {
			t.Teacher, t.TeacherName = email, teacherName
			return nil
		})
	}
	if err != nil {
		return Team{}, err
	}
	record(ctx, ts.log, by, audit.ActionJOSOEnrolled, t.ID, t.Teacher)
	return t, nil
}

// checkTeacher checks a link teacher's email address and name as typed, naming the field
// each problem is in, and returns them as a team holds them.
func checkTeacher(email, name string) (string, string, error) {
	var errs ValidationErrors
	email, err := normalised(email)
	if err != nil {
		errs = append(errs, FieldError{Field: "email", Message: err.Error(), Err: ErrInvalid})
	}
	name = text.Line(name)
	if name == "" || !text.Fits(name, 80) {
		errs = append(errs, FieldError{Field: "name", Message: "give the link teacher's name (up to 80 characters)", Err: ErrInvalid})
	}
	if len(errs) > 0 {
		return "", "", errs
	}
	return email, name, nil
}

// Team reads a school's team.
func (ts *Teams) Team(ctx context.Context, id string) (Team, error) { return ts.teams.get(ctx, id) }

// OfYear lists the schools taking part in a year, by school name.
func (ts *Teams) OfYear(ctx context.Context, year string) ([]Team, error) {
	return ts.teams.ofYear(ctx, year)
}

// displayName accepts a first name and surname initial, like "Amira K" or "Amira K.".
var displayName = regexp.MustCompile(`^[\p{L}][\p{L}'\- ]{0,29} \p{Lu}\.?$`)

// CheckDisplayName refuses anything but a first name and a surname initial, so a full
// name never reaches the store.
func CheckDisplayName(name string) (string, error) {
	name = text.Line(name)
	if !displayName.MatchString(name) {
		return "", fmt.Errorf("%w: enter the first name and surname initial only, like Amira K", ErrInvalid)
	}
	return strings.TrimSuffix(name, "."), nil
}

// checkNameFree refuses a display name another JOSO of the team (withdrawn or not) has,
// ignoring case and spaces, so the link teacher, certificates and the celebration can
// always tell two JOSOs apart. except is the JOSO being renamed.
func (t Team) checkNameFree(name, except string) error {
	key := nameKey(name)
	for _, j := range t.JOSOs {
		if j.ID != except && nameKey(j.Name) == key {
			return &DuplicateNameError{Name: j.Name}
		}
	}
	return nil
}

// DuplicateNameError is a refusal of a name another JOSO of the team has.
type DuplicateNameError struct {
	Name string // the other JOSO's name as held
}

func (e *DuplicateNameError) Error() string { return fmt.Sprintf("%v: %s", ErrDuplicateName, e.Name) }

func (e *DuplicateNameError) Unwrap() error { return ErrDuplicateName }

func nameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), "")) }

// AddJOSO adds a JOSO to a team. Photo consent starts off.
func (ts *Teams) AddJOSO(ctx context.Context, by audit.Actor, team string, version int, name string, c Consent) (Team, JOSO, error) {
	name, err := CheckDisplayName(name)
	if err != nil {
		return Team{}, JOSO{}, err
	}
	var j JOSO
	t, err := ts.teams.update(ctx, team, version, func(t *Team) error {
		if len(t.JOSOs) >= 40 {
			return fmt.Errorf("%w: a team has at most 40 JOSOs", ErrInvalid)
		}
		if err := t.checkNameFree(name, ""); err != nil {
			return err
		}
		j = JOSO{ID: "j" + strconv.Itoa(t.NextID), Name: name, Consent: c, Attended: []string{}}
		t.NextID++
		t.JOSOs = append(t.JOSOs, j)
		return nil
	})
	if err == nil {
		record(ctx, ts.log, by, audit.ActionJOSOTeam, team, "added "+j.ID)
	}
	return t, j, err
}

// JOSOChange is a change to one JOSO: a new name, consent, or withdrawal.
type JOSOChange struct {
	Name      string
	Consent   Consent
	Withdrawn bool
}

// ChangeJOSO renames a JOSO, sets their consent, or withdraws (or reinstates) them.
func (ts *Teams) ChangeJOSO(ctx context.Context, by audit.Actor, team string, version int, id string, ch JOSOChange) (Team, error) {
	name, err := CheckDisplayName(ch.Name)
	if err != nil {
		return Team{}, err
	}
	t, err := ts.teams.update(ctx, team, version, func(t *Team) error {
		i := slices.IndexFunc(t.JOSOs, func(j JOSO) bool { return j.ID == id })
		if i < 0 {
			return ErrNotFound
		}
		if t.JOSOs[i].Anonymised {
			return ErrYearState
		}
		if err := t.checkNameFree(name, id); err != nil {
			return err
		}
		t.JOSOs[i].Name, t.JOSOs[i].Consent, t.JOSOs[i].Withdrawn = name, ch.Consent, ch.Withdrawn
		return nil
	})
	if err == nil {
		record(ctx, ts.log, by, audit.ActionJOSOTeam, team, "changed "+id)
	}
	return t, err
}

// SetAttendance records who attended one session: attended lists JOSO IDs present.
func (ts *Teams) SetAttendance(ctx context.Context, by audit.Actor, team string, version int, session string, attended []string) (Team, error) {
	y, err := ts.years.ofTeam(ctx, team)
	if err != nil {
		return Team{}, err
	}
	if _, ok := y.Session(session); !ok {
		return Team{}, ErrNotFound
	}
	if !y.Changeable() {
		return Team{}, ErrYearState
	}
	t, err := ts.teams.update(ctx, team, version, func(t *Team) error { return t.attend(session, attended) })
	if err == nil {
		record(ctx, ts.log, by, audit.ActionJOSOAttendance, team, "session "+session)
	}
	return t, err
}

// attend marks who of the team attended a session, and that the others did not.
func (t *Team) attend(session string, attended []string) error {
	for _, id := range attended {
		if _, ok := t.JOSO(id); !ok {
			return fmt.Errorf("%w: no JOSO %q in this team", ErrInvalid, id)
		}
	}
	for i := range t.JOSOs {
		j := &t.JOSOs[i]
		j.Attended = slices.DeleteFunc(j.Attended, func(s string) bool { return s == session })
		if slices.Contains(attended, j.ID) {
			j.Attended = append(j.Attended, session)
		}
	}
	return nil
}

// OfTeacher lists the teams whose link teacher has this email, newest year first.
func (ts *Teams) OfTeacher(ctx context.Context, email string) ([]Team, error) {
	email, err := normalised(email)
	if err != nil {
		return nil, nil
	}
	return ts.teams.ofTeacher(ctx, email)
}

// normalised is an email address as teams hold it.
func normalised(email string) (string, error) { return text.NormaliseEmail(email) }
