package urls

import "strings"

// Paths before a token, and the routes that answer them.
const (
	returnPath        = "/r/"
	teacherSignInPath = "/joso/link/"

	// ReturnRoute is the route of a school's link to its return.
	ReturnRoute = returnPath + ":token"
	// TeacherSignInRoute is the route of a link teacher's sign-in link.
	TeacherSignInRoute = teacherSignInPath + ":token"
)

// Return is a school's link to its return, on the service at base (PUBLIC_URL).
func Return(base, token string) string { return join(base, returnPath, token) }

// ReturnPath is Return's path alone, for a request to the service itself.
func ReturnPath(token string) string { return returnPath + token }

// TeacherSignIn is a link teacher's sign-in link, on the service at base.
func TeacherSignIn(base, token string) string { return join(base, teacherSignInPath, token) }

// TeacherSignInPath is TeacherSignIn's path alone.
func TeacherSignInPath(token string) string { return teacherSignInPath + token }

func join(base, path, token string) string { return strings.TrimSuffix(base, "/") + path + token }
