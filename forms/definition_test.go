package forms

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultDefinitionLoads(t *testing.T) {
	t.Parallel()
	d, err := DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, s := range d.Sections {
		for _, q := range s.Questions {
			ids[q.ID] = true
		}
	}
	if len(d.Sections) != 21 || len(ids) != 62 {
		t.Fatalf("%d sections, %d questions", len(d.Sections), len(ids))
	}
	if last := d.Sections[len(d.Sections)-1]; last.ID != "declaration" {
		t.Fatalf("last section %s", last.ID)
	}
}

func sectionIDs(secs []Section) string {
	var ids []string
	for _, s := range secs {
		ids = append(ids, s.ID)
	}
	return strings.Join(ids, ",")
}

// A hint written for one phase shows on that phase's form only; a form written before
// phase hints existed still loads.
func TestPhaseHintsShowOnlyForTheirPhase(t *testing.T) {
	t.Parallel()
	d, err := DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	text := func(p Phase) string {
		b, _ := json.Marshal(d.For(Record{Phase: p, LowAge: 3}))
		return string(b)
	}
	for p, want := range map[Phase][]string{PhaseNursery: {"For nurseries"}, PhaseIndependent: {"PSHE"}, PhasePrimary: nil} {
		got := text(p)
		for _, hint := range []string{"For nurseries", "PSHE"} {
			if strings.Contains(got, hint) != slices.Contains(want, hint) {
				t.Errorf("%s form: %q shown %v", p, hint, strings.Contains(got, hint))
			}
		}
		if strings.Contains(got, "phase_hints") || strings.Contains(got, "phase_intros") {
			t.Errorf("%s form still carries other phases' hints", p)
		}
	}
	old := strings.NewReplacer(`"phase_hints"`, `"_a"`, `"phase_intros"`, `"_b"`).Replace(string(defaultDefinition))
	var m map[string]any
	_ = json.Unmarshal([]byte(old), &m)
	for _, s := range m["sections"].([]any) {
		delete(s.(map[string]any), "_b")
		for _, q := range s.(map[string]any)["questions"].([]any) {
			delete(q.(map[string]any), "_a")
		}
	}
	data, _ := json.Marshal(m)
	if _, err := ParseDefinition(data); err != nil {
		t.Fatalf("a form without phase hints: %v", err)
	}
}

func TestSectionsByPhase(t *testing.T) {
	t.Parallel()
	d, err := DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	nursery := d.For(Record{Phase: PhaseNursery, Governance: GovMaintained, LowAge: 2})
	ids := sectionIDs(nursery)
	for _, want := range []string{"assurance", "early_years", "online_safety", "declaration"} {
		if !strings.Contains(ids, want) {
			t.Errorf("nursery lacks %s: %s", want, ids)
		}
	}
	for _, not := range []string{"encompass", "rshe", "attendance", "independent_standards", "boarding", "further_education"} {
		if strings.Contains(ids, not) {
			t.Errorf("nursery asked %s", not)
		}
	}
	for _, s := range nursery {
		if s.ID == "online_safety" && s.Questions[0].Required {
			t.Error("online safety should be optional for nurseries")
		}
	}
	// s128 checks only for academies, free and independent schools.
	maintained := d.For(Record{Phase: PhaseSecondary, Governance: GovMaintained, LowAge: 11})
	academy := d.For(Record{Phase: PhaseSecondary, Governance: GovAcademy, LowAge: 11})
	has := func(secs []Section, id string) bool {
		for _, s := range secs {
			for _, q := range s.Questions {
				if q.ID == id {
					return true
				}
			}
		}
		return false
	}
	if has(maintained, "recruitment.s128") || !has(academy, "recruitment.s128") {
		t.Error("s128 question asked of the wrong schools")
	}
	if strings.Contains(sectionIDs(maintained), "early_years") {
		t.Error("a secondary school asked about the EYFS")
	}
	ind := d.For(Record{Phase: PhaseIndependent, Governance: GovIndependent, LowAge: 3, Boarders: "Boarding school"})
	for _, want := range []string{"independent_standards", "boarding", "early_years", "rshe"} {
		if !strings.Contains(sectionIDs(ind), want) {
			t.Errorf("boarding independent prep school lacks %s", want)
		}
	}
	college := sectionIDs(d.For(Record{Phase: PhaseCollege, Governance: GovIndependent, LowAge: 16}))
	if !strings.Contains(college, "further_education") || strings.Contains(college, "rshe") {
		t.Errorf("college sections: %s", college)
	}
}

