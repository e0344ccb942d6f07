package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/static"
)

// pages holds each page's template parsed with the layout.
type pages struct {
	byName map[string]*template.Template
}

func loadPages() (*pages, error) {
	names, err := fs.Glob(static.Templates, "*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		if n == "layout.html" || n == "questions.html" || n == "joso-shared.html" {
			continue
		}
		t, err := template.New(n).Funcs(templateFuncs).ParseFS(static.Templates, "layout.html", "questions.html", "joso-shared.html", n)
		if err != nil {
			return nil, fmt.Errorf("handlers: parsing template %s: %w", n, err)
		}
		p.byName[strings.TrimSuffix(n, ".html")] = t
	}
	return p, nil
}

// FieldError is one GOV.UK error message: the field's id (for the summary's link) and text.
type FieldError struct {
	Field   string
	Message string
}

// NavItem is one link of the service navigation.
type NavItem struct {
	Href, Text string
	Active     bool
}

// Page is what the layout needs; each page struct embeds it.
type Page struct {
	Title       string
	Partnership string
	Admin       string
	CSRF        string
	Nav         []NavItem
	Back        string
	Errors      []FieldError
	Flash       string
	Governor    bool // a governor's page: no admin navigation, a "Sign out" of the return
	// CanChange is an admin who may change things (an officer or administrator): a viewer's
	// pages leave out the buttons and forms that would only refuse them.
	CanChange bool
	// Preview, on a governor's page an officer previews (form_preview.go), says so and
	// keeps the page's forms within the preview.
	Preview *PreviewBar
}

// basePage fills the layout's fields for this request.
func (s *Server) basePage(c *fiber.Ctx, title string) Page {
	p := Page{Title: title, Partnership: s.cfg.Partnership, Admin: adminOf(c), CanChange: roleOf(c).Allows(accounts.Officer)}
	p.CSRF, _ = c.Locals(csrfField).(string)
	if p.Admin != "" {
		path := c.Path()
		nav := []NavItem{{Href: "/admin", Text: "Overview"}, {Href: "/admin/rounds", Text: "Rounds"}, {Href: "/admin/schools", Text: "Schools register"},
			{Href: "/admin/joso", Text: "JOSO programme"},
			{Href: "/admin/outbox", Text: "Email"},
			{Href: "/admin/audit", Text: "Audit log"}}
		if roleOf(c).Allows(accounts.Administrator) {
			nav = append(nav, NavItem{Href: "/admin/team", Text: "Your team"})
		}
		nav = append(nav, NavItem{Href: twoFactorPath, Text: "Two-factor sign-in"}, NavItem{Href: "/sign-out", Text: "Sign out"})
		for _, n := range nav {
			n.Active = path == n.Href || (n.Href != "/admin" && strings.HasPrefix(path, n.Href+"/"))
			p.Nav = append(p.Nav, n)
		}
	}
	return p
}

// render writes a page with the given status.
func (s *Server) render(c *fiber.Ctx, status int, name string, data any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("handlers: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("handlers: rendering %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// templateFuncs are the few helpers templates use.
var templateFuncs = template.FuncMap{
	"list":     func(items ...string) []string { return items },
	"statusOf": forms.Return.StatusLabel,
	"london":   func(t time.Time) string { return t.In(academic.London).Format("2 Jan 2006 15:04") },
	// add and sub place chart labels: {{.Y | add 14}} is .Y+14.
	"add": func(d, v float64) float64 { return v + d },
	"sub": func(d, v float64) float64 { return v - d },
	"rateTable": func(caption, group, previous string, rows []RateView) RateTable {
		return RateTable{Caption: caption, Group: group, Previous: previous, Rows: rows}
	},
	"title": capitalise,
	"lines": func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") },
	"wordingField": func(id, label, value, def string, long bool, err *FieldError) WordingField {
		return WordingField{ID: id, Label: label, Value: value, Default: def, Long: long, Error: err}
	},
}

// WordingField is one box of a round's wording: its value, and the standard wording
// shown when it is empty.
type WordingField struct {
	ID, Label, Value, Default string
	Long                      bool
	Error                     *FieldError
}

// RateTable is a table of return rates, with the previous round beside when there is one.
type RateTable struct {
	Caption, Group, Previous string
	Rows                     []RateView
	// ID anchors a paged table, whose Pager pages its Rows (the page shown).
	ID    string
	Pager Pager
}

// Option is one choice of a select, with whether it is chosen.
type Option struct {
	Value, Text string
	Selected    bool
}

// Select is a select box of a filter form, whose first choice ("All") filters nothing.
type Select struct {
	Name, Label, All string
	Options          []Option
}

// options makes the choices of a select from values, their labels and the chosen one.
func options[T ~string](values []T, label func(T) string, chosen T) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: string(v), Text: label(v), Selected: v == chosen}
	}
	return out
}
