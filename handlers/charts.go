package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lscp/assure/forms"
)

// Charts are drawn on the server as SVG: no script, and each has a title, a description
// that says what it shows in words, and the figures in a table beside it. Colours are
// GOV.UK's purple and dark grey, both above 3:1 against white, and the two rounds differ
// by line style and labels too, not by colour alone.

const (
	chartThis  = "#4c2c92" // GOV.UK purple: this round
	chartLast  = "#505a5f" // GOV.UK dark grey: the previous round
	chartGrid  = "#b1b4b6"
	chartWidth = 640
)

// Tick is an axis label at a position.
type Tick struct {
	At     float64
	Label  string
	Anchor string // text-anchor: start, middle or end
}

// ChartLine is one round's curve.
type ChartLine struct {
	Label  string
	Points string // SVG polyline points
	Colour string
	Dash   string // stroke-dasharray, empty for solid
}

// CurveChart is returns received, cumulative, by day against the deadline.
type CurveChart struct {
	ID                    string
	Width, Height         int
	Left, Top, Right, Bot float64
	Lines                 []ChartLine
	XTicks, YTicks        []Tick
	DeadlineX             float64
	Title, Desc           string
}

// curveChart plots this round's curve and the previous round's, by days from each
// round's deadline, as a percentage of the schools expected.
func curveChart(round string, now []forms.DayCount, previous string, before []forms.DayCount) CurveChart {
	c := CurveChart{ID: "returns-curve", Width: chartWidth, Height: 300, Left: 48, Top: 16, Right: chartWidth - 16, Bot: 300 - 40}
	minDay, maxDay := 0, 0
	for _, series := range [][]forms.DayCount{now, before} {
		for _, d := range series {
			minDay, maxDay = min(minDay, d.Day), max(maxDay, d.Day)
		}
	}
	if minDay == maxDay {
		maxDay = minDay + 1
	}
	x := func(day int) float64 { return c.Left + (c.Right-c.Left)*float64(day-minDay)/float64(maxDay-minDay) }
	y := func(pct int) float64 { return c.Bot - (c.Bot-c.Top)*float64(pct)/100 }
	line := func(label string, series []forms.DayCount, colour, dash string) ChartLine {
		var pts []string
		for _, d := range series {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(d.Day), y(d.Percent)))
		}
		return ChartLine{Label: label, Points: strings.Join(pts, " "), Colour: colour, Dash: dash}
	}
	if len(before) > 0 {
		c.Lines = append(c.Lines, line(previous, before, chartLast, "6 4"))
	}
	c.Lines = append(c.Lines, line(round, now, chartThis, ""))
	for p := 0; p <= 100; p += 25 {
		c.YTicks = append(c.YTicks, Tick{At: y(p), Label: strconv.Itoa(p) + "%"})
	}
	step := 7
	if maxDay-minDay > 120 {
		step = 28
	} else if maxDay-minDay > 60 {
		step = 14
	}
	for d := -((-minDay) / step * step); d <= maxDay; d += step {
		label := strconv.Itoa(d)
		if d == 0 {
			label = "deadline"
		}
		c.XTicks = append(c.XTicks, xTick(x(d), label, c.Width))
	}
	c.DeadlineX = x(0)
	c.Title = "Returns received by day, as a share of schools expected, against the deadline"
	c.Desc = curveDescription(round, now, previous, before)
	return c
}

// xTick centres a label on its tick, or aligns it to the chart's edge where centring
// would cut it off (the deadline of a finished round is at the right edge).
func xTick(at float64, label string, width int) Tick {
	half := labelWidth(label, 13) / 2
	switch {
	case at+half > float64(width):
		return Tick{At: at, Label: label, Anchor: "end"}
	case at-half < 0:
		return Tick{At: at, Label: label, Anchor: "start"}
	}
	return Tick{At: at, Label: label, Anchor: "middle"}
}

