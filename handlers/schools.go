package handlers

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/problem"
)

// schoolsPerPage keeps the register page quick to read and to render.
const schoolsPerPage = 50

// SchoolsPage is the register, filtered and paged.
type SchoolsPage struct {
	Page
	Filter     forms.SchoolFilter
	Selects    []Select
	Schools    []forms.School
	Total      int64
	From, To   int
	Prev, Next string
}

func (s *Server) schoolsList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	districts, err := s.deps.Register.Districts(ctx)
	if err != nil {
		return err
	}
	// Only values the filter offers are used; anything else is ignored, not queried.
	f := forms.SchoolFilter{Search: strings.TrimSpace(c.Query("q")), Limit: schoolsPerPage}
	if len(f.Search) > 100 {
		f.Search = f.Search[:100]
	}
	if p := forms.Phase(c.Query("phase")); slices.Contains(forms.Phases, p) {
		f.Phase = p
	}
	if g := forms.Governance(c.Query("governance")); slices.Contains(forms.Governances, g) {
		f.Governance = g
	}
	if st := forms.Status(c.Query("status")); slices.Contains(forms.Statuses, st) {
		f.Status = st
	}
	if d := c.Query("district"); slices.Contains(districts, d) {
		f.District = d
	}
	// Pages reach as far as the register's listing window; past it, people search.
	page, _ := strconv.Atoi(c.Query("page"))
	page = min(max(page, 1), forms.MaxListWindow/schoolsPerPage)
	f.Offset = (page - 1) * schoolsPerPage

	list, total, err := s.deps.Register.List(ctx, f)
	if err != nil {
		return err
	}
	p := SchoolsPage{Page: s.basePage(c, "Schools register"), Filter: f, Schools: list, Total: total,
		From: f.Offset + 1, To: f.Offset + len(list)}
	p.Selects = []Select{
		{Name: "phase", Label: "Phase", All: "All phases", Options: options(forms.Phases, forms.Phase.Label, f.Phase)},
		{Name: "governance", Label: "Governance", All: "All kinds", Options: options(forms.Governances, forms.Governance.Label, f.Governance)},
		{Name: "district", Label: "District", All: "All districts", Options: options(districts, func(d string) string { return d }, f.District)},
		{Name: "status", Label: "Status", All: "Any status", Options: options(forms.Statuses, forms.Status.Label, f.Status)},
	}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range map[string]string{"q": f.Search, "phase": string(f.Phase), "governance": string(f.Governance),
			"status": string(f.Status), "district": f.District} {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("page", strconv.Itoa(n))
		return "/admin/schools?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if int64(f.Offset+len(list)) < total && f.Offset+2*schoolsPerPage <= forms.MaxListWindow {
		p.Next = link(page + 1)
	}
	return s.render(c, fiber.StatusOK, "schools", p)
}

// SchoolPage is one school's register entry, its contacts and its history.
type SchoolPage struct {
	Page
	School   forms.School
	Contacts []forms.Contact
	Add      ContactForm // the form to add a contact
	History  []forms.SchoolChange
}

func (s *Server) schoolPage(c *fiber.Ctx) error {
	return s.schoolPageWith(c, forms.ContactInput{Role: forms.RoleDSL}, nil)
}

// schoolPageWith shows a school's page with the add-a-contact form as typed, and errs
// beside it (then as 422).
func (s *Server) schoolPageWith(c *fiber.Ctx, typed forms.ContactInput, errs problem.FieldErrors) error {
	urn, err := c.ParamsInt("urn")
	if err != nil {
		return fiber.ErrNotFound
	}
	school, err := s.deps.Register.Get(c.UserContext(), urn)
	if err != nil {
		return err
	}
	history, err := s.deps.Register.History(c.UserContext(), urn)
	if err != nil {
		return err
	}
	book, err := s.deps.Contacts.OfSchool(c.UserContext(), urn)
	if err != nil {
		return err
	}
	p := SchoolPage{Page: s.basePage(c, school.Name), School: school, History: history, Contacts: book.Contacts}
	p.Back, p.Flash = "/admin/schools", flashFrom(c)
	p.Add = contactForm("new-", typed, errs, &p.Page)
	status := fiber.StatusOK
	if len(errs) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.render(c, status, "school", p)
}
