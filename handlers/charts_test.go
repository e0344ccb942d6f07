package handlers

import (
	"testing"

	"github.com/lscp/assure/forms"
)

// textWidth over-estimates a label's width: 0.62 em a character covers the widest of
// the page's fonts for digits, capitals and lower case mixed.
func textWidth(s string, size float64) float64 { return float64(len([]rune(s))) * size * 0.62 }

// No chart label runs past its chart's edges, whatever the figures.
func TestChartLabelsFitTheirCharts(t *testing.T) {
	t.Parallel()
	full := forms.Rate{Returned: 281, Expected: 281}
	f := forms.Figures{Round: "2026-27", Previous: "2022-23"}
	for _, label := range []string{"Nursery", "Alternative provision", "Independent"} {
		f.Summary = append(f.Summary, forms.RateRow{Level: 1, Label: label, Now: full, Before: full, HadBefore: true})
	}
	bars := phaseBars(f)
	for _, b := range bars.Bars {
		if left := bars.Left - 8 - textWidth(b.Label, 15); left < 0 {
			t.Errorf("%s runs %.0f past the left edge", b.Label, -left)
		}
		if right := b.NowLabelX + textWidth(b.NowText, 14); right > float64(bars.Width) {
			t.Errorf("%q runs %.0f past the right edge", b.NowText, right-float64(bars.Width))
		}
		if right := b.PrevLabel + textWidth(b.PrevText+" in "+bars.Prev, 13); right > float64(bars.Width) {
			t.Errorf("%q runs %.0f past the right edge", b.PrevText, right-float64(bars.Width))
		}
	}
	// A round that ended on its deadline: the last tick is at the right edge.
	curve := curveChart("2022-23", []forms.DayCount{{Day: -70, Percent: 0}, {Day: 0, Percent: 88}}, "", nil)
	for _, tk := range curve.XTicks {
		w := textWidth(tk.Label, 13)
		start := map[string]float64{"start": tk.At, "middle": tk.At - w/2, "end": tk.At - w}[tk.Anchor]
		if start < 0 || start+w > float64(curve.Width) {
			t.Errorf("tick %q spans %.0f to %.0f of %d", tk.Label, start, start+w, curve.Width)
		}
	}
}
