package forms

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/text"
)

// The contact book: the partnership's people at each school (by URN), kept across rounds.
// A school's contacts are one document keyed by its URN (the embedded store's fast
// lookup), changed whole under a version number, so two admins editing one school at once
// cannot lose each other's change. Rounds read it to invite and remind by role, and a new
// return's contact email defaults to it.

// Role is what a contact is at a school, by its slug (the CSV's role column).
type Role string

// The roles a contact can have.
const (
	RoleHeadteacher          Role = "headteacher"
	RoleDSL                  Role = "dsl"
	RoleChair                Role = "chair"
	RoleSafeguardingGovernor Role = "safeguarding-governor"
	RoleClerk                Role = "clerk"
	RoleTrust                Role = "trust"
)

// Roles lists every role, in the order pages show them.
var Roles = []Role{RoleHeadteacher, RoleDSL, RoleChair, RoleSafeguardingGovernor, RoleClerk, RoleTrust}

// DefaultInviteRoles are the roles a new round invites and reminds.
var DefaultInviteRoles = []Role{RoleDSL, RoleSafeguardingGovernor}

// Label is the role in words.
func (r Role) Label() string {
	switch r {
	case RoleHeadteacher:
		return "Headteacher"
	case RoleDSL:
		return "Designated safeguarding lead"
	case RoleChair:
		return "Chair of governors"
	case RoleSafeguardingGovernor:
		return "Safeguarding governor"
	case RoleClerk:
		return "Clerk"
	case RoleTrust:
		return "Trust contact"
	}
	return string(r)
}

