package problem

import (
	"errors"
	"strconv"
)

// Kind is what sort of failure an error is, as far as the person who asked can act on it.
type Kind uint8

// The kinds. Anything that does not say otherwise is Internal: the service's own fault.
const (
	// Internal is a fault of the service itself; what was saved is safe, try again later.
	Internal Kind = iota
	// NotFound: the thing asked for does not exist (or is not this person's to see).
	NotFound
	// Invalid: what was sent breaks a rule; the person can correct it. FieldErrors carries
	// a message per field for a form to show beside its fields.
	Invalid
	// Conflict: someone else changed the thing since it was read; reload and try again.
	Conflict
	// WrongState: the thing is not in a state that allows this (a closed round, a return
	// already submitted, a year that already exists).
	WrongState
	// Unavailable: the store cannot be reached or cannot keep what is written just now.
	Unavailable
	// Forbidden: the person is signed in, but their role does not allow this.
	Forbidden
)

var kindNames = [...]string{"internal", "not found", "invalid", "conflict", "wrong state", "unavailable", "forbidden"}

// String names the kind, for logs and tests.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind " + strconv.Itoa(int(k))
}

// Error is a domain error of a known kind whose message is written for the person who
// asked, in the partnership's words ("no round for that academic year").
type Error struct {
	kind Kind
	msg  string
}

// New returns an error of kind k with message msg. Domain packages declare their sentinels
// with it; each call returns a distinct error, so errors.Is tells sentinels apart.
func New(k Kind, msg string) error { return &Error{kind: k, msg: msg} }

func (e *Error) Error() string { return e.msg }

// Kind says what sort of failure e is.
func (e *Error) Kind() Kind { return e.kind }

// kinded is any error that knows its kind: Error, FieldErrors and the domains' own types.
type kinded interface{ Kind() Kind }

// KindOf is the kind of the first error in err's chain that knows its kind, and Internal
// for any other error (including nil's caller mistakes: KindOf(nil) is Internal).
func KindOf(err error) Kind {
	var k kinded
	if errors.As(err, &k) {
		return k.Kind()
	}
	return Internal
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// FieldError is one field's problem, with the message shown beside it.
type FieldError struct {
	Field   string
	Message string
}

// FieldErrors is an Invalid error carrying a message per field, in the order the form shows
// its fields, so a page can list them in its error summary and beside each field.
type FieldErrors []FieldError

func (f FieldErrors) Error() string {
	if len(f) == 0 {
		return "not valid"
	}
	s := f[0].Message
	for _, e := range f[1:] {
		s += "; " + e.Message
	}
	return s
}

// Kind is Invalid.
func (FieldErrors) Kind() Kind { return Invalid }

// Message is the message for field, or "".
func (f FieldErrors) Message(field string) string {
	for _, e := range f {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Wrap gives err the kind k, keeping err in the chain for logs and errors.Is: how a store
// says a driver's network error is Unavailable. Wrap(k, nil) is nil.
func Wrap(k Kind, err error) error {
	if err == nil {
		return nil
	}
	return &wrapped{kind: k, err: err}
}

type wrapped struct {
	kind Kind
	err  error
}

func (w *wrapped) Error() string { return w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
func (w *wrapped) Kind() Kind    { return w.kind }
