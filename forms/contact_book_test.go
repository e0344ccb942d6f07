package forms

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/demo/county"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/storetest"
)

// bookRegister is a register of the demo county, and the URNs of its first open schools
// that are expected in a round (not colleges).
func bookRegister(t *testing.T) (*Rounds, []int) {
	t.Helper()
	st := storetest.New(t)
	g := NewRegister(st)
	importBytes(t, g, county.GIAS())
	schools, _, err := g.List(context.Background(), SchoolFilter{Status: StatusOpen})
	if err != nil {
		t.Fatal(err)
	}
	var urns []int
	for _, s := range schools {
		if s.Phase != PhaseCollege && len(urns) < 4 {
			urns = append(urns, s.URN)
		}
	}
	return NewRounds(st, g), urns
}

// bookFile is a contact book file: at each school a DSL, a safeguarding governor and a
// headteacher.
func bookFile(urns []int) string {
	var b strings.Builder
	b.WriteString("urn,name,email,role\n")
	for _, u := range urns {
		fmt.Fprintf(&b, "%d,Dee Ess%d,dsl%d@school.example.org,dsl\n", u, u, u)
		fmt.Fprintf(&b, "%d,Gov Ernor%d,gov%d@school.example.org,safeguarding-governor\n", u, u, u)
		fmt.Fprintf(&b, "%d,Head%d,head%d@school.example.org,headteacher\n", u, u, u)
	}
	return b.String()
}

