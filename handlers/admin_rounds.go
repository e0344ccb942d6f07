package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
)

// RoundsPage lists rounds and has the form to create one.
type RoundsPage struct {
	Page
	Rounds     []forms.Round
	Year       string
	GraceDays  string
	Dates      []QuestionView
	YearError  *FieldError
	GraceError *FieldError
}

var roundDateQuestions = []forms.Question{
	{ID: "opens", Kind: forms.KindDate, Text: "Opening date", Required: true},
	{ID: "deadline", Kind: forms.KindDate, Text: "Deadline", Required: true},
}

func (s *Server) roundsPage(c *fiber.Ctx) error {
	rounds, err := s.deps.Rounds.List(c.UserContext())
	if err != nil {
		return err
	}
	p := RoundsPage{Page: s.basePage(c, "Assurance rounds"), Rounds: rounds, GraceDays: "0"}
	for _, q := range roundDateQuestions {
		p.Dates = append(p.Dates, QuestionView{Q: q})
	}
	return s.render(c, fiber.StatusOK, "rounds", p)
}

func (s *Server) createRound(c *fiber.Ctx) error {
	form := formValues(c)
	p := RoundsPage{Page: s.basePage(c, "Assurance rounds"), Year: strings.TrimSpace(form.Get("year")), GraceDays: strings.TrimSpace(form.Get("grace_days"))}
	in := forms.NewRoundInput{Year: p.Year, EmailCode: form.Get("email_code") == "yes", TwoPerson: form.Get("two_person") == "yes",
		CarryForward: form.Get("carry_forward") == "yes"}
	typed := map[string]*FieldError{} // what could not be read as typed, by field
	dates := map[string]*string{"opens": &in.Opens, "deadline": &in.Deadline}
	answers := map[string]forms.Answer{}
	for _, q := range roundDateQuestions {
		a, err := forms.ParseAnswer(q, form, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
		answers[q.ID] = a
		if err != nil {
			typed[q.ID] = &FieldError{Field: err.Field, Message: err.Message + " (" + strings.ToLower(q.Text) + ")"}
		} else {
			*dates[q.ID] = a.Value
		}
	}
	if p.GraceDays != "" {
		grace, err := strconv.Atoi(p.GraceDays)
		if err != nil {
			typed["grace_days"] = &FieldError{Field: "grace_days", Message: "Enter the grace period as a number of days"}
		}
		in.GraceDays = grace
	}
	// The rules of a round are the service's (NewRoundInput.Check); a field that could not
	// be read keeps the message about what was typed.
	for _, e := range in.Check() {
		if typed[e.Field] == nil {
			typed[e.Field] = &FieldError{Field: e.Field, Message: e.Message}
		}
	}
	if len(typed) == 0 {
		r, err := s.deps.Rounds.Create(c.UserContext(), adminActor(c), in)
		if err == nil {
			return c.Redirect("/admin/rounds/"+r.ID, fiber.StatusSeeOther)
		}
		if !errors.Is(err, forms.ErrRoundExists) {
			return err // the service's fault (the store, say), not what was typed
		}
		typed["year"] = &FieldError{Field: "year", Message: capitalise(err.Error())}
	}
	p.YearError, p.GraceError = typed["year"], typed["grace_days"]
	if p.YearError != nil {
		p.Errors = append(p.Errors, *p.YearError)
	}
	for _, q := range roundDateQuestions {
		v := questionViews(forms.Section{Questions: []forms.Question{q}}, answers, nil)[0]
		if e := typed[q.ID]; e != nil {
			field := e.Field
			if field == q.ID {
				field = forms.Field(q.ID, "-day") // a rule about the whole date: its first box
			}
			v.Error = &forms.AnswerError{Field: field, Message: e.Message}
			p.Errors = append(p.Errors, FieldError{Field: field, Message: e.Message})
		}
		p.Dates = append(p.Dates, v)
	}
	if p.GraceError != nil {
		p.Errors = append(p.Errors, *p.GraceError)
	}
	rounds, err := s.deps.Rounds.List(c.UserContext())
	if err != nil {
		return err
	}
	p.Rounds = rounds
	return s.render(c, fiber.StatusUnprocessableEntity, "rounds", p)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Rows a page of the round's lists: a page stays well under 100 KB of HTML.
const (
	returnsPerPage = 50
	plansPerPage   = 10
)

// RoundPage is one round: its state, and every expected school's return.
type RoundPage struct {
	Page
	Round        forms.Round
	Returns      []forms.Return // the page of them shown
	ReturnsPager Pager
	Counts       map[string]int
	Expected     int
	CannotAssure []CannotAssure // the page of them shown
	// CannotAssurePager pages the schools that could not give assurance: each shown
	// costs a read of its whole return.
	CannotAssurePager Pager
	StatusFilter      string
	StatusOptions     []Option
	URNError          *FieldError
	DaysError         *FieldError
	ContactsError     *FieldError
	DeadlineError     *FieldError
	ReminderDays      string
	ContactCount      int
	// Before it opens: how the round's form differs from the round before's.
	PreviousRound string
	FormChanges   []forms.FormDifference
}

// CannotAssure is a school whose board could not give assurance, with its action plan.
type CannotAssure struct {
	URN                        int
	School, ActionPlan, ByWhen string
}

func (s *Server) roundPage(c *fiber.Ctx) error { return s.roundPageWith(c, nil) }

func (s *Server) roundPageWith(c *fiber.Ctx, errs []FieldError) error {
	ctx := c.UserContext()
	round, err := s.deps.Rounds.Get(ctx, c.Params("year"))
	if err != nil {
		return err
	}
	all, err := s.deps.Returns.OfRound(ctx, round.ID)
	if err != nil {
		return err
	}
	p := RoundPage{Page: s.basePage(c, "Round "+round.ID), Round: round, Counts: map[string]int{}, StatusFilter: c.Query("status")}
	var cannot []forms.Return
	for _, r := range all {
		st := r.StatusLabel()
		p.Counts[st]++
		if !r.Exempt {
			p.Expected++
		}
		if r.ContactEmail != "" {
			p.ContactCount++
		}
		if r.Status == forms.StatusSubmitted && r.CannotAssure {
			cannot = append(cannot, r)
		}
		if p.StatusFilter == "" || p.StatusFilter == st {
			p.Returns = append(p.Returns, r)
		}
	}
	var lo, hi int
	p.ReturnsPager, lo, hi = pageOf(c, "page", len(p.Returns), returnsPerPage, "Pages of returns", "#returns")
	p.Returns = p.Returns[lo:hi]
	p.CannotAssurePager, lo, hi = pageOf(c, "plans", len(cannot), plansPerPage, "Pages of schools that could not give assurance", "#cannot-assure")
	for _, r := range cannot[lo:hi] {
		// The list has no answers: read the shown returns whole.
		full, err := s.deps.Returns.Get(ctx, r.Key())
		if err != nil {
			return err
		}
		a := full.AnswerMap()
		p.CannotAssure = append(p.CannotAssure, CannotAssure{URN: r.URN, School: r.School.Name,
			ActionPlan: a[forms.QuestionActionPlan].Value, ByWhen: longDate(a[forms.QuestionTargetDate].Value)})
	}
	for _, st := range []string{"not started", "in progress", "awaiting confirmation", "submitted", "submitted late", "reopened", "exempt"} {
		p.StatusOptions = append(p.StatusOptions, Option{Value: st, Text: capitalise(st) + fmt.Sprintf(" (%d)", p.Counts[st]), Selected: st == p.StatusFilter})
	}
	if round.State == forms.RoundDraft {
		if p.PreviousRound, p.FormChanges, err = s.deps.Rounds.FormChanges(ctx, round.ID); err != nil {
			return err
		}
	}
	p.Back, p.Errors, p.ReminderDays = "/admin/rounds", errs, forms.FormatReminderDays(round.ReminderDays)
	p.Flash = flashFrom(c)
	if len(errs) > 0 {
		for i := range errs {
			switch errs[i].Field {
			case "urn":
				p.URNError = &errs[i]
			case "days":
				p.DaysError, p.ReminderDays = &errs[i], c.FormValue("days")
			case "contacts":
				p.ContactsError = &errs[i]
			case "deadline":
				p.DeadlineError = &errs[i]
			}
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "round", p)
	}
	return s.render(c, fiber.StatusOK, "round", p)
}
