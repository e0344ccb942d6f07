package urls

import "strings"

// Paths before a token, and the routes that answer them.
const (
	returnPath        = "/r/"
	teacherSignInPath = "/joso/link/"
	invitationPath    = "/account/invitation/"
	resetPath         = "/account/reset/"
	confirmPath       = "/confirm/"

	// ReturnRoute is the route of a school's link to its return.
	ReturnRoute = returnPath + ":token"
	// ConfirmRoute is the route of a governor's link to confirm a return prepared for them.
	ConfirmRoute = confirmPath + ":token"
	// TeacherSignInRoute is the route of a link teacher's sign-in link.
	TeacherSignInRoute = teacherSignInPath + ":token"
	// InvitationRoute is the route of a colleague's invitation to the partnership's team.
	InvitationRoute = invitationPath + ":token"
	// ResetRoute is the route of a password reset link.
	ResetRoute = resetPath + ":token"
)

// Return is a school's link to its return, on the service at base (PUBLIC_URL).
func Return(base, token string) string { return join(base, returnPath, token) }

// ReturnPath is Return's path alone, for a request to the service itself.
func ReturnPath(token string) string { return returnPath + token }

// Confirm is a governor's link to confirm their school's prepared return, on the service at base.
func Confirm(base, token string) string { return join(base, confirmPath, token) }

// ConfirmPath is Confirm's path alone.
func ConfirmPath(token string) string { return confirmPath + token }

// TeacherSignIn is a link teacher's sign-in link, on the service at base.
func TeacherSignIn(base, token string) string { return join(base, teacherSignInPath, token) }

// TeacherSignInPath is TeacherSignIn's path alone.
func TeacherSignInPath(token string) string { return teacherSignInPath + token }

// Invitation is a colleague's invitation link, on the service at base.
func Invitation(base, token string) string { return join(base, invitationPath, token) }

// Reset is a password reset link, on the service at base.
func Reset(base, token string) string { return join(base, resetPath, token) }

func join(base, path, token string) string { return strings.TrimSuffix(base, "/") + path + token }
