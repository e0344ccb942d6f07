package forms

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/text"
)

// A school's contact email, set by the partnership for each round (one at a time on the
// school's return page, or many from a CSV file): where one-time codes, reminders and
// reopening notices go.

// SetContactEmail records the email a school's one-time codes, reminders and reopening
// notices go to, and who set it.
func (rs *Returns) SetContactEmail(ctx context.Context, by audit.Actor, id ReturnID, email string) error {
	if err := rs.setContactEmail(ctx, id, email); err != nil {
		return err
	}
	record(ctx, rs.audit, by, audit.ActionContactEmail, id.String(), "")
	return nil
}

func (rs *Returns) setContactEmail(ctx context.Context, id ReturnID, email string) error {
	email = strings.TrimSpace(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !text.Fits(email, text.MaxEmail) {
		return errors.New("enter an email address in the correct format, like name@example.org")
	}
	var res *mongo.UpdateResult
	err := rs.write(ctx, id.Round, []int{id.URN}, func(ctx context.Context) error {
		var err error
		res, err = rs.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "contact_email", Value: email}}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("returns: contact email for %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return ErrReturnNotFound
	}
	return nil
}

// SchoolContact is a school's contact email from a contacts file.
type SchoolContact struct {
	URN   int
	Email string
	Line  int // in the file
}

// MaxContactsFileSize bounds a contacts file (24,000 schools take under 1 MB).
const MaxContactsFileSize = 4 << 20

// ContactsError is why a contacts file was refused; nothing from it was stored.
type ContactsError struct {
	Line   int
	Reason string
}

// Kind is Invalid: the file can be corrected and sent again.
func (e *ContactsError) Kind() problem.Kind { return problem.Invalid }

func (e *ContactsError) Error() string {
	if e.Line == 0 {
		return "contacts file refused: " + e.Reason
	}
	return fmt.Sprintf("contacts file refused: line %d: %s", e.Line, e.Reason)
}

// readContactsHeader reads a contacts CSV's header, after the checks every contacts file
// gets (size, UTF-8, a byte-order mark dropped), and gives the reader at the first line and
// each column's place by its lower-case name. want names the columns, for the error.
func readContactsHeader(r io.Reader, want string) (*csv.Reader, map[string]int, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxContactsFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading contacts: %w", err)
	}
	if len(raw) > MaxContactsFileSize {
		return nil, nil, &ContactsError{Reason: "larger than 4 MB"}
	}
	if !utf8.Valid(raw) {
		return nil, nil, &ContactsError{Reason: "not UTF-8 text: save it as CSV UTF-8"}
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff")))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, &ContactsError{Line: 1, Reason: "no header row " + want}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	return cr, col, nil
}

// ReadContacts reads a CSV of schools' contact emails with the header urn,email (other
// columns are ignored). Any bad line refuses the whole file.
func ReadContacts(r io.Reader) ([]SchoolContact, error) {
	cr, col, err := readContactsHeader(r, "urn,email")
	if err != nil {
		return nil, err
	}
	urnCol, hasURN := col["urn"]
	emailCol, hasEmail := col["email"]
	if !hasURN || !hasEmail {
		return nil, &ContactsError{Line: 1, Reason: "the header must name the columns urn and email"}
	}
	var out []SchoolContact
	seen := map[int]int{}
	for {
		rec, err := cr.Read()
		line, _ := cr.FieldPos(0)
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &ContactsError{Line: pe.Line, Reason: pe.Err.Error()}
		}
		if err != nil {
			return nil, err
		}
		if len(rec) <= max(urnCol, emailCol) {
			return nil, &ContactsError{Line: line, Reason: "too few columns"}
		}
		urn, err := strconv.Atoi(strings.TrimSpace(rec[urnCol]))
		if err != nil || urn <= 0 {
			return nil, &ContactsError{Line: line, Reason: fmt.Sprintf("URN %q is not a number", rec[urnCol])}
		}
		email := strings.TrimSpace(rec[emailCol])
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !text.Fits(email, text.MaxEmail) {
			return nil, &ContactsError{Line: line, Reason: fmt.Sprintf("%q is not an email address", text.Cut(email, 60))}
		}
		if first, dup := seen[urn]; dup {
			return nil, &ContactsError{Line: line, Reason: fmt.Sprintf("URN %d is also on line %d", urn, first)}
		}
		seen[urn] = line
		out = append(out, SchoolContact{URN: urn, Email: email, Line: line})
	}
	if len(out) == 0 {
		return nil, &ContactsError{Reason: "no schools in the file"}
	}
	return out, nil
}

// SetContactEmails records many schools' contact emails for a round, read from the file
// source. Every school must be in the round, or nothing is stored. It records who did it.
func (rs *Rounds) SetContactEmails(ctx context.Context, by audit.Actor, year string, contacts []SchoolContact, source string) error {
	if _, err := rs.Get(ctx, year); err != nil {
		return err
	}
	inRound := map[int]bool{}
	all, err := rs.returns.OfRound(ctx, year)
	if err != nil {
		return err
	}
	for _, r := range all {
		inRound[r.URN] = true
	}
	for _, c := range contacts {
		if !inRound[c.URN] {
			return &ContactsError{Line: c.Line, Reason: fmt.Sprintf("URN %d is not in round %s", c.URN, year)}
		}
	}
	for _, c := range contacts {
		if err := rs.returns.setContactEmail(ctx, ReturnID{Round: year, URN: c.URN}, c.Email); err != nil {
			return err
		}
	}
	record(ctx, rs.audit, by, audit.ActionContactsLoaded, year, fmt.Sprintf("%d contact emails from %s", len(contacts), source))
	return nil
}
