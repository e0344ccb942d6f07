package loadtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/urls"
)

// GovernorPlan is one governor's part: their school's link and the sections its form asks.
type GovernorPlan struct {
	URN      int
	Token    string
	Sections []forms.Section // as the round's definition gives them for the school
}

// TeacherPlan is one link teacher's part: a sign-in link and what to log.
type TeacherPlan struct {
	URN        int
	Token      string
	Activity   string    // an activity type of the year's catalogue
	Activities int       // how many to log and send
	Date       time.Time // when they happened: inside the programme year, which may be long past
}

// AdminPlan is the partnership officer downloading the round's workbook.
type AdminPlan struct {
	Email, Password string
	Round           string
	Downloads       int
}

// AnswersFor fills a section as this school's governor would: valid answers that differ
// from school to school (and some text a hostile user might type), with the answers the
// server must store, parsed by the same rules it uses.
func AnswersFor(urn int, sec forms.Section, today time.Time) (url.Values, map[string]Answer) {
	form := url.Values{}
	for i, q := range sec.Questions {
		if q.ShowIf != nil {
			continue // hidden unless an earlier answer shows it; ours never do
		}
		switch q.Kind {
		case forms.KindYesNo, forms.KindYesPartlyNo:
			form.Set(q.ID, "yes")
		case forms.KindDate:
			form.Set(q.ID+"-day", strconv.Itoa(1+(urn+i)%28))
			form.Set(q.ID+"-month", strconv.Itoa(1+(urn+i)%12))
			form.Set(q.ID+"-year", strconv.Itoa(today.Year()-1))
		case forms.KindNumber:
			lo := 0
			if q.Min != nil {
				lo = *q.Min
			}
			form.Set(q.ID, strconv.Itoa(lo+(urn+i)%4))
		case forms.KindOneOf:
			form.Set(q.ID, q.Choices[(urn+i)%len(q.Choices)].Value)
		case forms.KindManyOf:
			form.Add(q.ID, q.Choices[0].Value)
			form.Add(q.ID, q.Choices[(urn+i)%len(q.Choices)].Value)
		case forms.KindShortText, forms.KindLongText:
			if q.Format == "email" {
				form.Set(q.ID, fmt.Sprintf("governor.%d@school.example.org", urn))
			} else {
				form.Set(q.ID, fmt.Sprintf("Governor of %d <script>alert(1)</script> =SUM(A1) & co", urn))
			}
		case forms.KindDeclaration:
			form.Set(q.ID, "confirmed")
		}
	}
	want := map[string]Answer{}
	for _, q := range sec.Questions {
		if a, err := forms.ParseAnswer(q, form, today); err == nil && !a.Empty() {
			want[q.ID] = a
		}
	}
	return form, want
}

const declaration = "declaration"

// governor opens the link, saves every section, checks the answers and submits, with no
// pause between pages.
func governor(ctx context.Context, b *browser, p GovernorPlan, acks *Acks) error {
	return visit(ctx, b, p, sitting{sections: p.Sections, submit: true}, noPause, acks)
}

// sitting is what a governor does in one visit: save these sections and, with submit,
// submit; back is a second visit, whose link opening is reported as a step of its own.
type sitting struct {
	sections     []forms.Section
	submit, back bool
}

// think is a person's pause before their next page: reading, typing, answering the
// phone. It ends early, with ctx's error, when ctx ends.
type think func(ctx context.Context) error

func noPause(context.Context) error { return nil }

