package county

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
)

// England writes a GIAS custom download of n schools shaped like the demo county's mix of
// phases and governance, spread over 150 local authorities of two districts each: a
// register the size of England (about 24,000 schools) for measuring the service at that
// scale, through the real importer. URNs run from 100000; names are made up from place
// names and the county's school name endings.
func England(n int) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write(header)
	total := 0
	for _, g := range blocks {
		total += g.n
	}
	i := 0
	for b, g := range blocks {
		count := g.n * n / total
		if b == len(blocks)-1 {
			count = n - i // the last block takes what rounding left
		}
		for k := range count {
			_ = w.Write(englandRow(g, i, k, n))
			i++
		}
	}
	w.Flush()
	return buf.Bytes()
}

// englandRow is the ith school of England, the kth of its block g.
func englandRow(g group, i, k, n int) []string {
	urn := 100000 + i
	la := i * 150 / max(n, 1) // schools of a block spread over every authority
	la = (la + k) % 150
	place := englandPlace(urn)
	name := place + " " + g.suffix[k%len(g.suffix)]
	low, high := ages(g.giasPhase, g.typ)
	trust := ""
	if g.group == "Academies" || g.group == "Free Schools" {
		trust = fmt.Sprintf("%s %d", trusts[urn%len(trusts)], 1+urn%97)
	}
	boarders := "No boarders"
	if g.typ == "Other independent school" && k%5 == 0 {
		boarders = "Boarding school"
	}
	nursery, sixth := "No Nursery Classes", "Does not have a sixth form"
	if g.giasPhase == "Primary" && k%4 == 0 || g.giasPhase == "Nursery" {
		nursery = "Has Nursery Classes"
	}
	if g.giasPhase == "Secondary" && k%2 == 0 || g.giasPhase == "16 plus" || g.giasPhase == "All-through" {
		sixth = "Has a sixth form"
	}
	return []string{strconv.Itoa(urn), strconv.Itoa(801 + la), fmt.Sprintf("Authority %03d", 801+la), strconv.Itoa(2000 + k%8000),
		name, g.typ, g.group, "Open", g.giasPhase, strconv.Itoa(low), strconv.Itoa(high), nursery, sixth, boarders, trust,
		"01-09-2011", "01-04-2022", fmt.Sprintf("District %03d-%d", 801+la, urn%2), fmt.Sprintf("EN%d %dAA", 1+urn%29, 1+urn%9)}
}

var (
	englandStems = []string{"Ash", "Brook", "Church", "Dun", "Elm", "Fair", "Green", "Hay", "Ivy", "Kings", "Long", "Mill", "North",
		"Oak", "Pen", "Queens", "Red", "Stan", "Thorn", "Upper", "West", "Wood", "Bar", "Cold", "East", "Holm", "Lark", "Marsh"}
	englandEnds = []string{"ton", "field", "ham", "ley", "wick", "bury", "worth", "ford", "by", "stead", "well", "combe", "dale"}
)

// englandPlace is a made-up place name, about one in 360 schools sharing it.
func englandPlace(urn int) string {
	return englandStems[urn%len(englandStems)] + englandEnds[(urn/len(englandStems))%len(englandEnds)]
}