// ParseRoles reads roles written like "dsl,safeguarding-governor".
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		r := Role(strings.ToLower(f))
		if !slices.Contains(Roles, r) {
			return nil, fmt.Errorf("%q is not a role: use %s", f, FormatRoles(Roles))
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// FormatRoles writes roles as ParseRoles reads them.
func FormatRoles(roles []Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// Contact is one person at a school.
type Contact struct {
	ID    string `bson:"id"` // unique within the school
	Name  string `bson:"name"`
	Email string `bson:"email"`
	Role  Role   `bson:"role"`
	// Bounced marks an address that mail does not reach: it is not invited or reminded
	// until the mark is cleared.
	Bounced    bool      `bson:"bounced,omitempty"`
	BouncedAt  time.Time `bson:"bounced_at,omitempty"`
	BouncedWhy string    `bson:"bounced_why,omitempty"`
}

// same says whether two contacts are one person in one role (emails ignore case).
func (c Contact) same(o Contact) bool {
	return c.Role == o.Role && strings.EqualFold(c.Email, o.Email)
}

// SchoolContacts is a school's contacts.
type SchoolContacts struct {
	ID       string    `bson:"_id"` // the URN
	URN      int       `bson:"urn"`
	Contacts []Contact `bson:"contacts"`
	Version  int       `bson:"version"`
	Changed  time.Time `bson:"changed"`
}

// Find gives the contact with an ID.
func (sc SchoolContacts) Find(id string) (Contact, bool) {
	i := slices.IndexFunc(sc.Contacts, func(c Contact) bool { return c.ID == id })
	if i < 0 {
		return Contact{}, false
	}
	return sc.Contacts[i], true
}

// WithRoles is the contacts in any of roles that mail reaches (not bounced).
func (sc SchoolContacts) WithRoles(roles []Role) []Contact {
	var out []Contact
	for _, c := range sc.Contacts {
		if !c.Bounced && slices.Contains(roles, c.Role) {
			out = append(out, c)
		}
	}
	return out
}

// DefaultEmail is the address a return's contact email defaults to: the designated
// safeguarding lead's, else the safeguarding governor's (not bounced), else none.
func (sc SchoolContacts) DefaultEmail() string {
	for _, role := range DefaultInviteRoles {
		if cs := sc.WithRoles([]Role{role}); len(cs) > 0 {
			return cs[0].Email
		}
	}
	return ""
}

// Errors about the contact book.
var (
	ErrContactNotFound = problem.New(problem.NotFound, "no such contact at this school")
	ErrContactsChanged = problem.New(problem.Conflict, "someone else changed this school's contacts: look again and repeat the change")
)

// ContactInput is a contact as an admin types it.
type ContactInput struct {
	Name, Email string
	Role        Role
}

// Check applies the rules of a contact, field by field.
func (in ContactInput) Check() problem.FieldErrors {
	var errs problem.FieldErrors
	if name := text.Line(in.Name); name == "" || !text.Fits(name, 200) {
		errs = append(errs, problem.FieldError{Field: "name", Message: "Enter the contact's name (200 characters or fewer)"})
	}
	if !validEmail(strings.TrimSpace(in.Email)) {
		errs = append(errs, problem.FieldError{Field: "email", Message: "Enter an email address in the correct format, like name@example.org"})
	}
	if !slices.Contains(Roles, in.Role) {
		errs = append(errs, problem.FieldError{Field: "role", Message: "Select the contact's role"})
	}
	return errs
}

func validEmail(email string) bool {
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email && text.Fits(email, text.MaxEmail)
}

func (in ContactInput) contact(id string) Contact {
	return Contact{ID: id, Name: text.Line(in.Name), Email: strings.TrimSpace(in.Email), Role: in.Role}
}

// ContactLine is one line of a contact book file.
type ContactLine struct {
	URN  int
	Line int
	ContactInput
}

// ReadContactBook reads a CSV of contacts with the header urn,name,email,role (in any
// order; other columns are ignored; the role by its slug, like dsl). Any bad line, or the
// same person twice in one role at a school, refuses the whole file, naming the line.
func ReadContactBook(r io.Reader) ([]ContactLine, error) {
	cr, col, err := readContactsHeader(r, "urn,name,email,role")
	if err != nil {
		return nil, err
	}
	last := 0
	for _, name := range []string{"urn", "name", "email", "role"} {
		i, ok := col[name]
		if !ok {
			return nil, &ContactsError{Line: 1, Reason: "the header must name the columns urn, name, email and role"}
		}
		last = max(last, i)
	}
	var out []ContactLine
	seen := map[string]int{}
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
		if len(rec) <= last {
			return nil, &ContactsError{Line: line, Reason: "too few columns"}
		}
		urn, err := strconv.Atoi(strings.TrimSpace(rec[col["urn"]]))
		if err != nil || urn <= 0 {
			return nil, &ContactsError{Line: line, Reason: fmt.Sprintf("URN %q is not a number", text.Cut(rec[col["urn"]], 20))}
		}
		in := ContactInput{Name: rec[col["name"]], Email: strings.TrimSpace(rec[col["email"]]), Role: Role(strings.ToLower(strings.TrimSpace(rec[col["role"]])))}
		if errs := in.Check(); len(errs) > 0 {
			reason := errs[0].Message
			switch errs[0].Field {
			case "email":
				reason = fmt.Sprintf("%q is not an email address", text.Cut(in.Email, 60))
			case "role":
				reason = fmt.Sprintf("%q is not a role: use %s", text.Cut(string(in.Role), 30), FormatRoles(Roles))
			}
			return nil, &ContactsError{Line: line, Reason: reason}
		}
		key := strconv.Itoa(urn) + " " + string(in.Role) + " " + strings.ToLower(in.Email)
		if first, dup := seen[key]; dup {
			return nil, &ContactsError{Line: line, Reason: fmt.Sprintf("the same contact and role for URN %d is also on line %d", urn, first)}
		}
		seen[key] = line
		out = append(out, ContactLine{URN: urn, Line: line, ContactInput: in})
	}
	if len(out) == 0 {
		return nil, &ContactsError{Reason: "no contacts in the file"}
	}
	return out, nil
}

// ContactBook is the partnership's contacts at each school, kept across rounds.
type ContactBook struct {
	st       *store.Store
	c        *mongo.Collection
	register *Register
	audit    *audit.Log
	// changed is told which schools' contacts changed, so open rounds' returns without a
	// contact email take the book's (Rounds sets it).
	changed func(ctx context.Context, by audit.Actor, urns []int) error
}

func newContactBook(st *store.Store, register *Register) *ContactBook {
	return &ContactBook{st: st, c: st.Collection("contact_book"), register: register, audit: audit.New(st)}
}

// OfSchool is a school's contacts (none yet: an empty list, not an error).
func (b *ContactBook) OfSchool(ctx context.Context, urn int) (SchoolContacts, error) {
	sc, err := store.FindByID[SchoolContacts](ctx, b.c, strconv.Itoa(urn), ErrContactNotFound)
	if errors.Is(err, ErrContactNotFound) {
		return SchoolContacts{ID: strconv.Itoa(urn), URN: urn}, nil
	}
	if err != nil {
		return sc, fmt.Errorf("contact book: reading URN %d: %w", urn, err)
	}
	return sc, nil
}

// byURN is every school's contacts, keyed by URN, for a run over a round's schools.
func (b *ContactBook) byURN(ctx context.Context) (map[int]SchoolContacts, error) {
	all, err := b.All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int]SchoolContacts, len(all))
	for _, sc := range all {
		out[sc.URN] = sc
	}
	return out, nil
}

// defaultContactEmails gives new returns without a contact email the book's default
// (DefaultEmail), so one-time codes and reminders reach the school from the start.
func (b *ContactBook) defaultContactEmails(ctx context.Context, returns []Return) error {
	book, err := b.byURN(ctx)
	if err != nil {
		return err
	}
	for i := range returns {
		if returns[i].ContactEmail == "" {
			returns[i].ContactEmail = book[returns[i].URN].DefaultEmail()
		}
	}
	return nil
}