// visit is one sitting of a governor's: open the link (a new session), read the task
// list, save sections (the declaration aside), and, with submit, check the answers and
// submit; each page after a think. A governor who stops part-way comes back in a second
// visit, from another browser, for the rest.
func visit(ctx context.Context, b *browser, p GovernorPlan, s sitting, pause think, acks *Acks) error {
	today := time.Now().In(academic.London)
	step := "governor: open link"
	if s.back {
		step = "governor: open link, coming back"
	}
	open, err := b.get(ctx, step, urls.ReturnPath(p.Token), http.StatusSeeOther)
	if err != nil {
		return err
	}
	if _, err := b.get(ctx, "governor: task list", open.location, http.StatusOK); err != nil {
		return err
	}
	for _, sec := range s.sections {
		if sec.ID == declaration {
			continue
		}
		if err := pause(ctx); err != nil {
			return err
		}
		pg, err := b.get(ctx, "governor: section page", "/return/section/"+sec.ID, http.StatusOK)
		if err != nil {
			return err
		}
		version, err := field(versionInput, pg)
		if err != nil {
			return err
		}
		form, want := AnswersFor(p.URN, sec, today)
		form.Set("version", version)
		form.Set("action", "continue")
		if err := pause(ctx); err != nil {
			return err
		}
		saved, err := b.post(ctx, "governor: save section", "/return/section/"+sec.ID, form, http.StatusSeeOther)
		if err != nil {
			return err
		}
		acks.saved(p.URN, sec.ID, want)
		if _, err := b.get(ctx, "governor: section check", saved.location, http.StatusOK); err != nil {
			return err
		}
	}
	if !s.submit {
		return nil
	}
	return submitReturn(ctx, b, p, today, pause, acks)
}

// submitReturn checks the answers, reads the declaration page and submits, recording the
// submission once acknowledged and its reference once shown.
func submitReturn(ctx context.Context, b *browser, p GovernorPlan, today time.Time, pause think, acks *Acks) error {
	if err := pause(ctx); err != nil {
		return err
	}
	if _, err := b.get(ctx, "governor: check answers", "/return/check", http.StatusOK); err != nil {
		return err
	}
	if err := pause(ctx); err != nil {
		return err
	}
	pg, err := b.get(ctx, "governor: declaration page", "/return/submit", http.StatusOK)
	if err != nil {
		return err
	}
	version, err := field(versionInput, pg)
	if err != nil {
		return err
	}
	key, err := field(keyInput, pg)
	if err != nil {
		return err
	}
	form, want := url.Values{}, map[string]Answer{}
	for _, sec := range p.Sections {
		if sec.ID == declaration {
			form, want = AnswersFor(p.URN, sec, today)
		}
	}
	form.Set("version", version)
	form.Set("submit_key", key)
	if err := pause(ctx); err != nil {
		return err
	}
	done, err := b.post(ctx, "governor: submit", "/return/submit", form, http.StatusSeeOther)
	if err != nil {
		return err
	}
	acks.saved(p.URN, declaration, want)
	acks.submitted(p.URN, "")
	conf, err := b.get(ctx, "governor: confirmation", done.location, http.StatusOK)
	if err != nil {
		return err
	}
	ref := referenceShown.FindStringSubmatch(conf.body)
	if ref == nil {
		return errors.New("the confirmation page shows no reference")
	}
	acks.submitted(p.URN, ref[1])
	return nil
}

var (
	referenceShown = regexp.MustCompile(`Your reference<br><strong>([A-Z0-9]{8})</strong>`)
	activityPath   = regexp.MustCompile(`^/joso/school/activities/([^/?]+)$`)
)

// teacher signs in with the emailed link and logs activities, each sent for approval,
// with no pause between pages.
func teacher(ctx context.Context, b *browser, p TeacherPlan, acks *Acks) error {
	return teacherVisit(ctx, b, p, noPause, acks)
}

