package forms

import (
	"slices"
	"strings"
	"time"
)

// AnswerText is an answer in words, as check-your-answers pages, copies and receipts
// show it.
func AnswerText(q Question, a Answer) string {
	switch q.Kind {
	case KindYesNo, KindYesPartlyNo:
		return map[string]string{"yes": "Yes", "partly": "Partly", "no": "No"}[a.Value]
	case KindOneOf:
		for _, c := range q.Choices {
			if c.Value == a.Value {
				return c.Text
			}
		}
	case KindManyOf:
		var texts []string
		for _, c := range q.Choices {
			if slices.Contains(a.Values, c.Value) {
				texts = append(texts, c.Text)
			}
		}
		return strings.Join(texts, "; ")
	case KindDate:
		if t, err := time.Parse(time.DateOnly, a.Value); err == nil {
			return t.Format("2 January 2006")
		}
	case KindDeclaration:
		if a.Value == "confirmed" {
			return "Confirmed"
		}
		return ""
	}
	return a.Value
}

// AnsweredQuestion is a question with its answer, in words.
type AnsweredQuestion struct {
	Question Question
	Answer   Answer
	Text     string // "Not answered" when there is no answer
}

// Answered lists a section's questions with their answers in words, leaving out a
// question shown only for another answer when it was not asked.
func (sec Section) Answered(answers map[string]Answer) []AnsweredQuestion {
	var out []AnsweredQuestion
	for _, q := range sec.Questions {
		a, ok := answers[q.ID]
		if !ok && q.ShowIf != nil {
			continue
		}
		text := AnswerText(q, a)
		if text == "" {
			text = "Not answered"
		}
		out = append(out, AnsweredQuestion{Question: q, Answer: a, Text: text})
	}
	return out
}
