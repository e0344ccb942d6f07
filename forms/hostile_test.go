package forms

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// Hostile text entering through governors' answers is cleaned where it enters: hidden
// characters that make text display as something else go, and every text has a limit.
func TestAnswersLoseHiddenAndControlCharacters(t *testing.T) {
	t.Parallel()
	today := time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC)
	short := Question{ID: "q", Kind: KindShortText, Text: "Name"}
	long := Question{ID: "q", Kind: KindLongText, Text: "Plan"}
	partly := Question{ID: "q", Kind: KindYesPartlyNo, Text: "Q"}
	email := Question{ID: "q", Kind: KindShortText, Text: "Email", Format: "email"}
	for _, tc := range []struct {
		name         string
		q            Question
		form         url.Values
		value, note  string
		invalidField string
	}{
		{"override in a name", short, url.Values{"q": {"Ann \u202ehtimS"}}, "Ann htimS", "", ""},
		{"isolates and zero-width in a name", short, url.Values{"q": {"A\u2066n\u200Bn\u2069 S\uFEFFmith\u2060"}}, "Ann Smith", "", ""},
		{"control characters and a line break in a name", short, url.Values{"q": {"Ann\x00\x1b\nSmith\x7f"}}, "Ann Smith", "", ""},
		{"long text keeps lines, loses the rest", long, url.Values{"q": {"Train\u202e staff\r\n\tby\x07 March\u200d"}}, "Train staff\n\tby March", "", ""},
		{"explanation keeps lines", partly, url.Values{"q": {"partly"}, "q-comment": {"One\u2067 more\r\nto go\x00"}}, "partly", "One more\nto go", ""},
		{"an explanation of only hidden characters is no explanation", partly, url.Values{"q": {"no"}, "q-comment": {"\u200b\u202e\ufeff"}}, "no", "", "q-comment"},
		{"email with a zero-width space", email, url.Values{"q": {"gov\u200b@school.org.uk"}}, "gov@school.org.uk", "", ""},
		{"email too long", email, url.Values{"q": {strings.Repeat("a", 250) + "@school.org.uk"}}, strings.Repeat("a", 250) + "@school.org.uk", "", "q"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAnswer(tc.q, tc.form, today)
			if tc.invalidField == "" && err != nil || tc.invalidField != "" && (err == nil || err.Field != tc.invalidField) {
				t.Fatalf("error %+v, want on field %q", err, tc.invalidField)
			}
			if a.Value != tc.value || a.Comment != tc.note {
				t.Fatalf("answer %q / %q, want %q / %q", a.Value, a.Comment, tc.value, tc.note)
			}
		})
	}
}

func TestContactEmailsHaveALengthLimit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 250) + "@school.org.uk"
	if _, err := ReadContacts(strings.NewReader("urn,email\n120001," + long + "\n")); err == nil {
		t.Errorf("a contacts file with a %d-character email accepted", len(long))
	}
}