// labelWidth is a generous estimate of a label's width in the page's sans-serif font,
// so charts leave room for their labels instead of clipping them.
func labelWidth(s string, size float64) float64 { return float64(len([]rune(s))) * size * 0.64 }

// curveDescription says in words what the curve shows.
func curveDescription(round string, now []forms.DayCount, previous string, before []forms.DayCount) string {
	at := func(series []forms.DayCount, day int) (forms.DayCount, bool) {
		var last forms.DayCount
		found := false
		for _, d := range series {
			if d.Day <= day {
				last, found = d, true
			}
		}
		return last, found
	}
	var b strings.Builder
	if len(now) > 0 {
		end := now[len(now)-1]
		if end.Day < 0 {
			fmt.Fprintf(&b, "Round %s: %d%% returned so far (%d schools), %d days before the deadline.", round, end.Percent, end.Returned, -end.Day)
		} else {
			d, _ := at(now, 0)
			fmt.Fprintf(&b, "Round %s: %d%% had returned by the deadline and %d%% in all.", round, d.Percent, end.Percent)
		}
	}
	if len(before) > 0 && len(now) > 0 {
		day := min(now[len(now)-1].Day, 0)
		if d, ok := at(before, day); ok {
			fmt.Fprintf(&b, " At the same point, round %s had %d%%.", previous, d.Percent)
		}
	}
	return b.String()
}

// Bar is one phase's pair of bars.
type Bar struct {
	Label                string
	Y                    float64
	NowWidth, PrevWidth  float64
	NowText, PrevText    string
	NowLabelX, PrevLabel float64
}

// BarChart is the return rate by phase, this round beside the previous.
type BarChart struct {
	ID            string
	Width, Height int
	Left          float64
	Bars          []Bar
	HasPrevious   bool
	Round, Prev   string
	Title, Desc   string
}

// phaseBars draws each phase's rate as a bar, the previous round's beneath it.
func phaseBars(f forms.Figures) BarChart {
	rows := f.PhaseRows()
	c := BarChart{ID: "phase-rates", Width: chartWidth, HasPrevious: f.Previous != "", Round: f.Round, Prev: f.Previous}
	// Room on the left for the longest phase name, on the right for the longest figure.
	left, right := 0.0, 0.0
	for _, r := range rows {
		left = max(left, labelWidth(r.Label, 15))
		right = max(right, labelWidth(fmt.Sprintf("%d%% (%d/%d)", r.Now.Percent(), r.Now.Returned, r.Now.Expected), 14),
			labelWidth(fmt.Sprintf("%d%% in %s", r.Before.Percent(), f.Previous), 13))
	}
	c.Left = left + 12
	span := float64(chartWidth) - c.Left - right - 8
	rowHeight := 28.0
	if c.HasPrevious {
		rowHeight = 44
	}
	var desc []string
	for i, r := range rows {
		b := Bar{Label: r.Label, Y: 24 + float64(i)*rowHeight}
		b.NowWidth = span * float64(r.Now.Percent()) / 100
		b.NowText = fmt.Sprintf("%d%% (%d/%d)", r.Now.Percent(), r.Now.Returned, r.Now.Expected)
		b.NowLabelX = c.Left + b.NowWidth + 4
		d := fmt.Sprintf("%s %d%%", r.Label, r.Now.Percent())
		if c.HasPrevious && r.HadBefore {
			b.PrevWidth = span * float64(r.Before.Percent()) / 100
			b.PrevText = fmt.Sprintf("%d%%", r.Before.Percent())
			b.PrevLabel = c.Left + b.PrevWidth + 4
			d += fmt.Sprintf(" (%s: %d%%)", f.Previous, r.Before.Percent())
		}
		c.Bars = append(c.Bars, b)
		desc = append(desc, d)
	}
	c.Height = 24 + int(float64(len(rows))*rowHeight) + 8
	c.Title = "Return rate by phase"
	c.Desc = strings.Join(desc, "; ") + "."
	return c
}
