package handlers

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// Long admin lists are shown a page at a time, so that no page of a county's (or
// England's) round sends more than about 100 KB of HTML: GOV.UK's pagination component,
// plain links that keep the page's other query parameters (its filters, and the other
// lists' pages), so it works without JavaScript.

// Pager is the pagination of one list on a page.
type Pager struct {
	Label           string // the navigation's accessible name: "Pages of returns"
	Prev, Next      string
	Items           []PagerItem
	From, To, Total int // the items shown, counted from 1, and how many there are
}

// PagerItem is a numbered link, or an ellipsis standing for the pages between.
type PagerItem struct {
	Number   int
	Href     string
	Current  bool
	Ellipsis bool
}

// pageOf pages n items, per to a page, by the query parameter param of the request,
// and gives the pager and the bounds [lo, hi) of the items on the page asked for (the
// last page when it asks for one past the end). Links end with anchor ("#chase").
func pageOf(c *fiber.Ctx, param string, n, per int, label, anchor string) (p Pager, lo, hi int) {
	pages := max(1, (n+per-1)/per)
	page, _ := strconv.Atoi(c.Query(param))
	page = min(max(page, 1), pages)
	lo, hi = (page-1)*per, min(n, page*per)
	p = Pager{Label: label, Total: n, From: min(lo+1, n), To: hi}
	if pages == 1 {
		return p, lo, hi
	}
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	link := func(k int) string {
		q.Set(param, strconv.Itoa(k))
		return c.Path() + "?" + q.Encode() + anchor
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	// The first and last pages, and the current one with its neighbours.
	for k := 1; k <= pages; k++ {
		switch {
		case k == 1 || k == pages || (k >= page-1 && k <= page+1):
			p.Items = append(p.Items, PagerItem{Number: k, Href: link(k), Current: k == page})
		case len(p.Items) > 0 && !p.Items[len(p.Items)-1].Ellipsis:
			p.Items = append(p.Items, PagerItem{Ellipsis: true})
		}
	}
	return p, lo, hi
}
