package handlers

import (
	"errors"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// newValidator makes the one validator instance the handlers share; field names in its
// errors are the form's field names (the `form` tag), so they link to the inputs.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// messages gives each field's message per failed rule, in the GOV.UK style.
type messages map[string]map[string]string

// check validates a form struct and returns GOV.UK error messages in field order.
func (s *Server) check(form any, msgs messages) []FieldError {
	err := s.validate.Struct(form)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return nil
	}
	var out []FieldError
	seen := map[string]bool{}
	for _, fe := range verrs {
		if seen[fe.Field()] {
			continue
		}
		seen[fe.Field()] = true
		msg := msgs[fe.Field()][fe.Tag()]
		if msg == "" {
			msg = "Check " + fe.Field()
		}
		out = append(out, FieldError{Field: fe.Field(), Message: msg})
	}
	return out
}

// errorFor picks one field's error out of a list, for the message above its input.
func errorFor(errs []FieldError, field string) *FieldError {
	for i := range errs {
		if errs[i].Field == field {
			return &errs[i]
		}
	}
	return nil
}
