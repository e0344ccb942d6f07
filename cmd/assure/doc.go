// Command assure is the Assure service and its administration commands. main reads the
// configuration from the environment and flags, has internal/app open the store and build
// the services, builds the web front over them, and prints what commands did.
//
// It must not hold rules of its own: each subcommand parses its flags, calls a domain
// service (forms, missions) and prints what came back. The subcommands live one family per
// file (rounds.go, schools.go, chase.go, contacts.go (the contact book and `round
// invite`), joso.go, backup.go, retention.go, admin.go, demo.go, loadtest.go); serve.go runs the web service; config.go reads the settings.
package main
