package forms

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/text"
)

// Answer is a governor's answer to one question, as stored in a return.
type Answer struct {
	Value   string   `bson:"value,omitempty" json:"value,omitempty"`     // yes/no/partly, yyyy-mm-dd, a number, text, a choice, "confirmed"
	Values  []string `bson:"values,omitempty" json:"values,omitempty"`   // many_of
	Comment string   `bson:"comment,omitempty" json:"comment,omitempty"` // yes_partly_no when not yes
}

// Empty says whether nothing was answered.
func (a Answer) Empty() bool { return a.Value == "" && len(a.Values) == 0 && a.Comment == "" }

// AnswerError says what is wrong with an answer: the form field to link to and a message
// in the GOV.UK style.
type AnswerError struct {
	Field   string
	Message string
}

func (e *AnswerError) Error() string { return e.Field + ": " + e.Message }

// Kind is Invalid: the governor can correct the answer.
func (e *AnswerError) Kind() problem.Kind { return problem.Invalid }

// Length limits for text answers.
const (
	MaxShortText = 200
	MaxLongText  = 5000
)

// Field names a question's form fields: the question ID, and for dates and comments a
// suffix ("-day", "-month", "-year", "-comment").
func Field(questionID, suffix string) string { return questionID + suffix }

// ParseAnswer reads a question's answer from submitted form values and checks it. It
// returns the answer as typed even when it is wrong, so the page can show it again.
func ParseAnswer(q Question, form url.Values, today time.Time) (Answer, *AnswerError) {
	// Text is cleaned as it enters: hidden and control characters go (text.Line), and
	// only explanations and long answers keep their line breaks (text.Lines).
	get := func(suffix string) string { return text.Line(form.Get(Field(q.ID, suffix))) }
	getLines := func(suffix string) string { return text.Lines(form.Get(Field(q.ID, suffix))) }
	fail := func(suffix, msg string) *AnswerError { return &AnswerError{Field: Field(q.ID, suffix), Message: msg} }
	var a Answer
	switch q.Kind {
	case KindYesNo, KindYesPartlyNo, KindOneOf:
		a.Value = get("")
		allowed := q.values()
		if a.Value == "" {
			if q.Required {
				return a, fail("", map[Kind]string{KindYesNo: "Select yes or no", KindYesPartlyNo: "Select yes, partly or no", KindOneOf: "Select an option"}[q.Kind])
			}
			return a, nil
		}
		if !slices.Contains(allowed, a.Value) {
			a.Value = ""
			return a, fail("", "Select one of the options")
		}
		if q.Kind == KindYesPartlyNo && a.Value != "yes" {
			a.Comment = getLines("-comment")
			if a.Comment == "" {
				return a, fail("-comment", "Explain why the answer is not yes")
			}
			if utf8.RuneCountInString(a.Comment) > MaxLongText {
				return a, fail("-comment", fmt.Sprintf("The explanation must be %d characters or fewer", MaxLongText))
			}
		}
	case KindManyOf:
		seen := map[string]bool{}
		for _, v := range form[Field(q.ID, "")] {
			v = strings.TrimSpace(v)
			if v == "" || seen[v] {
				continue
			}
			if !slices.ContainsFunc(q.Choices, func(c Choice) bool { return c.Value == v }) {
				return Answer{}, fail("", "Select from the options given")
			}
			seen[v] = true
			a.Values = append(a.Values, v)
		}
		if len(a.Values) == 0 && q.Required {
			return a, fail("", "Select at least one option")
		}
	case KindDate:
		return parseDateAnswer(q, get("-day"), get("-month"), get("-year"), today)
	case KindNumber:
		a.Value = get("")
		if a.Value == "" {
			if q.Required {
				return a, fail("", "Enter a number")
			}
			return a, nil
		}
		n, err := strconv.Atoi(a.Value)
		if err != nil {
			return a, fail("", "Enter a whole number, like 2")
		}
		if q.Min != nil && n < *q.Min {
			return a, fail("", fmt.Sprintf("Enter a number that is %d or more", *q.Min))
		}
		if q.Max != nil && n > *q.Max {
			return a, fail("", fmt.Sprintf("Enter a number that is %d or fewer", *q.Max))
		}
		a.Value = strconv.Itoa(n)
	case KindShortText, KindLongText:
		a.Value = get("")
		limit := MaxShortText
		if q.Kind == KindLongText {
			a.Value, limit = getLines(""), MaxLongText
		}
		switch {
		case a.Value == "" && q.Required:
			if q.Format == "email" {
				return a, fail("", "Enter an email address")
			}
			return a, fail("", "Enter an answer")
		case utf8.RuneCountInString(a.Value) > limit:
			return a, fail("", fmt.Sprintf("The answer must be %d characters or fewer", limit))
		case a.Value != "" && q.Format == "email" && !isEmail(a.Value):
			return a, fail("", "Enter an email address in the correct format, like name@example.org")
		}
	case KindDeclaration:
		if get("") == "confirmed" {
			a.Value = "confirmed"
		} else if q.Required {
			return a, fail("", "Confirm the declaration to submit")
		}
	}
	return a, nil
}

// parseDateAnswer reads a GOV.UK date input: day, month and year fields.
func parseDateAnswer(q Question, day, month, year string, today time.Time) (Answer, *AnswerError) {
	fail := func(suffix, msg string) *AnswerError { return &AnswerError{Field: Field(q.ID, suffix), Message: msg} }
	// Kept as typed, so the page shows it back; stored as yyyy-mm-dd when valid.
	typed := Answer{Value: day + "/" + month + "/" + year}
	if day == "" && month == "" && year == "" {
		if q.Required {
			return Answer{}, fail("-day", "Enter the date")
		}
		return Answer{}, nil
	}
	for _, p := range []struct{ v, suffix, name string }{{day, "-day", "day"}, {month, "-month", "month"}, {year, "-year", "year"}} {
		if p.v == "" {
			return typed, fail(p.suffix, "The date must include a "+p.name)
		}
	}
	d, errD := strconv.Atoi(day)
	m, errM := strconv.Atoi(month)
	y, errY := strconv.Atoi(year)
	if errD != nil || errM != nil || errY != nil || len(year) != 4 {
		return typed, fail("-day", "The date must be a real date, like 27 3 2024")
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		return typed, fail("-day", "The date must be a real date, like 27 3 2024")
	}
	if y < 2000 {
		return typed, fail("-year", "The year must be 2000 or later")
	}
	if q.PastOnly && t.After(today) {
		return typed, fail("-day", "The date must be today or in the past")
	}
	return Answer{Value: t.Format(time.DateOnly)}, nil
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}