func importBook(t *testing.T, b *ContactBook, file string) ContactImport {
	t.Helper()
	lines, err := ReadContactBook(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Import(context.Background(), audit.CommandLine, lines, "book.csv")
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestReadContactBookRefusesBadLinesNamingThem(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, file string
		line       int
		reason     string
	}{
		{"no header", "", 1, "no header"},
		{"header lacks role", "urn,name,email\n1,A,a@b.org\n", 1, "urn, name, email and role"},
		{"bad URN", "urn,name,email,role\n100001,A,a@x.org,dsl\nx,B,b@x.org,dsl\n", 3, `URN "x"`},
		{"bad email", "urn,name,email,role\n100001,A,not-an-email,dsl\n", 2, "not an email address"},
		{"unknown role", "urn,name,email,role\n100001,A,a@x.org,governor\n", 2, `"governor" is not a role`},
		{"no name", "urn,name,email,role\n100001,,a@x.org,dsl\n", 2, "name"},
		{"same twice", "urn,name,email,role\n100001,A,a@x.org,dsl\n100001,A,A@x.org,DSL\n", 3, "also on line 2"},
		{"too few columns", "urn,name,email,role\n100001,A\n", 2, "too few columns"},
		{"no lines", "urn,name,email,role\n", 0, "no contacts"},
	} {
		_, err := ReadContactBook(strings.NewReader(c.file))
		var ce *ContactsError
		if !errors.As(err, &ce) || ce.Line != c.line || !strings.Contains(ce.Error(), c.reason) || problem.KindOf(err) != problem.Invalid {
			t.Errorf("%s: %v, want line %d and %q", c.name, err, c.line, c.reason)
		}
	}
	big := bytes.Repeat([]byte("x"), MaxContactsFileSize+1)
	if _, err := ReadContactBook(bytes.NewReader(big)); err == nil || !strings.Contains(err.Error(), "4 MB") {
		t.Errorf("a file over the cap: %v", err)
	}
	// Roles by slug in any case, columns in any order, others ignored.
	lines, err := ReadContactBook(strings.NewReader("\ufeffEmail,Role,URN,Name,phone\nc@x.org,Chair,100001,Cee,01234\n"))
	if err != nil || len(lines) != 1 || lines[0].Role != RoleChair || lines[0].URN != 100001 || lines[0].Name != "Cee" {
		t.Fatalf("%+v, %v", lines, err)
	}
}

func TestContactBookImportEditBouncedAndReimport(t *testing.T) {
	t.Parallel()
	rs, urns := bookRegister(t)
	b := rs.ContactBook()
	ctx := context.Background()

	// A URN outside the register refuses the whole file: nothing is stored.
	lines, err := ReadContactBook(strings.NewReader(bookFile(urns) + "999999999,Nobody,n@x.org,dsl\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Import(ctx, audit.CommandLine, lines, "book.csv")
	var ce *ContactsError
	if !errors.As(err, &ce) || ce.Line != 3*len(urns)+2 || !strings.Contains(ce.Reason, "not in the schools register") {
		t.Fatalf("unknown URN: %v", err)
	}
	if all, err := b.All(ctx); err != nil || len(all) != 0 {
		t.Fatalf("a refused file stored %d schools: %v", len(all), err)
	}

	res := importBook(t, b, bookFile(urns))
	if res.Schools != len(urns) || res.Contacts != 3*len(urns) || res.Changed != len(urns) {
		t.Fatalf("first import: %+v", res)
	}
	sc, err := b.OfSchool(ctx, urns[0])
	if err != nil || len(sc.Contacts) != 3 || sc.DefaultEmail() != fmt.Sprintf("dsl%d@school.example.org", urns[0]) {
		t.Fatalf("school's contacts: %+v, %v", sc, err)
	}

	// Edits: add a clerk, change the governor's name, mark the DSL bounced, remove the head.
	admin := audit.Actor{Name: "officer@example.org"}
	if _, err := b.Add(ctx, admin, urns[0], ContactInput{Name: "Cl Erk", Email: "clerk@school.example.org", Role: RoleClerk}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Add(ctx, admin, urns[0], ContactInput{Name: "", Email: "nope", Role: "x"}); len(fieldErrs(err)) != 3 {
		t.Fatalf("a bad contact: %v", err)
	}
	if _, err := b.Add(ctx, admin, 999999999, ContactInput{Name: "A", Email: "a@x.org", Role: RoleDSL}); !errors.Is(err, ErrSchoolNotFound) {
		t.Fatalf("a school outside the register: %v", err)
	}
	find := func(role Role) Contact {
		sc, err := b.OfSchool(ctx, urns[0])
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(sc.Contacts, func(c Contact) bool { return c.Role == role })
		if i < 0 {
			t.Fatalf("no %s in %+v", role, sc.Contacts)
		}
		return sc.Contacts[i]
	}
	gov := find(RoleSafeguardingGovernor)
	if err := b.Change(ctx, admin, urns[0], gov.ID, ContactInput{Name: "Renamed Governor", Email: gov.Email, Role: gov.Role}); err != nil {
		t.Fatal(err)
	}
	dsl := find(RoleDSL)
	if err := b.SetBounced(ctx, admin, urns[0], dsl.ID, true, "", time.Now()); len(fieldErrs(err)) != 1 {
		t.Fatalf("bounced without a reason: %v", err)
	}
	if err := b.SetBounced(ctx, admin, urns[0], dsl.ID, true, "550 mailbox unknown", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := b.Remove(ctx, admin, urns[0], find(RoleHeadteacher).ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Remove(ctx, admin, urns[0], "nosuch"); !errors.Is(err, ErrContactNotFound) {
		t.Fatalf("removing a missing contact: %v", err)
	}
	if d := find(RoleDSL); !d.Bounced || d.BouncedWhy != "550 mailbox unknown" || d.BouncedAt.IsZero() {
		t.Fatalf("bounced mark: %+v", d)
	}
	sc, _ = b.OfSchool(ctx, urns[0])
	if got := sc.DefaultEmail(); got != gov.Email {
		t.Fatalf("with the DSL bounced the default is %q, want the governor's", got)
	}
	if len(sc.WithRoles(DefaultInviteRoles)) != 1 {
		t.Fatalf("a bounced DSL is still invited: %+v", sc.WithRoles(DefaultInviteRoles))
	}

	// The same file again restores the first school as the file says (its clerk goes,
	// the head comes back), keeps the DSL's bounced mark, and leaves the others as they were.
	res = importBook(t, b, bookFile(urns))
	if res.Changed != 1 || res.Unchanged != len(urns)-1 {
		t.Fatalf("reimport after edits: %+v", res)
	}
	if d := find(RoleDSL); !d.Bounced {
		t.Fatal("a reimport cleared the bounced mark")
	}
	res = importBook(t, b, bookFile(urns))
	if res.Changed != 0 || res.Unchanged != len(urns) {
		t.Fatalf("the same file twice changed something: %+v", res)
	}
	// A file of one school leaves the other schools' contacts alone.
	importBook(t, b, fmt.Sprintf("urn,name,email,role\n%d,Only,only@x.org,trust\n", urns[1]))
	if sc, _ := b.OfSchool(ctx, urns[2]); len(sc.Contacts) != 3 {
		t.Fatalf("another school's contacts changed: %+v", sc)
	}
	if sc, _ := b.OfSchool(ctx, urns[1]); len(sc.Contacts) != 1 {
		t.Fatalf("the file's school kept contacts not in the file: %+v", sc)
	}
	if err := b.SetBounced(ctx, admin, urns[0], dsl.ID, false, "", time.Now()); err != nil || find(RoleDSL).Bounced {
		t.Fatalf("clearing the mark: %v", err)
	}
	var csv bytes.Buffer
	if err := b.WriteCSV(ctx, &csv); err != nil || !strings.HasPrefix(csv.String(), "urn,name,email,role,bounced,bounced_why\n") ||
		!strings.Contains(csv.String(), ",Dee Ess") {
		t.Fatalf("list: %v\n%s", err, csv.String())
	}
	for _, action := range []string{audit.ActionContactsImported, audit.ActionContactAdded, audit.ActionContactChanged,
		audit.ActionContactBounced, audit.ActionContactBounceCleared, audit.ActionContactRemoved} {
		var n int
		err := rs.audit.Each(ctx, audit.Filter{Action: action}, 0, func(e audit.Entry) error { n++; return nil })
		if err != nil || n == 0 {
			t.Errorf("no %s in the audit log (%v)", action, err)
		}
	}
}

// bookRound is a register with a contact book, and an open round made after it.
func bookRound(t *testing.T) (*Rounds, []int) {
	t.Helper()
	rs, urns := bookRegister(t)
	importBook(t, rs.ContactBook(), bookFile(urns))
	ctx := context.Background()
	if _, err := rs.Create(ctx, audit.CommandLine, NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2099-12-13"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Open(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	return rs, urns
}

func TestNewReturnsTakeTheBooksContactEmail(t *testing.T) {
	t.Parallel()
	rs, urns := bookRound(t)
	r, err := rs.returns.Get(context.Background(), ReturnID{Round: "2024-25", URN: urns[0]})
	if err != nil || r.ContactEmail != fmt.Sprintf("dsl%d@school.example.org", urns[0]) {
		t.Fatalf("contact email %q, %v", r.ContactEmail, err)
	}
}

// A book loaded after a round opened gives its returns without a contact email the
// book's; an email the partnership set for the round stays.
func TestTheBookFillsOpenRoundsMissingContactEmails(t *testing.T) {
	t.Parallel()
	rs, urns := bookRegister(t)
	ctx := context.Background()
	if _, err := rs.Create(ctx, audit.CommandLine, NewRoundInput{Year: "2024-25", Opens: "2024-10-01", Deadline: "2099-12-13"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Open(ctx, audit.CommandLine, "2024-25"); err != nil {
		t.Fatal(err)
	}
	set := ReturnID{Round: "2024-25", URN: urns[1]}
	if err := rs.returns.SetContactEmail(ctx, audit.CommandLine, set, "chosen@school.example.org"); err != nil {
		t.Fatal(err)
	}
	importBook(t, rs.ContactBook(), bookFile(urns))
	for id, want := range map[ReturnID]string{{Round: "2024-25", URN: urns[0]}: fmt.Sprintf("dsl%d@school.example.org", urns[0]), set: "chosen@school.example.org"} {
		if r, err := rs.returns.Get(ctx, id); err != nil || r.ContactEmail != want {
			t.Errorf("%s: contact email %q, want %q (%v)", id, r.ContactEmail, want, err)
		}
	}
}

func TestInvitationsClaimedOncePerSchoolAndContactAcrossInstances(t *testing.T) {
	t.Parallel()
	rs, urns := bookRound(t)
	ctx := context.Background()
	m := mail.New(rs.st, mail.SMTP{})
	// Two instances: each its own services over the one store.
	other := NewRounds(rs.st, rs.register)
	chases := []*Chase{
		NewChase(rs, m, ChaseConfig{Partnership: "Demo LSCP", PublicURL: "https://assure.example.org"}),
		NewChase(other, mail.New(rs.st, mail.SMTP{}), ChaseConfig{Partnership: "Demo LSCP", PublicURL: "https://assure.example.org"}),
	}
	plan, err := chases[0].PlanInvitations(ctx, "2024-25", nil)
	if err != nil || plan.Schools != len(urns) || plan.Contacts != 2*len(urns) || plan.NoContacts == 0 {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	now := time.Now()
	var wg sync.WaitGroup
	runs := make([]InvitationRun, 4)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if runs[i], err = chases[i%2].SendInvitations(ctx, audit.CommandLine, "2024-25", nil, now); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	sent := 0
	for _, r := range runs {
		sent += r.Sent
	}
	if sent != 2*len(urns) {
		t.Fatalf("racing runs sent %d invitations, want %d: %+v", sent, 2*len(urns), runs)
	}
	msgs, err := m.Recent(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	to := map[string]int{}
	for _, msg := range msgs {
		if msg.Purpose == ContactInvitation {
			to[msg.To]++
		}
	}
	for _, u := range urns {
		for _, who := range []string{"dsl", "gov"} {
			if addr := fmt.Sprintf("%s%d@school.example.org", who, u); to[addr] != 1 {
				t.Errorf("%s got %d invitations", addr, to[addr])
			}
		}
		if addr := fmt.Sprintf("head%d@school.example.org", u); to[addr] != 0 {
			t.Errorf("the head, not in the round's roles, got %d", to[addr])
		}
	}
	// A rerun sends nothing; the log has each invitation with its delivery.
	again, err := chases[1].SendInvitations(ctx, audit.CommandLine, "2024-25", nil, now)
	if err != nil || again.Sent != 0 || again.Already != 2*len(urns) {
		t.Fatalf("rerun: %+v, %v", again, err)
	}
	log, err := chases[0].Log(ctx, ReturnID{Round: "2024-25", URN: urns[0]})
	if err != nil || len(log) != 2 || log[0].Kind != ContactInvitation || log[0].Delivery != mail.StatusOutbox {
		t.Fatalf("chase log: %+v, %v", log, err)
	}

	// The roles filter: the heads are invited when asked for, once.
	heads, err := chases[0].SendInvitations(ctx, audit.CommandLine, "2024-25", []Role{RoleHeadteacher}, now)
	if err != nil || heads.Sent != len(urns) || heads.Schools != len(urns) {
		t.Fatalf("heads: %+v, %v", heads, err)
	}
	if again, _ := chases[0].SendInvitations(ctx, audit.CommandLine, "2024-25", []Role{RoleHeadteacher}, now); again.Sent != 0 {
		t.Fatalf("heads again: %+v", again)
	}
}

func TestWordingPlaceholdersAndPreview(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		w     Wording
		field string
	}{
		{Wording{InviteBody: "Hello {name}, {link}"}, "invite_body"},
		{Wording{InviteBody: "No link here"}, "invite_body"},
		{Wording{ReminderSubject: "Two\nlines"}, "reminder_subject"},
		{Wording{InviteSubject: strings.Repeat("x", 201)}, "invite_subject"},
		// A subject is stored readable in the outbox: the school's link never goes there.
		{Wording{InviteSubject: "Your form: {link}"}, "invite_subject"},
		{Wording{ReminderSubject: "{link}"}, "reminder_subject"},
	} {
		if errs := c.w.Check(); len(errs) != 1 || errs[0].Field != c.field {
			t.Errorf("%+v: %v", c.w, errs)
		}
	}
	rs, urns := bookRound(t)
	ctx := context.Background()
	admin := audit.Actor{Name: "officer@example.org"}
	if err := rs.SetInvitation(ctx, admin, "2024-25", Invitation{On: "2024-02-30"}); len(fieldErrs(err)) != 2 {
		t.Fatalf("no roles: %v", err)
	}
	w := Wording{InviteSubject: "Assurance for {school}", InviteBody: "{partnership} asks {school} by {deadline}: {link}",
		ReminderSubject: "Still waiting: {school}", ReminderBody: "Due {deadline}. {link}"}
	if err := rs.SetInvitation(ctx, admin, "2024-25", Invitation{Roles: []Role{RoleDSL}, Wording: w}); err != nil {
		t.Fatal(err)
	}
	c := NewChase(rs, mail.New(rs.st, mail.SMTP{}), ChaseConfig{Partnership: "Demo LSCP", PublicURL: "https://assure.example.org"})
	id := ReturnID{Round: "2024-25", URN: urns[0]}
	r, _ := rs.returns.Get(ctx, id)
	e, err := c.PreviewInvitation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := c.links.LiveLink(ctx, r)
	want := "Demo LSCP asks " + r.School.Name + " by Sunday 13 December 2099: " + PreviewLink // never the school's own link
	if e.Subject != "Assurance for "+r.School.Name || e.Body != want || !slices.Equal(e.To, []string{fmt.Sprintf("dsl%d@school.example.org", urns[0])}) {
		t.Fatalf("preview: %+v\nwant body %q", e, want)
	}
	// A preview sends nothing; a test goes to the admin with a link that opens nothing.
	if msgs, _ := c.mail.(*mail.Mailer).Recent(ctx, 10); len(msgs) != 0 {
		t.Fatalf("a preview sent %d emails", len(msgs))
	}
	msg, err := c.SendTestInvitation(ctx, admin, id, "officer@example.org")
	if err != nil || msg.To != "officer@example.org" || !strings.HasPrefix(msg.Subject, "Test: Assurance for") || strings.Contains(msg.Body, tok) {
		t.Fatalf("test send: %+v, %v", msg, err)
	}
	// Reminders use the round's wording and go to the same roles (and the contact email).
	if _, err := c.SendReminder(ctx, admin, id, time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs, _ := c.mail.(*mail.Mailer).Recent(ctx, 1)
	if msgs[0].Subject != "Still waiting: "+r.School.Name || !strings.Contains(msgs[0].Body, "Due Sunday 13 December 2099. https://") {
		t.Fatalf("reminder: %+v", msgs[0])
	}
}

// fieldErrs is the field errors err carries, if any.
func fieldErrs(err error) problem.FieldErrors {
	var fe problem.FieldErrors
	errors.As(err, &fe)
	return fe
}

// A round's invitation day: before it the service sends nothing by itself; from it, each
// invitation once, however often it runs.
func TestInvitationsGoByThemselvesFromTheRoundsDay(t *testing.T) {
	t.Parallel()
	rs, urns := bookRound(t)
	ctx := context.Background()
	c := NewChase(rs, mail.New(rs.st, mail.SMTP{}), ChaseConfig{Partnership: "Demo LSCP", PublicURL: "https://assure.example.org"})
	now := time.Now()
	if run, rounds, err := c.InvitationsDue(ctx, now); err != nil || run.Sent != 0 || len(rounds) != 0 {
		t.Fatalf("with no day set: %+v %v %v", run, rounds, err)
	}
	day := now.AddDate(0, 0, 2).Format(time.DateOnly)
	if err := rs.SetInvitation(ctx, audit.CommandLine, "2024-25", Invitation{Roles: DefaultInviteRoles, On: day}); err != nil {
		t.Fatal(err)
	}
	if run, _, err := c.InvitationsDue(ctx, now); err != nil || run.Sent != 0 {
		t.Fatalf("before the day: %+v %v", run, err)
	}
	later := now.AddDate(0, 0, 3)
	if run, rounds, err := c.InvitationsDue(ctx, later); err != nil || run.Sent != 2*len(urns) || !slices.Equal(rounds, []string{"2024-25"}) {
		t.Fatalf("on the day: %+v %v %v", run, rounds, err)
	}
	if run, _, err := c.InvitationsDue(ctx, later); err != nil || run.Sent != 0 || run.Already != 2*len(urns) {
		t.Fatalf("again: %+v %v", run, err)
	}
}

// Two admins adding contacts to one school at once: each add is kept, or refused as a
// conflict to repeat; none is lost.
func TestConcurrentEditsOfASchoolLoseNothing(t *testing.T) {
	t.Parallel()
	rs, urns := bookRegister(t)
	b := rs.ContactBook()
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	added := 0
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.Add(ctx, audit.CommandLine, urns[0], ContactInput{Name: "Clerk", Email: fmt.Sprintf("clerk%d@x.org", i), Role: RoleClerk})
			switch {
			case err == nil:
				mu.Lock()
				added++
				mu.Unlock()
			case !errors.Is(err, ErrContactsChanged):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	sc, err := b.OfSchool(ctx, urns[0])
	if err != nil || added == 0 || len(sc.Contacts) != added {
		t.Fatalf("%d adds succeeded, %d contacts kept (%v)", added, len(sc.Contacts), err)
	}
}

// An email address can begin with a formula: the book's file escapes it as it does names,
// so a spreadsheet opening the file never runs it.
func TestContactBookCSVEscapesFormulaEmails(t *testing.T) {
	t.Parallel()
	rs, urns := bookRegister(t)
	b := rs.ContactBook()
	ctx := context.Background()
	const formula = "=cmd|'/Ccalc'!A0@example.org"
	if _, err := b.Add(ctx, audit.Actor{Name: "officer@example.org"}, urns[0], ContactInput{Name: "Sam", Email: formula, Role: RoleDSL}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := b.WriteCSV(ctx, &out); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %q: %v", rows, err)
	}
	if got := rows[1][2]; got != "'"+formula {
		t.Errorf("email cell %q, want it escaped", got)
	}
}
