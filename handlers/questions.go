package handlers

import (
	"slices"
	"strings"

	"github.com/lscp/assure/forms"
)

// QuestionView is a question as its template draws it: the answer as typed, its error,
// and for choice questions the choices, each with the questions it reveals.
type QuestionView struct {
	Q                forms.Question
	Answer           forms.Answer
	Day, Month, Year string
	Error            *forms.AnswerError
	Choices          []ChoiceView
	// Carried marks an answer from last year not yet confirmed (forms' carry forward).
	Carried bool
}

// ChoiceView is one radio or checkbox.
type ChoiceView struct {
	Value, Text string
	Checked     bool
	Reveals     []QuestionView // questions shown when this choice is picked
}

// DatePart is the day, month or year as typed, for a date input.
func (q QuestionView) DatePart(part string) string {
	switch part {
	case "day":
		return q.Day
	case "month":
		return q.Month
	}
	return q.Year
}

// Is tests a question's kind, for templates.
func (q QuestionView) Is(kind string) bool { return string(q.Q.Kind) == kind }

// Described lists the ids a field's aria-describedby names.
func (q QuestionView) Described(field string) string {
	var ids []string
	if q.Q.Hint != "" {
		ids = append(ids, q.Q.ID+"-hint")
	}
	if q.Error != nil && q.Error.Field == field {
		ids = append(ids, field+"-error")
	}
	return strings.Join(ids, " ")
}

// ErrorFor gives the error message if it belongs to this field.
func (q QuestionView) ErrorFor(field string) string {
	if q.Error != nil && q.Error.Field == field {
		return q.Error.Message
	}
	return ""
}

// questionViews builds a section's views from answers (stored or as typed) and errors.
// A question shown only for one answer of an earlier question is drawn inside that
// choice, as GOV.UK conditional reveals: visible without JavaScript, revealed with it.
func questionViews(sec forms.Section, answers map[string]forms.Answer, errs map[string]*forms.AnswerError) []QuestionView {
	children := map[string][]forms.Question{}
	for _, q := range sec.Questions {
		if q.ShowIf != nil {
			children[q.ShowIf.Question] = append(children[q.ShowIf.Question], q)
		}
	}
	var build func(q forms.Question) QuestionView
	build = func(q forms.Question) QuestionView {
		a := answers[q.ID]
		v := QuestionView{Q: q, Answer: a, Error: errs[q.ID]}
		if q.Kind == forms.KindDate && a.Value != "" {
			sep := "-"
			if strings.Contains(a.Value, "/") {
				sep = "/"
			}
			parts := strings.SplitN(a.Value, sep, 3)
			if len(parts) == 3 {
				if sep == "-" {
					v.Day, v.Month, v.Year = strings.TrimLeft(parts[2], "0"), strings.TrimLeft(parts[1], "0"), parts[0]
				} else {
					v.Day, v.Month, v.Year = parts[0], parts[1], parts[2]
				}
			}
		}
		var values []forms.Choice
		switch q.Kind {
		case forms.KindYesNo:
			values = []forms.Choice{{Value: "yes", Text: "Yes"}, {Value: "no", Text: "No"}}
		case forms.KindYesPartlyNo:
			values = []forms.Choice{{Value: "yes", Text: "Yes"}, {Value: "partly", Text: "Partly"}, {Value: "no", Text: "No"}}
		case forms.KindOneOf, forms.KindManyOf:
			values = q.Choices
		}
		for _, c := range values {
			cv := ChoiceView{Value: c.Value, Text: c.Text, Checked: a.Value == c.Value || slices.Contains(a.Values, c.Value)}
			for _, child := range children[q.ID] {
				if child.ShowIf.Equals == c.Value {
					cv.Reveals = append(cv.Reveals, build(child))
				}
			}
			v.Choices = append(v.Choices, cv)
		}
		return v
	}
	var out []QuestionView
	for _, q := range sec.Questions {
		if q.ShowIf == nil {
			out = append(out, build(q))
		}
	}
	return out
}

// fieldErrorsOf lists an entry's errors, as forms orders and words them, for the error summary.
func fieldErrorsOf(e *forms.InvalidEntry) []FieldError {
	var list []FieldError
	for _, f := range e.Fields() {
		list = append(list, FieldError{Field: f.Field, Message: f.Message})
	}
	return list
}

// markCarried marks the views (and those their choices reveal) whose answers were carried
// from last year and are not yet confirmed.
func markCarried(views []QuestionView, carried map[string]bool) {
	for i := range views {
		views[i].Carried = carried[views[i].Q.ID]
		for j := range views[i].Choices {
			markCarried(views[i].Choices[j].Reveals, carried)
		}
	}
}

// answerLabel is an answer in words, for check-your-answers pages and the receipt.
func answerLabel(q forms.Question, a forms.Answer) string { return forms.AnswerText(q, a) }