// All is every school's contacts, by URN.
func (b *ContactBook) All(ctx context.Context) ([]SchoolContacts, error) {
	out, err := store.FindAll[SchoolContacts](ctx, b.c, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("contact book: listing: %w", err)
	}
	slices.SortFunc(out, func(a, b SchoolContacts) int { return a.URN - b.URN })
	return out, nil
}

// save writes a school's contacts if nobody changed them since they were read (at
// sc.Version); a first save inserts.
func (b *ContactBook) save(ctx context.Context, sc SchoolContacts) error {
	read := sc.Version
	sc.Version++
	sc.Changed = time.Now().UTC()
	var err error
	done := true
	if read == 0 {
		err = b.st.Write(ctx, func(ctx context.Context) error {
			_, err := b.c.InsertOne(ctx, sc)
			return err
		})
		if store.IsDuplicateKey(err) {
			done, err = false, nil
		}
	} else {
		done, err = b.st.ReplaceIfVersion(ctx, b.c, sc.ID, read, sc)
	}
	if err != nil {
		return fmt.Errorf("contact book: saving URN %d: %w", sc.URN, err)
	}
	if !done {
		return ErrContactsChanged
	}
	return nil
}

// change applies edit to a school's contacts and saves them, and records it.
func (b *ContactBook) change(ctx context.Context, by audit.Actor, urn int, action, detail string, edit func(*SchoolContacts) error) error {
	if _, err := b.register.Get(ctx, urn); err != nil {
		return err
	}
	sc, err := b.OfSchool(ctx, urn)
	if err != nil {
		return err
	}
	if err := edit(&sc); err != nil {
		return err
	}
	if err := b.save(ctx, sc); err != nil {
		return err
	}
	record(ctx, b.audit, by, action, strconv.Itoa(urn), detail)
	return b.tell(ctx, by, []int{urn})
}

// tell passes on that the schools urns' contacts changed.
func (b *ContactBook) tell(ctx context.Context, by audit.Actor, urns []int) error {
	if b.changed == nil || len(urns) == 0 {
		return nil
	}
	return b.changed(ctx, by, urns)
}

func newContactID() string {
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}

// Add adds a contact to a school of the register, and records who did it.
func (b *ContactBook) Add(ctx context.Context, by audit.Actor, urn int, in ContactInput) (Contact, error) {
	if errs := in.Check(); len(errs) > 0 {
		return Contact{}, errs
	}
	c := in.contact(newContactID())
	err := b.change(ctx, by, urn, audit.ActionContactAdded, c.Role.Label()+" "+c.Email, func(sc *SchoolContacts) error {
		if slices.ContainsFunc(sc.Contacts, c.same) {
			return problem.FieldErrors{{Field: "email", Message: "This school already has that email address in that role"}}
		}
		sc.Contacts = append(sc.Contacts, c)
		return nil
	})
	return c, err
}

// Change changes a contact's name, email and role (a bounced mark stays unless the
// email changes), and records who did it.
func (b *ContactBook) Change(ctx context.Context, by audit.Actor, urn int, id string, in ContactInput) error {
	if errs := in.Check(); len(errs) > 0 {
		return errs
	}
	next := in.contact(id)
	return b.change(ctx, by, urn, audit.ActionContactChanged, next.Role.Label()+" "+next.Email, func(sc *SchoolContacts) error {
		i := slices.IndexFunc(sc.Contacts, func(c Contact) bool { return c.ID == id })
		if i < 0 {
			return ErrContactNotFound
		}
		if slices.ContainsFunc(sc.Contacts, func(c Contact) bool { return c.ID != id && c.same(next) }) {
			return problem.FieldErrors{{Field: "email", Message: "This school already has that email address in that role"}}
		}
		if strings.EqualFold(sc.Contacts[i].Email, next.Email) {
			next.Bounced, next.BouncedAt, next.BouncedWhy = sc.Contacts[i].Bounced, sc.Contacts[i].BouncedAt, sc.Contacts[i].BouncedWhy
		}
		sc.Contacts[i] = next
		return nil
	})
}

// Remove takes a contact out of the book, and records who did it.
func (b *ContactBook) Remove(ctx context.Context, by audit.Actor, urn int, id string) error {
	sc, err := b.OfSchool(ctx, urn)
	if err != nil {
		return err
	}
	gone, ok := sc.Find(id)
	if !ok {
		return ErrContactNotFound
	}
	return b.change(ctx, by, urn, audit.ActionContactRemoved, gone.Role.Label()+" "+gone.Email, func(sc *SchoolContacts) error {
		i := slices.IndexFunc(sc.Contacts, func(c Contact) bool { return c.ID == id })
		if i < 0 {
			return ErrContactNotFound
		}
		sc.Contacts = slices.Delete(sc.Contacts, i, i+1)
		return nil
	})
}

