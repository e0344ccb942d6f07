package handlers

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// A page of a long list links to its neighbours, the first and last pages, with ellipses
// between, keeping the page's other query parameters.
func TestPageOf(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	app.Get("/list", func(c *fiber.Ctx) error {
		p, lo, hi := pageOf(c, "page", 1000, 50, "Pages of things", "#things")
		return c.JSON(map[string]any{"p": p, "lo": lo, "hi": hi})
	})
	get := func(q string) (Pager, int, int) {
		res, err := app.Test(httptest.NewRequest("GET", "/list"+q, nil))
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			P      Pager
			Lo, Hi int
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out.P, out.Lo, out.Hi
	}
	p, lo, hi := get("?status=open&page=7")
	if lo != 300 || hi != 350 || p.From != 301 || p.To != 350 || p.Total != 1000 {
		t.Fatalf("page 7: [%d, %d), %+v", lo, hi, p)
	}
	if p.Prev != "/list?page=6&status=open#things" || p.Next != "/list?page=8&status=open#things" {
		t.Fatalf("page 7's neighbours: %q, %q", p.Prev, p.Next)
	}
	var shown []int
	for _, it := range p.Items {
		if it.Ellipsis {
			shown = append(shown, 0)
			continue
		}
		shown = append(shown, it.Number)
		if it.Current != (it.Number == 7) {
			t.Errorf("page %d current: %v", it.Number, it.Current)
		}
	}
	if want := []int{1, 0, 6, 7, 8, 0, 20}; !slices.Equal(shown, want) {
		t.Fatalf("items %v, want %v (0 is an ellipsis)", shown, want)
	}
	if p, lo, hi := get("?page=99"); lo != 950 || hi != 1000 || p.Next != "" || p.Prev == "" {
		t.Fatalf("past the end: [%d, %d), %+v", lo, hi, p)
	}
	if p, lo, hi := get("?page=x"); lo != 0 || hi != 50 || p.Prev != "" {
		t.Fatalf("a page that is not a number: [%d, %d), %+v", lo, hi, p)
	}
}
