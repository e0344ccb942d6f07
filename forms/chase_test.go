package forms

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
)

func TestParseReminderDays(t *testing.T) {
	t.Parallel()
	got, err := ParseReminderDays("7, 21;1 7")
	if err != nil || len(got) != 3 || got[0] != 21 || got[1] != 7 || got[2] != 1 {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"x", "-1", "121", "1,2,3,4,5,6,7,8,9,10,11"} {
		if _, err := ParseReminderDays(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDueStep(t *testing.T) {
	t.Parallel()
	r := Round{Deadline: "2024-12-13", ReminderDays: []int{21, 7, 1}}
	for _, c := range []struct {
		day  string
		want int
	}{
		{"2024-11-21", -1}, {"2024-11-22", 21}, {"2024-12-05", 21}, {"2024-12-06", 7}, {"2024-12-11", 7},
		{"2024-12-12", 1}, {"2024-12-13", 1}, {"2024-12-14", -1},
	} {
		// 23:30 UTC on 5 December is still 5 December in London (GMT); a step is by London day.
		at, _ := time.ParseInLocation(time.DateOnly+" 15:04", c.day+" 23:30", time.UTC)
		if got := r.DueStep(Return{}, at); got != c.want {
			t.Errorf("%s: step %d, want %d", c.day, got, c.want)
		}
	}
}

// chaseRound is an open round with contact emails for every school and a few returned.
func chaseRound(t *testing.T) (*Rounds, *Chase, *mail.Mailer, Round, []Return) {
	t.Helper()
	rs, round := openRound(t)
	ctx := context.Background()
	m := mail.New(rs.st, mail.SMTP{})
	c := NewChase(rs, m, ChaseConfig{Partnership: "Demo LSCP", PublicURL: "https://assure.example.org"})
	returns, err := rs.returns.OfRound(ctx, round.ID)
	if err != nil {
		t.Fatal(err)
	}
	var contacts []SchoolContact
	for _, r := range returns[:12] {
		contacts = append(contacts, SchoolContact{URN: r.URN, Email: "gov" + r.ID[8:] + "@example.org"})
	}
	if err := rs.SetContactEmails(ctx, audit.CommandLine, round.ID, contacts, "contacts.csv"); err != nil {
		t.Fatal(err)
	}
	// Returns 0-2 submit, 3 is exempt; 12 onwards have no email.
	for _, r := range returns[:3] {
		submitAll(t, rs, round, r)
	}
	if err := rs.returns.SetExempt(ctx, audit.CommandLine, ReturnID{Round: round.ID, URN: returns[3].URN}, true, "closed"); err != nil {
		t.Fatal(err)
	}
	return rs, c, m, round, returns
}

func submitAll(t *testing.T, rs *Rounds, round Round, r Return) {
	t.Helper()
	ctx := context.Background()
	r, err := rs.returns.Get(ctx, ReturnID{Round: r.Round, URN: r.URN}) // the whole return: a listed one lacks some of the school's record
	if err != nil {
		t.Fatal(err)
	}
	secs := round.Definition.For(r.School.Record)
	a := serviceOver(rs)
	v := r.Version
	for _, sec := range QuestionSections(secs) {
		got, err := saveFilled(ctx, a, r, v, sec)
		if err != nil {
			t.Fatal(err)
		}
		v = got.Version
	}
	if _, err := submitted(ctx, a, r, signed(secs, v, "k", time.Now())); err != nil {
		t.Fatal(err)
	}
}

func TestRemindersReachOnlyNonReturnersOncePerStep(t *testing.T) {
	t.Parallel()
	rs, c, m, round, returns := chaseRound(t)
	ctx := context.Background()
	deadline, _ := time.ParseInLocation(time.DateOnly, round.Deadline, academic.London)
	before := deadline.AddDate(0, 0, -30).Add(10 * time.Hour)
	run, err := c.RunDue(ctx, before)
	if err != nil || run.Sent != 0 || len(run.Rounds) != 0 {
		t.Fatalf("30 days before: %+v, %v", run, err)
	}
	step21 := deadline.AddDate(0, 0, -21).Add(10 * time.Hour)
	// Three instances run the schedule at once: each school gets one email.
	var wg sync.WaitGroup
	runs := make([]ReminderRun, 3)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if runs[i], err = c.RunDue(ctx, step21); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	sent := 0
	for _, r := range runs {
		sent += r.Sent
	}
	if sent != 8 {
		t.Fatalf("sent %d reminders, want 8 (12 with email, less 3 returned and 1 exempt): %+v", sent, runs)
	}
	// Again the same day, and later in the same step: nothing new.
	for _, at := range []time.Time{step21.Add(time.Hour), deadline.AddDate(0, 0, -10)} {
		run, err := c.RunDue(ctx, at)
		if err != nil || run.Sent != 0 || run.AlreadyDone != 8 {
			t.Fatalf("rerun at %s: %+v, %v", at, run, err)
		}
	}
	msgs, _ := m.Recent(ctx, 1000)
	got := map[string]int{}
	for _, msg := range msgs {
		got[msg.To]++
		if !strings.Contains(msg.Body, "https://assure.example.org/r/") || !strings.Contains(msg.Subject, "Reminder") {
			t.Errorf("message lacks a link or subject: %+v", msg)
		}
	}
	for i, r := range returns[:12] {
		to := "gov" + r.ID[8:] + "@example.org"
		if want := map[bool]int{true: 0, false: 1}[i <= 3]; got[to] != want {
			t.Errorf("%s got %d reminders, want %d", to, got[to], want)
		}
	}
	// The link in the email opens the school's return.
	body := msgs[0].Body
	tok := body[strings.Index(body, "/r/")+3:]
	tok = tok[:strings.IndexByte(tok, '\n')]
	if r, err := NewLinks(rs).ResolveLink(ctx, tok); err != nil || r.ContactEmail != msgs[0].To {
		t.Errorf("emailed link opens %v, %v", r.ID, err)
	}
	// The next step goes out once more, to the same schools, less any that returned since.
	submitAll(t, rs, round, returns[11])
	run, err = c.RunDue(ctx, deadline.AddDate(0, 0, -7).Add(9*time.Hour))
	if err != nil || run.Sent != 7 {
		t.Fatalf("7-day step: %+v, %v", run, err)
	}
	r, _ := rs.returns.Get(ctx, ReturnID{Round: round.ID, URN: returns[5].URN})
	if r.Reminders != 2 || r.LinksIssued != 1 || r.LastContact.IsZero() {
		t.Errorf("counters after two steps: reminders %d links %d last %v", r.Reminders, r.LinksIssued, r.LastContact)
	}
	log, err := c.Log(ctx, ReturnID{Round: round.ID, URN: returns[5].URN})
	if err != nil || len(log) != 2 || log[0].Step != 7 || log[1].Step != 21 || log[0].Kind != ContactReminder {
		t.Errorf("chase log %+v, %v", log, err)
	}
}

func TestManualReminderAndContacts(t *testing.T) {
	t.Parallel()
	rs, c, _, round, returns := chaseRound(t)
	ctx := context.Background()
	now := time.Now()
	if _, err := c.SendReminder(ctx, admin, ReturnID{Round: round.ID, URN: returns[0].URN}, now); !errors.Is(err, ErrNotChaseable) {
		t.Errorf("reminder to a returned school: %v", err)
	}
	if _, err := c.SendReminder(ctx, admin, ReturnID{Round: round.ID, URN: returns[3].URN}, now); !errors.Is(err, ErrNotChaseable) {
		t.Errorf("reminder to an exempt school: %v", err)
	}
	if _, err := c.SendReminder(ctx, admin, ReturnID{Round: round.ID, URN: returns[40].URN}, now); !errors.Is(err, ErrNoContactEmail) {
		t.Errorf("reminder with no email: %v", err)
	}
	e, err := c.SendReminder(ctx, admin, ReturnID{Round: round.ID, URN: returns[6].URN}, now)
	if err != nil || e.Kind != ContactManualReminder || e.Delivery != mail.StatusOutbox {
		t.Fatalf("manual reminder: %+v, %v", e, err)
	}
	if _, err := c.RecordContact(ctx, admin, ReturnID{Round: round.ID, URN: returns[6].URN}, "carrier pigeon", "x", now); !errors.Is(err, ErrContactKind) {
		t.Errorf("odd kind: %v", err)
	}
	if _, err := c.RecordContact(ctx, admin, ReturnID{Round: round.ID, URN: returns[6].URN}, ContactPhone, "  ", now); !errors.Is(err, ErrNoteMissing) {
		t.Errorf("empty note: %v", err)
	}
	if _, err := c.RecordContact(ctx, admin, ReturnID{Round: round.ID, URN: returns[6].URN}, ContactPhone, "Spoke to the clerk: return due after the FGB on Tuesday.", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	log, _ := c.Log(ctx, ReturnID{Round: round.ID, URN: returns[6].URN})
	if len(log) != 2 || log[0].Kind != ContactPhone || log[0].By != "admin@example.org" || log[1].Kind != ContactManualReminder {
		t.Errorf("log: %+v", log)
	}
	r, _ := rs.returns.Get(ctx, ReturnID{Round: round.ID, URN: returns[6].URN})
	if r.Reminders != 1 || !r.LastContact.Equal(now.Add(time.Minute).UTC().Truncate(time.Millisecond)) {
		t.Errorf("counters: %d, %v", r.Reminders, r.LastContact)
	}
}

func TestReadContactsRefusesBadLines(t *testing.T) {
	t.Parallel()
	good := "URN,School,Email\r\n990001,A,a@example.org\r\n990002,B,b@example.org\r\n"
	got, err := ReadContacts(strings.NewReader("\ufeff" + good))
	if err != nil || len(got) != 2 || got[1].Email != "b@example.org" || got[1].Line != 3 {
		t.Fatalf("%+v, %v", got, err)
	}
	for in, line := range map[string]int{
		"urn,email\n990001,a@example.org\n99x,b@example.org\n":    3,
		"urn,email\n990001,not-an-email\n":                        2,
		"urn,email\n990001,a@example.org\n990001,b@example.org\n": 3,
		"urn,name\n990001,a\n":                                    1,
		"urn,email\n990001,\"a@example.org\n":                     2,
	} {
		_, err := ReadContacts(strings.NewReader(in))
		var ce *ContactsError
		if !errors.As(err, &ce) || ce.Line != line {
			t.Errorf("%q: %v, want line %d", in, err, line)
		}
	}
	rs, round := openRound(t)
	err = rs.SetContactEmails(context.Background(), audit.CommandLine, round.ID, []SchoolContact{{URN: 990001, Email: "a@example.org", Line: 2}, {URN: 123, Email: "b@example.org", Line: 3}}, "contacts.csv")
	var ce *ContactsError
	if !errors.As(err, &ce) || ce.Line != 3 {
		t.Errorf("unknown URN: %v", err)
	}
	if r, _ := rs.returns.Get(context.Background(), ReturnID{Round: round.ID, URN: 990001}); r.ContactEmail != "" {
		t.Errorf("a refused file stored %q", r.ContactEmail)
	}
}

// admin is an admin of the partnership, as the audit log names them.
var admin = audit.Actor{Name: "admin@example.org", IP: "192.0.2.7"}