// ErrBounceReason asks why an address is marked bounced.
var ErrBounceReason = problem.FieldErrors{{Field: "why", Message: "Enter why mail does not reach this address, like the mail server's reply (500 characters or fewer)"}}

// SetBounced marks a contact's address as one mail does not reach, with when and why (or
// clears the mark, with why empty), and records who did it.
func (b *ContactBook) SetBounced(ctx context.Context, by audit.Actor, urn int, id string, bounced bool, why string, now time.Time) error {
	why = text.Line(why)
	if bounced && (why == "" || !text.Fits(why, 500)) {
		return ErrBounceReason
	}
	action := audit.ActionContactBounced
	if !bounced {
		action, why = audit.ActionContactBounceCleared, ""
	}
	return b.change(ctx, by, urn, action, why, func(sc *SchoolContacts) error {
		i := slices.IndexFunc(sc.Contacts, func(c Contact) bool { return c.ID == id })
		if i < 0 {
			return ErrContactNotFound
		}
		c := &sc.Contacts[i]
		c.Bounced, c.BouncedWhy, c.BouncedAt = bounced, why, time.Time{}
		if bounced {
			c.BouncedAt = now.UTC()
		}
		return nil
	})
}

// ContactImport is what importing a contact book file did.
type ContactImport struct {
	Schools   int // schools in the file
	Contacts  int // contacts in the file
	Changed   int // schools whose contacts changed
	Unchanged int // schools whose contacts were already the file's
}

// Import loads a contact book file. For every school in the file, the file's contacts
// replace the school's contacts (schools not in the file keep theirs); a contact already
// held (same email and role) keeps its bounced mark, so importing the same file again
// changes nothing. Every URN must be in the register, or nothing is stored. It records
// who did it, and the file (source).
func (b *ContactBook) Import(ctx context.Context, by audit.Actor, lines []ContactLine, source string) (ContactImport, error) {
	var res ContactImport
	schools, _, err := b.register.List(ctx, SchoolFilter{})
	if err != nil {
		return res, err
	}
	known := make(map[int]bool, len(schools))
	for _, s := range schools {
		known[s.URN] = true
	}
	byURN := map[int][]ContactInput{}
	var order []int
	for _, l := range lines {
		if !known[l.URN] {
			return res, &ContactsError{Line: l.Line, Reason: fmt.Sprintf("URN %d is not in the schools register", l.URN)}
		}
		if _, ok := byURN[l.URN]; !ok {
			order = append(order, l.URN)
		}
		byURN[l.URN] = append(byURN[l.URN], l.ContactInput)
	}
	res.Schools, res.Contacts = len(order), len(lines)
	var changed []int
	for _, urn := range order {
		sc, err := b.OfSchool(ctx, urn)
		if err != nil {
			return res, err
		}
		next := make([]Contact, 0, len(byURN[urn]))
		for _, in := range byURN[urn] {
			c := in.contact(newContactID())
			if i := slices.IndexFunc(sc.Contacts, c.same); i >= 0 {
				held := sc.Contacts[i]
				held.Name, held.Email = c.Name, c.Email
				c = held
			}
			next = append(next, c)
		}
		if slices.Equal(next, sc.Contacts) {
			res.Unchanged++
			continue
		}
		sc.Contacts = next
		if err := b.save(ctx, sc); err != nil {
			return res, err
		}
		res.Changed++
		changed = append(changed, urn)
	}
	record(ctx, b.audit, by, audit.ActionContactsImported, "contact book",
		fmt.Sprintf("%d contacts of %d schools from %s: %d schools changed, %d unchanged", res.Contacts, res.Schools, source, res.Changed, res.Unchanged))
	return res, b.tell(ctx, by, changed)
}

// WriteCSV writes the whole book as a contact book file (urn,name,email,role) with the
// bounced marks after, so it can be edited and imported again.
func (b *ContactBook) WriteCSV(ctx context.Context, w io.Writer) error {
	all, err := b.All(ctx)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"urn", "name", "email", "role", "bounced", "bounced_why"})
	for _, sc := range all {
		for _, c := range sc.Contacts {
			bounced := ""
			if c.Bounced {
				bounced = c.BouncedAt.Format(time.DateOnly)
			}
			_ = cw.Write([]string{strconv.Itoa(sc.URN), exports.SafeText(c.Name), exports.SafeText(c.Email), string(c.Role), bounced, exports.SafeText(c.BouncedWhy)})
		}
	}
	cw.Flush()
	return cw.Error()
}
