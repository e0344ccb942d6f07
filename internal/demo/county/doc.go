// Package county is the demo county, Lincolnshire with invented schools, as a GIAS custom
// download: the file the demo imports through the real importer. It is shaped like the
// partnership's 2022-23 report (386 expected schools by phase and governance).
//
// It imports nothing of the service, so the register's own tests (package forms) can read
// the county too; the rounds and JOSO years built on it are in internal/demo/rounds and
// internal/demo/joso.
package county
