package missions

import "time"

// StartingCatalogue is the first year's mission areas and missions: the partnership's
// seven areas over the eight strands, with activities schools have reported. Later years
// start from the year before, as edited.
func StartingCatalogue(now time.Time, by string) ([]Area, []Mission) {
	areas := []Area{
		{ID: "a1", Name: "Who am I online?", Strands: []string{"self-image", "reputation"}},
		{ID: "a2", Name: "Friends and contact online", Strands: []string{"relationships"}},
		{ID: "a3", Name: "Stand up to online bullying", Strands: []string{"bullying"}},
		{ID: "a4", Name: "Fact or fake?", Strands: []string{"information"}},
		{ID: "a5", Name: "Healthy screen time", Strands: []string{"health"}},
		{ID: "a6", Name: "Lock it down", Strands: []string{"privacy"}},
		{ID: "a7", Name: "Create and credit", Strands: []string{"copyright"}},
	}
	rule := func(base, whole, parents, ks1, ks2, capXP int) []Rule {
		return []Rule{{Version: 1, Base: base, WholeSchool: whole, Parents: parents, KS1: ks1, KS2: ks2, Cap: capXP, Since: now, By: by}}
	}
	missions := []Mission{
		{ID: "m1", Area: "a1", Title: "Online safety board", Activities: []ActivityType{
			{ID: "m1-a1", Title: "Set up and keep an online safety board", Rules: rule(20, 10, 5, 5, 5, 0)},
		}},
		{ID: "m2", Area: "a2", Title: "Safer Internet Day", Activities: []ActivityType{
			{ID: "m2-a1", Title: "Run a Safer Internet Day event", Rules: rule(30, 20, 15, 10, 10, 0)},
		}},
		{ID: "m3", Area: "a3", Title: "Worry boxes", Activities: []ActivityType{
			{ID: "m3-a1", Title: "Put a worry box in every class and explain it", Rules: rule(15, 10, 0, 10, 5, 60)},
		}},
		{ID: "m4", Area: "a3", Title: "Class debates", Activities: []ActivityType{
			{ID: "m4-a1", Title: "Lead a class debate", Rules: rule(10, 0, 0, 5, 5, 0)},
		}},
		{ID: "m5", Area: "a4", Title: "Fact or fake assembly", Activities: []ActivityType{
			{ID: "m5-a1", Title: "Lead an assembly for KS1 and KS2", Rules: rule(25, 20, 0, 10, 10, 0)},
		}},
		{ID: "m6", Area: "a5", Title: "Wet play game", Activities: []ActivityType{
			{ID: "m6-a1", Title: "Make an internet-safety snakes and ladders game", Rules: rule(20, 5, 0, 10, 5, 0)},
		}},
		{ID: "m7", Area: "a6", Title: "Password power", Activities: []ActivityType{
			{ID: "m7-a1", Title: "Write a privacy tips newsletter for families", Rules: rule(15, 0, 20, 0, 5, 0)},
		}},
		{ID: "m8", Area: "a7", Title: "Poster competition", Activities: []ActivityType{
			{ID: "m8-a1", Title: "Run a poster competition", Rules: rule(15, 10, 5, 5, 5, 0)},
		}},
	}
	return areas, missions
}
