package missions

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Names entering the programme lose the characters that make text display as something
// else, and are refused when too long.
func TestNamesLoseHiddenCharactersWhereTheyEnter(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Am\u200Bira K":       "Amira K",
		"\u202EAmira K\u202C": "Amira K",
		"Amira\u2066 K\u2069": "Amira K",
		"Amira\u00a0K\uFEFF":  "Amira K",
		"Ben\x00 T\u200D":     "Ben T",
	} {
		if got, err := CheckDisplayName(in); err != nil || got != want {
			t.Errorf("CheckDisplayName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	ctx := context.Background()
	p, _ := liveTeam(t)
	team, err := p.Enrol(ctx, "2022-23", SchoolRef{URN: 120009, Name: "Kirton Primary"}, "lead@kirton.example", "Sam\u202E daeL\u200B\x07")
	if err != nil {
		t.Fatal(err)
	}
	if team.TeacherName != "Sam daeL" {
		t.Errorf("teacher name stored as %q", team.TeacherName)
	}
	long := strings.Repeat("a", 250) + "@kirton.example"
	if _, err := p.Enrol(ctx, "2022-23", SchoolRef{URN: 120010, Name: "Kirton Academy"}, long, "Sam Lead"); !errors.Is(err, ErrInvalid) {
		t.Errorf("an email of %d characters accepted: %v", len(long), err)
	}
}