func TestParseDefinitionRefuses(t *testing.T) {
	t.Parallel()
	base := func() map[string]any {
		var m map[string]any
		_ = json.Unmarshal(defaultDefinition, &m)
		return m
	}
	sections := func(m map[string]any) []any { return m["sections"].([]any) }
	question := func(m map[string]any, s, q int) map[string]any {
		return sections(m)[s].(map[string]any)["questions"].([]any)[q].(map[string]any)
	}
	tests := []struct {
		name   string
		change func(m map[string]any)
		want   string
	}{
		{"unknown field", func(m map[string]any) { m["colour"] = "red" }, "unknown field"},
		{"duplicate question ID", func(m map[string]any) { question(m, 1, 1)["id"] = question(m, 1, 0)["id"] }, "unique"},
		{"bad ID", func(m map[string]any) { question(m, 1, 0)["id"] = "Leadership Governor" }, "unique, lower case"},
		{"unknown kind", func(m map[string]any) { question(m, 1, 0)["kind"] = "slider" }, "unknown kind"},
		{"choices missing", func(m map[string]any) { delete(question(m, 0, 0), "choices") }, "needs choices"},
		{"unknown phase", func(m map[string]any) { sections(m)[1].(map[string]any)["phases"] = []any{"infant"} }, "unknown phase"},
		{"condition nowhere", func(m map[string]any) {
			question(m, 0, 3)["show_if"] = map[string]any{"question": "nope", "equals": "no"}
		}, "not an earlier question"},
		{"condition impossible", func(m map[string]any) {
			question(m, 0, 3)["show_if"] = map[string]any{"question": "assurance.given", "equals": "maybe"}
		}, "cannot be"},
		{"no declaration", func(m map[string]any) { m["sections"] = sections(m)[:3] }, "declaration"},
		{"version 0", func(m map[string]any) { m["version"] = 0 }, "version"},
		{"phase hint with no text", func(m map[string]any) {
			question(m, 1, 0)["phase_hints"] = []any{map[string]any{"phases": []any{"nursery"}}}
		}, "needs a text"},
		{"phase hint for an unknown phase", func(m map[string]any) {
			question(m, 1, 0)["phase_hints"] = []any{map[string]any{"phases": []any{"infant"}, "text": "x"}}
		}, "unknown phase"},
		{"phase hint for a phase not asked", func(m map[string]any) {
			sections(m)[1].(map[string]any)["phases"] = []any{"primary"}
			question(m, 1, 0)["phase_hints"] = []any{map[string]any{"phases": []any{"nursery"}, "text": "x"}}
		}, "not asked"},
		{"two hints for a phase", func(m map[string]any) {
			sections(m)[1].(map[string]any)["phase_intros"] = []any{map[string]any{"phases": []any{"nursery"}, "text": "x"},
				map[string]any{"phases": []any{"nursery"}, "text": "y"}}
		}, "another hint"},
	}
	// Wording the editor would refuse, the loader refuses too, with ErrFormWording.
	wording := func(name string, change func(m map[string]any)) {
		tests = append(tests, struct {
			name   string
			change func(m map[string]any)
			want   string
		}{name, change, ErrFormWording.Error()})
	}
	wording("question text too long", func(m map[string]any) { question(m, 1, 0)["text"] = strings.Repeat("x", MaxQuestionText+1) })
	wording("question text with a line break", func(m map[string]any) { question(m, 1, 0)["text"] = "Two\nlines" })
	wording("hint with a bidi override", func(m map[string]any) { question(m, 1, 0)["hint"] = "inv\u202egnp.pdf" })
	wording("hint too long", func(m map[string]any) { question(m, 1, 0)["hint"] = strings.Repeat("x", MaxHelpText+1) })
	wording("phase hint with a bell", func(m map[string]any) {
		question(m, 1, 0)["phase_hints"] = []any{map[string]any{"phases": []any{"nursery"}, "text": "ring\a"}}
	})
	wording("choice too long", func(m map[string]any) {
		question(m, 0, 0)["choices"].([]any)[0].(map[string]any)["text"] = strings.Repeat("x", MaxChoiceLabel+1)
	})
	wording("title too long", func(m map[string]any) {
		sections(m)[1].(map[string]any)["title"] = strings.Repeat("x", MaxSectionTitle+1)
	})
	wording("intro too long", func(m map[string]any) { sections(m)[1].(map[string]any)["intro"] = strings.Repeat("x", MaxIntro+1) })
	wording("phase intro with a control character", func(m map[string]any) {
		sections(m)[1].(map[string]any)["phase_intros"] = []any{map[string]any{"phases": []any{"nursery"}, "text": "x\x1b[31m"}}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := base()
			tt.change(m)
			data, _ := json.Marshal(m)
			_, err := ParseDefinition(data)
			if tt.want == ErrFormWording.Error() && !errors.Is(err, ErrFormWording) {
				t.Fatalf("err = %v, want ErrFormWording", err)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := ParseDefinition([]byte(`{"version":1}{"version":2}`)); err == nil {
		t.Error("two documents accepted")
	}
}

func TestParseAnswerEveryKind(t *testing.T) {
	t.Parallel()
	today := time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC)
	one, ten := 1, 10
	q := func(kind Kind) Question { return Question{ID: "q", Kind: kind, Text: "Q", Required: true} }
	choice := q(KindOneOf)
	choice.Choices = []Choice{{"a", "A"}, {"b", "B"}}
	many := q(KindManyOf)
	many.Choices = choice.Choices
	num := q(KindNumber)
	num.Min, num.Max = &one, &ten
	past := q(KindDate)
	past.PastOnly = true
	email := q(KindShortText)
	email.Format = "email"
	tests := []struct {
		name  string
		q     Question
		form  url.Values
		want  Answer
		field string // "" when valid
		msg   string
	}{
		{"yes/no missing", q(KindYesNo), url.Values{}, Answer{}, "q", "Select yes or no"},
		{"yes/no", q(KindYesNo), url.Values{"q": {"no"}}, Answer{Value: "no"}, "", ""},
		{"yes/no forged", q(KindYesNo), url.Values{"q": {"perhaps"}}, Answer{}, "q", "Select one of the options"},
		{"partly needs comment", q(KindYesPartlyNo), url.Values{"q": {"partly"}}, Answer{Value: "partly"}, "q-comment", "Explain why"},
		{"partly with comment", q(KindYesPartlyNo), url.Values{"q": {"partly"}, "q-comment": {" Two staff to train "}}, Answer{Value: "partly", Comment: "Two staff to train"}, "", ""},
		{"yes drops comment", q(KindYesPartlyNo), url.Values{"q": {"yes"}, "q-comment": {"old"}}, Answer{Value: "yes"}, "", ""},
		{"date", q(KindDate), url.Values{"q-day": {"7"}, "q-month": {"3"}, "q-year": {"2024"}}, Answer{Value: "2024-03-07"}, "", ""},
		{"date missing", q(KindDate), url.Values{}, Answer{}, "q-day", "Enter the date"},
		{"date no month", q(KindDate), url.Values{"q-day": {"7"}, "q-year": {"2024"}}, Answer{Value: "7//2024"}, "q-month", "must include a month"},
		{"date not real", q(KindDate), url.Values{"q-day": {"31"}, "q-month": {"2"}, "q-year": {"2024"}}, Answer{Value: "31/2/2024"}, "q-day", "real date"},
		{"date two-digit year", q(KindDate), url.Values{"q-day": {"1"}, "q-month": {"2"}, "q-year": {"24"}}, Answer{Value: "1/2/24"}, "q-day", "real date"},
		{"date in future", past, url.Values{"q-day": {"1"}, "q-month": {"1"}, "q-year": {"2025"}}, Answer{Value: "1/1/2025"}, "q-day", "today or in the past"},
		{"number", num, url.Values{"q": {"03"}}, Answer{Value: "3"}, "", ""},
		{"number words", num, url.Values{"q": {"two"}}, Answer{Value: "two"}, "q", "whole number"},
		{"number too big", num, url.Values{"q": {"11"}}, Answer{Value: "11"}, "q", "10 or fewer"},
		{"number too small", num, url.Values{"q": {"0"}}, Answer{Value: "0"}, "q", "1 or more"},
		{"short text", q(KindShortText), url.Values{"q": {"  Ann Smith "}}, Answer{Value: "Ann Smith"}, "", ""},
		{"short text too long", q(KindShortText), url.Values{"q": {strings.Repeat("x", 201)}}, Answer{Value: strings.Repeat("x", 201)}, "q", "200 characters"},
		{"long text markup kept as text", q(KindLongText), url.Values{"q": {"<script>alert(1)</script>"}}, Answer{Value: "<script>alert(1)</script>"}, "", ""},
		{"email", email, url.Values{"q": {"gov@school.org.uk"}}, Answer{Value: "gov@school.org.uk"}, "", ""},
		{"email bad", email, url.Values{"q": {"gov at school"}}, Answer{Value: "gov at school"}, "q", "correct format"},
		{"one of", choice, url.Values{"q": {"b"}}, Answer{Value: "b"}, "", ""},
		{"many of", many, url.Values{"q": {"b", "a", "b"}}, Answer{Values: []string{"b", "a"}}, "", ""},
		{"many of none", many, url.Values{}, Answer{}, "q", "at least one"},
		{"many of forged", many, url.Values{"q": {"a", "z"}}, Answer{}, "q", "from the options"},
		{"declaration", q(KindDeclaration), url.Values{"q": {"confirmed"}}, Answer{Value: "confirmed"}, "", ""},
		{"declaration missing", q(KindDeclaration), url.Values{}, Answer{}, "q", "Confirm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAnswer(tt.q, tt.form, today)
			if (err == nil) != (tt.field == "") {
				t.Fatalf("err = %v", err)
			}
			if err != nil && (err.Field != tt.field || !strings.Contains(err.Message, tt.msg)) {
				t.Fatalf("err = %+v, want %s %q", err, tt.field, tt.msg)
			}
			if got.Value != tt.want.Value || got.Comment != tt.want.Comment || strings.Join(got.Values, ",") != strings.Join(tt.want.Values, ",") {
				t.Fatalf("answer = %+v, want %+v", got, tt.want)
			}
		})
	}
	opt := q(KindDate)
	opt.Required = false
	if a, err := ParseAnswer(opt, url.Values{}, today); err != nil || !a.Empty() {
		t.Fatalf("optional blank date: %+v %v", a, err)
	}
}

func FuzzParseDefinition(f *testing.F) {
	f.Add(defaultDefinition)
	f.Add([]byte(`{"version":1,"name":"x","sections":[{"id":"d","title":"D","phases":["primary"],"questions":[{"id":"d.s","kind":"declaration","text":"I confirm","required":true}]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDefinition(data)
		if err != nil {
			return
		}
		// Whatever loads must be usable for every phase without panicking.
		for _, p := range Phases {
			_ = d.For(Record{Phase: p, Governance: GovAcademy, LowAge: 4, Boarders: "Boarding school"})
		}
	})
}

func FuzzParseAnswer(f *testing.F) {
	f.Add("yes_partly_no", "partly", "", "", "", "because")
	f.Add("date", "", "31", "2", "2024", "")
	f.Add("number", "-0", "", "", "", "")
	f.Add("many_of", "a", "", "", "", "")
	today := time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, kind, value, day, month, year, comment string) {
		zero, hundred := 0, 100
		q := Question{ID: "q", Kind: Kind(kind), Text: "Q", Required: true, Choices: []Choice{{"a", "A"}, {"b", "B"}}, Min: &zero, Max: &hundred, PastOnly: true}
		form := url.Values{"q": {value}, "q-day": {day}, "q-month": {month}, "q-year": {year}, "q-comment": {comment}}
		a, err := ParseAnswer(q, form, today)
		if err != nil {
			if !strings.HasPrefix(err.Field, "q") || err.Message == "" {
				t.Fatalf("bad error %+v", err)
			}
			return
		}
		switch q.Kind {
		case KindDate:
			if a.Value != "" {
				if d, perr := time.Parse(time.DateOnly, a.Value); perr != nil || d.After(today) {
					t.Fatalf("accepted date %q", a.Value)
				}
			}
		case KindYesNo, KindYesPartlyNo, KindOneOf:
			if a.Value != "" && !slices.Contains(q.values(), a.Value) {
				t.Fatalf("accepted %q", a.Value)
			}
		}
	})
}
