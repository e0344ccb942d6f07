package exports

import "strings"

// SafeText stops a spreadsheet from running text as a formula: a value that begins with
// =, +, -, @, a tab or a carriage return gets a leading apostrophe, as OWASP advises for
// CSV injection. Values that are plainly numbers (-3, +44 20...) are left alone only when
// they parse as numbers, which no spreadsheet evaluates as a formula.
func SafeText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if isNumber(s) {
			return s
		}
		return "'" + s
	}
	return s
}

func isNumber(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if s == "" {
		return false
	}
	dot := false
	for _, r := range s {
		switch {
		case r == '.' && !dot:
			dot = true
		case r < '0' || r > '9':
			return false
		}
	}
	return true
}
