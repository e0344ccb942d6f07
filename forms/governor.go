package forms

import (
	"slices"
	"strings"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/problem"
)

// The rules of a governor's journey through a return, as pure functions of the round and
// the return: which sections the school is asked, which one is signed, whether the return
// can still be changed, and what a section's status is. Handlers and the services both
// read them here, so a rule changes in one place.

// SaveMode is how a governor leaves a section's page.
type SaveMode int

const (
	// SaveAndContinue needs every answer the section requires and completes it.
	SaveAndContinue SaveMode = iota
	// SaveForLater ("Save and come back later") keeps whatever is well formed; missing
	// answers are not errors and the section stays in progress.
	SaveForLater
)

// ErrSectionNotFound is a section the school is not asked, or the declaration asked for
// as if it were a section of questions (it is signed on the submit page).
var ErrSectionNotFound = problem.New(problem.NotFound, "no such section in this school's return")

// Sections are the sections a return's school is asked in the round, the declaration last.
func (r Round) Sections(ret Return) []Section { return r.Definition.For(ret.School.Record) }

// QuestionSections are the sections answered before the declaration.
func QuestionSections(sections []Section) []Section {
	return slices.DeleteFunc(slices.Clone(sections), isDeclaration)
}

// QuestionSection is one of the sections a return's school answers before the
// declaration; the declaration itself is not one.
func (r Round) QuestionSection(ret Return, id string) (Section, bool) {
	for _, sec := range QuestionSections(r.Sections(ret)) {
		if sec.ID == id {
			return sec, true
		}
	}
	return Section{}, false
}

// DeclarationSection is the section the signatory signs: the one with the declaration.
func DeclarationSection(sections []Section) (Section, bool) {
	if i := slices.IndexFunc(sections, isDeclaration); i >= 0 {
		return sections[i], true
	}
	return Section{}, false
}

func isDeclaration(sec Section) bool {
	return slices.ContainsFunc(sec.Questions, func(q Question) bool { return q.Kind == KindDeclaration })
}

// OpenForChanges says whether the governor may still change the return: it is editable
// and its round open (a late submission is allowed until the round closes).
func (r Round) OpenForChanges(ret Return) bool { return ret.Editable() && r.State == RoundOpen }

// Section statuses, as the task list shows them.
const (
	SectionNotStarted = "Not started"
	SectionInProgress = "In progress"
	SectionCompleted  = "Completed"
)

// SectionStatus says how far the governor has got with a section: completed, in progress
// (something answered, or carried from last year and not yet confirmed) or not started.
func (ret Return) SectionStatus(sec Section) string {
	if ret.completed(sec) {
		return SectionCompleted
	}
	for _, a := range ret.Answers {
		if slices.ContainsFunc(sec.Questions, func(q Question) bool { return q.ID == a.Question }) {
			return SectionInProgress
		}
	}
	return SectionNotStarted
}

// FirstIncomplete is the first of the sections the return has not completed: what stops
// it being submitted. ok is false when every one is complete.
func (ret Return) FirstIncomplete(sections []Section) (Section, bool) {
	for _, sec := range sections {
		if !ret.completed(sec) {
			return sec, true
		}
	}
	return Section{}, false
}

// completed says whether a section is complete: saved complete, with no answer carried
// from last year still to confirm.
func (ret Return) completed(sec Section) bool {
	return slices.Contains(ret.Completed, sec.ID) && len(ret.CarriedIn(sec)) == 0
}

// ParseReturnID reads a return's ID ("2024-25:120001"), refusing anything that is not an
// academic year and a positive URN.
func ParseReturnID(id string) (ReturnID, bool) {
	year, digits, ok := strings.Cut(id, ":")
	if !ok || academic.CheckYear(year) != nil {
		return ReturnID{}, false
	}
	n := 0
	for _, ch := range digits {
		if ch < '0' || ch > '9' || n > 1e8 {
			return ReturnID{}, false
		}
		n = n*10 + int(ch-'0')
	}
	if n == 0 {
		return ReturnID{}, false
	}
	return ReturnID{Round: year, URN: n}, true
}

// InvalidEntry says what is wrong with what a governor typed into a section, question by
// question (an Invalid problem: its Unwrap is the field errors). What was well formed has
// been kept (or, for a declaration, nothing was done).
type InvalidEntry struct {
	Section Section
	Entry   Entry
}

func (e *InvalidEntry) Error() string { return "the answers have errors: " + e.Fields().Error() }

// Kind is Invalid.
func (e *InvalidEntry) Kind() problem.Kind { return problem.Invalid }

// Unwrap gives the field errors, so errors.As finds them as problem.FieldErrors.
func (e *InvalidEntry) Unwrap() error { return e.Fields() }

// Fields lists the errors in the order of the section's questions, each message naming
// its question, for a page's error summary.
func (e *InvalidEntry) Fields() problem.FieldErrors {
	var list problem.FieldErrors
	for _, q := range e.Section.Questions {
		if err := e.Entry.Errors[q.ID]; err != nil {
			list = append(list, problem.FieldError{Field: err.Field, Message: err.Message + ": " + strings.TrimSuffix(q.Text, "?")})
		}
	}
	return list
}
