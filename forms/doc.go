// Package forms is the assurance domain: the schools register (imported from Get
// Information About Schools, GIAS, and classified into the partnership's reporting phases
// and governance), and, built on it, rounds, form definitions by phase and returns; the
// return rates the partnership reports, and chasing.
//
// It owns its rules and writes its own audit entries: every service method that changes
// something is given the acting person (Actor: an admin, a governor, audit.CommandLine, audit.System)
// and records what they did. Callers parse, call and render or print.
//
// Where things live:
//   - governor.go: the rules of a governor's journey, pure (which sections a school is
//     asked, the declaration, OpenForChanges, a section's status, ParseReturnID), and
//     entry.go: what a section's typed answers keep and whether they complete it.
//   - assurance.go: the Assurance service: SaveSection and Submit (which read what was
//     typed and decide completion), Reopen, the receipt and reopening emails, purging;
//     governor_access.go: a governor's link opened and one-time codes sent and checked.
//   - signoff.go: two-person sign-off (a round's TwoPerson): SendForConfirmation by the
//     preparer through the school's link, then, through the governor's own confirmation
//     link (OpenConfirmation, ConfirmingReturn), Confirm (the submission, keyed by the
//     link; the declaration's email must be the one the link went to and its role a
//     board's, ConfirmerDeclaration) or SendBack with a comment; both people kept on the
//     return, its version, the receipt and the workbook. An exempt return's link is dead.
//   - carry.go: carrying forward (a round's CarryForward): CarryForward starts a return
//     from the school's LastSubmitted answers, matched by question ID; CarriedIn lists
//     those not yet confirmed, and a section with any is not complete.
//   - round.go: Rounds, the rounds and their forms (create, with the rules of a new round
//     in NewRoundInput.Check; open, close, reopen, archive, the form); past_round.go:
//     LoadPast, a round run before the service brought in with its returns; deadlines.go:
//     a round's deadline moved (SetDeadline) and a school's own date (SetExtension, after
//     the round's deadline and within a year of it), which DeadlineOf, DaysToDeadlineOf,
//     Late and DueStep follow.
//   - returns.go: Returns, each school's return in a round, named by a ReturnID: saved,
//     submitted, reopened, exempted, and their submitted versions; return_lists.go: a
//     round's returns without answers, cached by change count.
//   - links.go: Links, the schools' links (given out, replaced, revoked, resolved), over a
//     thin linkStore; onetime_code.go: one-time codes; contacts.go: a round's contact
//     emails (one a return).
//   - contact_book.go: ContactBook (Rounds.ContactBook), the partnership's contacts at each
//     school by role, kept across rounds: the CSV import (whole or nothing; it replaces the
//     contacts of the schools in the file), edits, bounced marks; a return's contact email
//     defaults to its designated safeguarding lead or safeguarding governor.
//   - chase.go: Chase, the reminder schedule, reminders (to the contact email and the
//     round's roles) and the chase log; invitations.go: a round's invitation settings
//     (roles, wording with placeholders, the day it sends by itself), preview, test and
//     invitations, each claimed once per school and contact; rates.go: the return rates;
//     retention.go: purging answers.
//   - export_rows.go: the files forms gives out, written through exports from rows made
//     here and nowhere else: Rounds.ExportReturns (the return-rate workbook or its CSV,
//     audited), ReceiptPDF (the receipt, downloaded and emailed), Links.WriteLinksCSV
//     (the mail merge; IssueLinks audits it).
//   - definition.go and definitions/default.json: the form as data (a question's
//     wording lives there) and the loader's checks; answers.go: reading one answer;
//     words.go: answers in words.
//   - form_editor.go: the form editor's changes (FormChange: a section or question added,
//     changed, moved, removed), each a pure method on Definition that cleans the wording
//     (internal/text, within the Max* limits) and runs the loader's checks, with IDs made here and removed ones retired for good; Rounds.ChangeForm
//     writes one as a versioned, audited write (anything in a draft, wording once open);
//     form_diff.go: CompareForms, a form against the last round's, question by question.
//   - register.go, gias.go, classify.go, importjob.go: the schools register;
//     synthetic.go: SyntheticExtract, a register of any size for benchmarks.
//
// It knows nothing of HTTP: handlers and the command line call it. Its files are laid out
// by exports, which knows nothing of forms; handlers and the command line only send them.
// The demo's county and rounds are made up outside it, in internal/demo (county, rounds),
// and come in through the same calls.
package forms
