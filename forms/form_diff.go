package forms

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// FormDifference is how one question differs between two forms: added, removed, or
// changed in the ways Changes lists, in words.
type FormDifference struct {
	Question string // its ID
	Text     string // its text in the newer form (the older one's when removed)
	Before   string // its text in the older form, when the wording changed
	Section  string // its section's title, likewise
	Changes  []string
}

// What a question's difference can say.
const (
	ChangeAdded     = "Added"
	ChangeRemoved   = "Removed"
	ChangeWording   = "Wording changed"
	ChangeMoved     = "Moved"
	ChangeKind      = "Kind of answer changed"
	ChangeChoices   = "Choices changed"
	ChangeRequired  = "Now required"
	ChangeOptional  = "Now optional"
	ChangePhases    = "Phases asked changed"
	ChangeCondition = "Condition changed"
)

// placed is a question with its section and where it stands in the form.
type placed struct {
	q     Question
	sec   Section
	order int
}

func placedQuestions(d Definition) (map[string]placed, []string) {
	out, order := map[string]placed{}, []string{}
	for _, s := range d.Sections {
		for _, q := range s.Questions {
			out[q.ID] = placed{q: q, sec: s, order: len(order)}
			order = append(order, q.ID)
		}
	}
	return out, order
}

// CompareForms lists, question by question in the newer form's order (removed ones
// last), how newer differs from older: what was added and removed, and for the rest
// what changed of wording, place, kind, choices, required, phases and condition.
// Questions that did not change are left out.
func CompareForms(older, newer Definition) []FormDifference {
	was, wasOrder := placedQuestions(older)
	now, nowOrder := placedQuestions(newer)
	moved := movedQuestions(wasOrder, nowOrder, was, now)
	var out []FormDifference
	for _, id := range nowOrder {
		n := now[id]
		d := FormDifference{Question: id, Text: n.q.Text, Section: n.sec.Title}
		o, ok := was[id]
		if !ok {
			d.Changes = []string{ChangeAdded}
			out = append(out, d)
			continue
		}
		if o.q.Text != n.q.Text || o.q.Hint != n.q.Hint || !sameChoiceTexts(o.q.Choices, n.q.Choices) {
			d.Changes = append(d.Changes, ChangeWording)
			if o.q.Text != n.q.Text {
				d.Before = o.q.Text
			}
		}
		if moved[id] {
			d.Changes = append(d.Changes, ChangeMoved)
		}
		if o.q.Kind != n.q.Kind {
			d.Changes = append(d.Changes, ChangeKind)
		} else if !reflect.DeepEqual(choiceValues(o.q.Choices), choiceValues(n.q.Choices)) {
			d.Changes = append(d.Changes, ChangeChoices)
		}
		if o.q.Required != n.q.Required {
			d.Changes = append(d.Changes, map[bool]string{true: ChangeRequired, false: ChangeOptional}[n.q.Required])
		}
		if !samePhases(o.q.phasesIn(o.sec), n.q.phasesIn(n.sec)) {
			d.Changes = append(d.Changes, ChangePhases)
		}
		if !reflect.DeepEqual(o.q.ShowIf, n.q.ShowIf) {
			d.Changes = append(d.Changes, ChangeCondition)
		}
		if len(d.Changes) > 0 {
			out = append(out, d)
		}
	}
	for _, id := range wasOrder {
		if _, ok := now[id]; !ok {
			o := was[id]
			out = append(out, FormDifference{Question: id, Text: o.q.Text, Section: o.sec.Title, Changes: []string{ChangeRemoved}})
		}
	}
	return out
}

// movedQuestions are the questions kept in both forms that changed section, or whose
// place among the kept questions changed: those outside a longest run the two orders
// share, so swapping two neighbours moves one question, not every one after it.
func movedQuestions(wasOrder, nowOrder []string, was, now map[string]placed) map[string]bool {
	var a, b []string
	for _, id := range wasOrder {
		if _, ok := now[id]; ok {
			a = append(a, id)
		}
	}
	for _, id := range nowOrder {
		if _, ok := was[id]; ok {
			b = append(b, id)
		}
	}
	// Longest common subsequence of a and b, by the table of suffix lengths.
	l := make([][]int, len(a)+1)
	for i := range l {
		l[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	stay := map[string]bool{}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			stay[a[i]] = true
			i, j = i+1, j+1
		case l[i][j+1] >= l[i+1][j]:
			j++ // of two ways, the one that calls the question that came up the moved one
		default:
			i++
		}
	}
	moved := map[string]bool{}
	for _, id := range b {
		if !stay[id] || was[id].sec.ID != now[id].sec.ID {
			moved[id] = true
		}
	}
	return moved
}

func sameChoiceTexts(a, b []Choice) bool {
	texts := func(cs []Choice) map[string]string {
		m := map[string]string{}
		for _, c := range cs {
			m[c.Value] = c.Text
		}
		return m
	}
	ta, tb := texts(a), texts(b)
	for v, t := range ta {
		if u, ok := tb[v]; ok && u != t {
			return false
		}
	}
	return true
}

func choiceValues(cs []Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	slices.Sort(out)
	return out
}

// Describe is the difference in words: "Wording changed; moved".
func (d FormDifference) Describe() string {
	out := strings.Join(d.Changes, "; ")
	if len(out) > 1 {
		out = out[:1] + strings.ToLower(out[1:])
	}
	return out
}

// FormChanges compares a round's form with the form of the round before it: the
// previous round's year (empty when there is none) and the differences.
func (rs *Rounds) FormChanges(ctx context.Context, year string) (string, []FormDifference, error) {
	r, err := rs.Get(ctx, year)
	if err != nil {
		return "", nil, err
	}
	all, err := rs.List(ctx) // newest first, without forms
	if err != nil {
		return "", nil, err
	}
	for _, p := range all {
		if p.ID < year {
			prev, err := rs.Get(ctx, p.ID)
			if err != nil {
				return "", nil, fmt.Errorf("rounds: reading %s to compare forms: %w", p.ID, err)
			}
			return prev.ID, CompareForms(prev.Definition, r.Definition), nil
		}
	}
	return "", nil, nil
}
