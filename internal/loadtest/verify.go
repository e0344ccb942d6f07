package loadtest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/app"
	"github.com/lscp/assure/missions"
)

// Checked says what Verify compared.
type Checked struct {
	Sections, Submissions, Activities int
}

// Verify reads the store and checks every acknowledged write against it: each saved
// section's answers are there as sent; each acknowledged submission is there once (one
// submission, one kept version, the reference the governor was shown) with every answer
// intact; each logged activity is there once. It returns what it checked and every
// discrepancy in words (none is the only good answer).
func Verify(ctx context.Context, a *app.App, p Plan, acks *Acks) (Checked, []string, error) {
	st, returns, joso, round, josoYear := a.Store, a.Returns, a.JOSO, p.Round, p.JOSOYear
	acks.mu.Lock()
	defer acks.mu.Unlock()
	var c Checked
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for urn, sections := range acks.Saves {
		ret, err := returns.Get(ctx, forms.ReturnID{Round: round, URN: urn})
		if err != nil {
			return c, problems, fmt.Errorf("verify: return of %d: %w", urn, err)
		}
		got := ret.AnswerMap()
		for sec, want := range sections {
			c.Sections++
			for q, a := range want {
				if !reflect.DeepEqual(got[q], a) {
					fail("school %d, %s: stored %+v, acknowledged %+v", urn, q, got[q], a)
				}
			}
			if sec != declaration && !slices.Contains(ret.Completed, sec) {
				fail("school %d: section %s acknowledged but not marked completed", urn, sec)
			}
		}
	}
	versions := st.Collection("return_versions")
	for urn, ref := range acks.Submitted {
		c.Submissions++
		ret, err := returns.Get(ctx, forms.ReturnID{Round: round, URN: urn})
		if err != nil {
			return c, problems, fmt.Errorf("verify: return of %d: %w", urn, err)
		}
		if ret.Status != forms.StatusSubmitted || ret.Submissions != 1 {
			fail("school %d: acknowledged submission, stored status %s with %d submissions", urn, ret.Status, ret.Submissions)
		}
		if ref != "" && ret.Reference != ref {
			fail("school %d: governor was shown reference %s, store has %s", urn, ref, ret.Reference)
		}
		n, err := versions.CountDocuments(ctx, bson.D{{Key: "return", Value: ret.ID}})
		if err != nil {
			return c, problems, err
		}
		if n != 1 {
			fail("school %d: %d kept versions of one submission", urn, n)
		}
	}
	for urn, ids := range acks.Activities {
		list, err := joso.Activities.OfTeam(ctx, missions.TeamID(josoYear, urn))
		if err != nil {
			return c, problems, fmt.Errorf("verify: activities of %d: %w", urn, err)
		}
		perText := map[string]int{}
		stored := map[string]missions.Activity{}
		for _, a := range list {
			stored[a.ID] = a
			perText[a.Description]++
		}
		for _, id := range ids {
			c.Activities++
			a, ok := stored[id]
			switch {
			case !ok:
				fail("school %d: acknowledged activity %s is missing", urn, id)
			case a.Status == missions.ActivityDraft:
				fail("school %d: activity %s was sent but is stored as a draft", urn, id)
			case strings.HasPrefix(a.Description, "Load test") && perText[a.Description] != 1:
				fail("school %d: activity %q stored %d times", urn, a.Description, perText[a.Description])
			}
		}
	}
	return c, problems, nil
}