// teacherVisit is teacher with a think before each page.
func teacherVisit(ctx context.Context, b *browser, p TeacherPlan, pause think, acks *Acks) error {
	open, err := b.get(ctx, "teacher: open link", urls.TeacherSignInPath(p.Token), http.StatusSeeOther)
	if err != nil {
		return err
	}
	if _, err := b.get(ctx, "teacher: team page", open.location, http.StatusOK); err != nil {
		return err
	}
	day := p.Date
	for k := range p.Activities {
		if err := pause(ctx); err != nil {
			return err
		}
		if _, err := b.get(ctx, "teacher: activity form", "/joso/school/activities/new", http.StatusOK); err != nil {
			return err
		}
		form := url.Values{"type": {p.Activity}, "date-day": {strconv.Itoa(day.Day())}, "date-month": {strconv.Itoa(int(day.Month()))},
			"date-year": {strconv.Itoa(day.Year())}, "whole-team": {"yes"}, "audiences": {"parents", "ks1"}, "reach": {strconv.Itoa(30 + k)},
			"description": {fmt.Sprintf("Load test activity %d of school %d", k+1, p.URN)}, "send": {"approval"}}
		if err := pause(ctx); err != nil {
			return err
		}
		res, err := b.post(ctx, "teacher: log activity", "/joso/school/activities", form, http.StatusSeeOther)
		if err != nil {
			return err
		}
		m := activityPath.FindStringSubmatch(res.location)
		if m == nil {
			return fmt.Errorf("logging an activity led to %q", res.location)
		}
		acks.logged(p.URN, m[1])
	}
	return nil
}

// admin signs in and downloads the round's returns workbook while governors submit.
func admin(ctx context.Context, b *browser, p AdminPlan) error {
	if err := signIn(ctx, b, p); err != nil {
		return err
	}
	for range p.Downloads {
		if err := download(ctx, b, "admin: workbook", "/admin/rounds/"+p.Round+"/returns.xlsx"); err != nil {
			return err
		}
	}
	return nil
}

func signIn(ctx context.Context, b *browser, p AdminPlan) error {
	if _, err := b.get(ctx, "admin: sign-in page", "/sign-in", http.StatusOK); err != nil {
		return err
	}
	_, err := b.post(ctx, "admin: sign in", "/sign-in", url.Values{"email": {p.Email}, "password": {p.Password}}, http.StatusSeeOther)
	return err
}

// download fetches a returns download and checks it is what it says: an xlsx file (a
// zip) or a CSV file with a header.
func download(ctx context.Context, b *browser, step, path string) error {
	f, err := b.get(ctx, step, path, http.StatusOK)
	if err != nil {
		return err
	}
	if strings.HasSuffix(path, ".xlsx") != strings.HasPrefix(f.body, "PK") || f.body == "" {
		return fmt.Errorf("%s is not the file it names", path)
	}
	return nil
}

// adminDay signs in and goes round the pages an officer watches on a deadline day, a
// think before each, until the day is over: the admin home, the round page and its list
// of returns in progress, the dashboard and its chase list of schools not started, a
// return page (of a school drawn at random), and both downloads. A page that fails is
// counted and the officer goes on to the next, as one would, so the admin's load lasts
// the whole day; the journey counts as finished only if none failed.
func adminDay(ctx context.Context, b *browser, p AdminPlan, govs []GovernorPlan, pause think) error {
	if err := signIn(ctx, b, p); err != nil {
		return err
	}
	round := "/admin/rounds/" + p.Round
	var failed error
	for {
		steps := []struct{ step, path string }{
			{"admin: home", "/admin"},
			{"admin: round page", round},
			{"admin: round page, in progress", round + "?status=in+progress"},
			{"admin: dashboard", round + "/dashboard"},
			{"admin: chase list", round + "/dashboard?status=" + forms.StatusNotStarted},
			{"admin: return page", fmt.Sprintf("%s/returns/%d", round, govs[rand.IntN(len(govs))].URN)},
			{"admin: workbook", round + "/returns.xlsx"},
			{"admin: returns csv", round + "/returns.csv"},
		}
		for _, s := range steps {
			if err := pause(ctx); errors.Is(err, errDayOver) {
				return failed
			} else if err != nil {
				return err
			}
			var err error
			if strings.Contains(s.path, "/returns.") {
				err = download(ctx, b, s.step, s.path)
			} else {
				_, err = b.get(ctx, s.step, s.path, http.StatusOK)
			}
			failed = cmp.Or(failed, err)
		}
	}
}

// Answer is an answer as the store keeps it.
type Answer = forms.Answer
