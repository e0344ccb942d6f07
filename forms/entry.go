package forms

import (
	"net/url"
	"strings"
	"time"
)

// Entry is what a governor typed into one section: each answer as typed, and what is
// wrong with those that are wrong. The domain decides from it what is kept and whether
// the section is complete.
type Entry struct {
	Answers map[string]Answer       // as typed, so a page can show them again
	Errors  map[string]*AnswerError // by question ID
	// Later is "Save and come back later": missing answers are not errors and the
	// section is not completed, but what is well formed is kept.
	Later bool
}

// ReadSection reads a section's answers from a submitted form. A question shown only for
// another answer is read only when that answer was given; otherwise it is cleared.
func ReadSection(sec Section, form url.Values, later bool, today time.Time) Entry {
	e := Entry{Answers: map[string]Answer{}, Errors: map[string]*AnswerError{}, Later: later}
	for _, q := range sec.Questions {
		if !sec.shown(q, e.Answers) {
			continue
		}
		if later {
			q.Required = false
		}
		a, err := ParseAnswer(q, form, today)
		e.Answers[q.ID] = a
		// A "partly" or "no" whose explanation is not written yet is unfinished, not
		// wrong: saved for later, it is kept and the section stays in progress.
		if err != nil && !(later && awaitsExplanation(q, a)) {
			e.Errors[q.ID] = err
		}
	}
	return e
}

// SectionValues are the form fields a section's page would post for answers in their
// stored form: what a test or a generator types into a section.
func SectionValues(sec Section, answers map[string]Answer) url.Values {
	form := url.Values{}
	for id, a := range answers {
		if q, ok := sec.question(id); ok && q.Kind == KindDate {
			if ymd := strings.SplitN(a.Value, "-", 3); len(ymd) == 3 {
				form.Set(Field(id, "-year"), ymd[0])
				form.Set(Field(id, "-month"), ymd[1])
				form.Set(Field(id, "-day"), ymd[2])
			}
			continue
		}
		form.Set(Field(id, ""), a.Value)
		for _, v := range a.Values {
			form.Add(Field(id, ""), v)
		}
		form.Set(Field(id, "-comment"), a.Comment)
	}
	return form
}

// Valid is the entry's answers that can be stored: the well-formed ones.
func (e Entry) Valid() map[string]Answer {
	out := map[string]Answer{}
	for id, a := range e.Answers {
		if e.Errors[id] == nil {
			out[id] = a
		}
	}
	return out
}

// Completes says whether the entry completes its section: the governor finished it
// ("Save and continue"), nothing typed is wrong, and every answer the section needs is
// given, with an explanation for each "partly" or "no".
func (e Entry) Completes(sec Section) bool {
	return !e.Later && len(e.Errors) == 0 && sec.Complete(e.Answers)
}

// Complete says whether answers complete a section: every required question that is
// shown is answered, and every "partly" or "no" is explained.
func (sec Section) Complete(answers map[string]Answer) bool {
	for _, q := range sec.Questions {
		if !sec.shown(q, answers) {
			continue
		}
		a := answers[q.ID]
		if q.Required && a.Empty() || awaitsExplanation(q, a) {
			return false
		}
	}
	return true
}

// shown says whether a question is asked, given the answers to the questions before it.
func (sec Section) shown(q Question, answers map[string]Answer) bool {
	c := q.ShowIf
	return c == nil || answers[c.Question].Value == c.Equals
}

func (sec Section) question(id string) (Question, bool) {
	for _, q := range sec.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// awaitsExplanation says whether a yes/partly/no answer is "partly" or "no" with no
// explanation yet.
func awaitsExplanation(q Question, a Answer) bool {
	return q.Kind == KindYesPartlyNo && a.Value != "" && a.Value != "yes" && a.Comment == ""
}
