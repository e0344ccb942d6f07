package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/problem"
)

// RoundsPage lists rounds and has the form to create one.
type RoundsPage struct {
	Page
	Rounds    []forms.Round
	Year      string
	GraceDays string
	Dates     []QuestionView
	YearError *FieldError
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
	dates := map[string]string{}
	for _, q := range roundDateQuestions {
		a, err := forms.ParseAnswer(q, form, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
		v := QuestionView{Q: q, Answer: a, Error: err}
		if a.Value != "" {
			v = questionViews(forms.Section{Questions: []forms.Question{q}}, map[string]forms.Answer{q.ID: a}, map[string]*forms.AnswerError{q.ID: err})[0]
		}
		p.Dates = append(p.Dates, v)
		if err != nil {
			p.Errors = append(p.Errors, FieldError{Field: err.Field, Message: err.Message + " (" + strings.ToLower(q.Text) + ")"})
		}
		dates[q.ID] = a.Value
	}
	if err := academic.CheckYear(p.Year); err != nil {
		p.YearError = &FieldError{Field: "year", Message: "Enter the academic year, like 2024-25"}
		p.Errors = append([]FieldError{*p.YearError}, p.Errors...)
	}
	grace, gerr := strconv.Atoi(p.GraceDays)
	if p.GraceDays == "" {
		grace, gerr = 0, nil
	}
	if gerr != nil || grace < 0 || grace > 60 {
		p.Errors = append(p.Errors, FieldError{Field: "grace_days", Message: "Enter a grace period of 0 to 60 days"})
	}
	if len(p.Errors) == 0 {
		r, err := s.deps.Rounds.Create(c.UserContext(), adminActor(c), forms.NewRoundInput{Year: p.Year, Opens: dates["opens"], Deadline: dates["deadline"],
			GraceDays: grace, EmailCode: form.Get("email_code") == "yes"})
		if err == nil {
			return c.Redirect("/admin/rounds/"+r.ID, fiber.StatusSeeOther)
		}
		if k := problem.KindOf(err); k != problem.Invalid && k != problem.WrongState {
			return err // the service's fault (the store, say), not the year typed
		}
		p.Errors = append(p.Errors, FieldError{Field: "year", Message: capitalise(err.Error())})
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

// RoundPage is one round: its state, and every expected school's return.
type RoundPage struct {
	Page
	Round         forms.Round
	Returns       []forms.Return
	Counts        map[string]int
	Expected      int
	CannotAssure  []CannotAssure
	StatusFilter  string
	StatusOptions []Option
	URNError      *FieldError
	DaysError     *FieldError
	ContactsError *FieldError
	ReminderDays  string
	ContactCount  int
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
	all, err := s.deps.Rounds.RoundReturns(ctx, round.ID)
	if err != nil {
		return err
	}
	p := RoundPage{Page: s.basePage(c, "Round "+round.ID), Round: round, Counts: map[string]int{}, StatusFilter: c.Query("status")}
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
			// The list has no answers: read the few such returns whole.
			full, err := s.deps.Rounds.Return(ctx, round.ID, r.URN)
			if err != nil {
				return err
			}
			a := full.AnswerMap()
			p.CannotAssure = append(p.CannotAssure, CannotAssure{URN: r.URN, School: r.School.Name,
				ActionPlan: a[forms.QuestionActionPlan].Value, ByWhen: longDate(a[forms.QuestionTargetDate].Value)})
		}
		if p.StatusFilter == "" || p.StatusFilter == st {
			p.Returns = append(p.Returns, r)
		}
	}
	for _, st := range []string{"not started", "in progress", "submitted", "submitted late", "reopened", "exempt"} {
		p.StatusOptions = append(p.StatusOptions, Option{Value: st, Text: capitalise(st) + fmt.Sprintf(" (%d)", p.Counts[st]), Selected: st == p.StatusFilter})
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
			}
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "round", p)
	}
	return s.render(c, fiber.StatusOK, "round", p)
}
