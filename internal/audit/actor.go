package audit

// Actor is who did something, as the domains' services are told and their audit entries
// record it: an admin's email, "governor:<return ID>", "link teacher:<email>", or one of
// the service's own actors below; and the address the request came from, if any.
type Actor struct {
	Name string
	IP   string
}

// Who acts when no person at a browser does.
var (
	CommandLine = Actor{Name: "command line"}
	System      = Actor{Name: "system"}
)
