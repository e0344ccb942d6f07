package handlers

import (
	"fmt"

	"github.com/lscp/assure/missions"
)

// Heatmap is strand coverage by school: a row per school, a column per strand, each cell
// shaded by the school's XP in that strand and labelled with the figure, so nothing is
// told by colour alone. The same figures are in a table beside it.
type Heatmap struct {
	Width, Height int
	Columns       []HeatColumn
	Rows          []HeatRow
	Title, Desc   string
}

// HeatColumn is a strand's column heading.
type HeatColumn struct {
	X     float64
	Short string
}

// HeatRow is one school's row.
type HeatRow struct {
	Y      float64
	School string
	Cells  []HeatCell
}

// HeatCell is one shaded, labelled cell.
type HeatCell struct {
	X, Y      float64
	Fill, Ink string
	Label     string
}

// heat shades: white to GOV.UK dark blue; dark cells get white figures (contrast above 4.5:1).
var heatShades = []struct {
	from      int
	fill, ink string
}{{0, "#ffffff", "#0b0c0c"}, {1, "#d2e2f1", "#0b0c0c"}, {50, "#8eb8dc", "#0b0c0c"}, {100, "#1d70b8", "#ffffff"}, {200, "#003078", "#ffffff"}}

func shade(xp int) (string, string) {
	fill, ink := heatShades[0].fill, heatShades[0].ink
	for _, s := range heatShades {
		if xp >= s.from {
			fill, ink = s.fill, s.ink
		}
	}
	return fill, ink
}

// strandShort are column headings short enough for the grid; the table names them in full.
var strandShort = map[string]string{"self-image": "Self-image", "relationships": "Relations", "reputation": "Reputation", "bullying": "Bullying",
	"information": "Information", "health": "Health", "privacy": "Privacy", "copyright": "Copyright"}

const (
	heatLeft  = 250.0
	heatCellW = 72.0
	heatCellH = 24.0
	heatTop   = 40.0
)

func heatmap(f missions.YearFigures) Heatmap {
	h := Heatmap{Width: int(heatLeft + heatCellW*float64(len(missions.Strands)) + 8), Title: "Strand coverage by school, " + f.Year.ID,
		Desc: fmt.Sprintf("XP each of the %d schools has earned in each of the eight strands of Education for a Connected World. Darker cells mean more XP; each cell shows its figure, and the table below gives the same figures.", f.Schools)}
	for i, st := range missions.Strands {
		h.Columns = append(h.Columns, HeatColumn{X: heatLeft + heatCellW*float64(i) + heatCellW/2, Short: strandShort[st.ID]})
	}
	for r, s := range f.Standings {
		y := heatTop + heatCellH*float64(r)
		row := HeatRow{Y: y, School: truncate(s.Team.School, 36)}
		for i, st := range missions.Strands {
			fill, ink := shade(s.StrandXP[st.ID])
			row.Cells = append(row.Cells, HeatCell{X: heatLeft + heatCellW*float64(i), Y: y, Fill: fill, Ink: ink, Label: fmt.Sprint(s.StrandXP[st.ID])})
		}
		h.Rows = append(h.Rows, row)
	}
	h.Height = int(heatTop + heatCellH*float64(len(f.Standings)) + 8)
	return h
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
