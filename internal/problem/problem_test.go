package problem

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindOfFollowsTheChain(t *testing.T) {
	t.Parallel()
	errGone := New(NotFound, "no round for that academic year")
	errOther := New(NotFound, "no round for that academic year")
	cases := []struct {
		name string
		err  error
		want Kind
	}{
		{"sentinel", errGone, NotFound},
		{"wrapped with the operation", fmt.Errorf("opening round 2026-27: %w", errGone), NotFound},
		{"field errors", fmt.Errorf("saving: %w", FieldErrors{{"email", "Enter an email address"}}), Invalid},
		{"store fault", Wrap(Unavailable, errors.New("server selection timeout")), Unavailable},
		{"anything else", errors.New("boom"), Internal},
		{"nil", nil, Internal},
	}
	for _, c := range cases {
		if got := KindOf(c.err); got != c.want {
			t.Errorf("%s: KindOf = %v, want %v", c.name, got, c.want)
		}
	}
	if errors.Is(errGone, errOther) {
		t.Error("two sentinels with the same words must stay distinct")
	}
	if Wrap(Conflict, nil) != nil {
		t.Error("Wrap(k, nil) must be nil")
	}
}

func TestFieldErrorsSayEachField(t *testing.T) {
	t.Parallel()
	f := FieldErrors{{"name", "Enter a name"}, {"email", "Enter an email address"}}
	if f.Error() != "Enter a name; Enter an email address" {
		t.Errorf("Error() = %q", f.Error())
	}
	if f.Message("email") != "Enter an email address" || f.Message("role") != "" {
		t.Error("Message finds a field's message, and nothing for a field without one")
	}
}
