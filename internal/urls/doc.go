// Package urls writes the public addresses Assure sends people: a school's link to its
// return, a governor's link to confirm a prepared return, a link teacher's sign-in link,
// and a team member's invitation and password reset links. The routes that answer them are
// declared from the same constants, so an emailed link and its route cannot drift apart.
//
// It is a leaf: it knows the shape of the addresses, not what they open.
package urls
