package forms

import (
	"net/url"
	"testing"
	"time"
)

// What a section's entry keeps and whether it completes the section, decided without a store.
func TestEntryDecidesWhatIsKeptAndCompletion(t *testing.T) {
	t.Parallel()
	sec := Section{ID: "dsl", Questions: []Question{
		{ID: "dsl.on_slt", Kind: KindYesNo, Text: "On the SLT?", Required: true},
		{ID: "dsl.cover", Kind: KindYesPartlyNo, Text: "Cover arranged?", Required: true},
		{ID: "dsl.deputies", Kind: KindNumber, Text: "How many deputies?"},
	}}
	today := time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		form     url.Values
		later    bool
		errors   int
		kept     []string
		complete bool
	}{
		{"all answered", url.Values{"dsl.on_slt": {"yes"}, "dsl.cover": {"no"}, "dsl.cover-comment": {"Being arranged"}}, false, 0, []string{"dsl.on_slt", "dsl.cover"}, true},
		{"partly unexplained, continue", url.Values{"dsl.on_slt": {"yes"}, "dsl.cover": {"partly"}}, false, 1, []string{"dsl.on_slt"}, false},
		{"partly unexplained, later", url.Values{"dsl.on_slt": {"yes"}, "dsl.cover": {"partly"}}, true, 0, []string{"dsl.on_slt", "dsl.cover"}, false},
		{"missing, later", url.Values{"dsl.on_slt": {"yes"}}, true, 0, []string{"dsl.on_slt"}, false},
		{"malformed, later", url.Values{"dsl.on_slt": {"yes"}, "dsl.deputies": {"two"}}, true, 1, []string{"dsl.on_slt"}, false},
		{"optional malformed, continue", url.Values{"dsl.on_slt": {"yes"}, "dsl.cover": {"yes"}, "dsl.deputies": {"two"}}, false, 1, []string{"dsl.on_slt", "dsl.cover"}, false},
		{"complete, but later", url.Values{"dsl.on_slt": {"yes"}, "dsl.cover": {"yes"}}, true, 0, []string{"dsl.on_slt", "dsl.cover"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ReadSection(sec, tt.form, tt.later, today)
			answers, completed := Return{}.withSection(sec, e)
			if len(e.Errors) != tt.errors || len(answers) != len(tt.kept) || (len(completed) == 1) != tt.complete {
				t.Fatalf("errors %v, kept %+v, completed %v", e.Errors, answers, completed)
			}
			for _, id := range tt.kept {
				if _, ok := (Return{Answers: answers}).AnswerMap()[id]; !ok {
					t.Errorf("%s not kept", id)
				}
			}
		})
	}
}
