package accounts

import (
	"github.com/lscp/assure/internal/problem"
)

// Role is what a member of the partnership's team may do.
type Role string

// The roles, from least to most.
const (
	// Viewer reads every admin page and download and changes nothing: the education
	// subgroup.
	Viewer Role = "viewer"
	// Officer runs rounds, forms, contacts, chasing and the JOSO programme, but not the team.
	Officer Role = "officer"
	// Administrator does everything, the team included. An account stored before roles
	// existed (no role) is one.
	Administrator Role = "administrator"
)

// Roles are the roles in the order a form offers them.
var Roles = []Role{Viewer, Officer, Administrator}

// ErrBadRole is a role that is not one of Roles.
var ErrBadRole = problem.New(problem.Invalid, "choose a role: viewer, officer or administrator")

// ErrForbidden is a change someone's role does not allow.
var ErrForbidden = problem.New(problem.Forbidden, "your role does not allow this")

func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Officer:
		return 2
	case Administrator:
		return 3
	}
	return 0
}

// Allows says whether someone of role r may do what needs role need.
func (r Role) Allows(need Role) bool { return r.rank() >= need.rank() && need.rank() > 0 }

// Label is the role as pages name it.
func (r Role) Label() string {
	switch r {
	case Viewer:
		return "Viewer"
	case Officer:
		return "Officer"
	case Administrator:
		return "Administrator"
	}
	return string(r)
}

// ParseRole reads a role from a form or a flag.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if r.rank() == 0 {
		return "", ErrBadRole
	}
	return r, nil
}

// Status is where an account stands.
type Status string

// The statuses.
const (
	StatusInvited     Status = "invited"     // asked to join, no password set yet
	StatusActive      Status = "active"      // can sign in
	StatusDeactivated Status = "deactivated" // cannot sign in; its sessions have ended
)

// Status says where the account stands.
func (ad Admin) Status() Status {
	switch {
	case ad.Deactivated:
		return StatusDeactivated
	case ad.Hash == "":
		return StatusInvited
	}
	return StatusActive
}

// TwoFactor says whether the account signs in with a code as well as its password.
func (ad Admin) TwoFactor() bool { return ad.TOTPSecret != "" }

// normalise migrates an account on read: one stored before roles is an administrator.
func (ad *Admin) normalise() {
	if ad.Role == "" {
		ad.Role = Administrator
	}
}
