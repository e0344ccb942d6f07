package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/loadtest"
)

// A governor's whole return through the HTTP stack (Fiber, middleware, session, CSRF,
// validation, templates, the store) against the same writes made directly by the driver:
// the README gives the ratio. Run with -benchtime 100x (the county has 387 schools).
func BenchmarkSubmitThroughHTTP(b *testing.B) {
	srv, rs := roundServer(b)
	ctx := context.Background()
	returns, err := rs.Returns().OfRound(ctx, "2024-25")
	if err != nil {
		b.Fatal(err)
	}
	if b.N > len(returns) {
		b.Fatalf("%d iterations, but the round has %d schools: use -benchtime 100x", b.N, len(returns))
	}
	round, _ := rs.Get(ctx, "2024-25")
	type school struct {
		token string
		secs  []forms.Section
		urn   int
	}
	var schools []school
	for _, r := range returns[:b.N] {
		tok, _ := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, forms.ReturnID{Round: "2024-25", URN: r.URN})
		full, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: r.URN})
		schools = append(schools, school{tok, round.Definition.For(full.School.Record), r.URN})
	}
	today := time.Now().In(academic.London)
	b.ResetTimer()
	for i := range b.N {
		s := schools[i]
		g := srv.client(b)
		g.openLink(s.token)
		for _, sec := range forms.QuestionSections(s.secs) {
			_, body, _ := g.get("/return/section/" + sec.ID)
			form, _ := loadtest.AnswersFor(s.urn, sec, today)
			form.Set("_csrf", g.csrf)
			form.Set("version", versionInput.FindStringSubmatch(body)[1])
			form.Set("action", "continue")
			if code, _, _ := g.post("/return/section/"+sec.ID, form); code != http.StatusSeeOther {
				b.Fatalf("save %s: %d", sec.ID, code)
			}
		}
		_, body, _ := g.get("/return/submit")
		decl, _ := forms.DeclarationSection(s.secs)
		form, _ := loadtest.AnswersFor(s.urn, decl, today)
		form.Set("_csrf", g.csrf)
		form.Set("version", versionInput.FindStringSubmatch(body)[1])
		form.Set("submit_key", keyInput.FindStringSubmatch(body)[1])
		if code, _, _ := g.post("/return/submit", form); code != http.StatusSeeOther {
			b.Fatalf("submit: %d", code)
		}
	}
}

// The same return's writes by the driver alone, on the same kind of store: one update
// by _id per section with the answers so far, the submission's update and its kept
// version. No session, link, CSRF, validation, audit, page or version check.
func BenchmarkSubmitDirectDriver(b *testing.B) {
	srv, rs := roundServer(b)
	ctx := context.Background()
	round, _ := rs.Get(ctx, "2024-25")
	ret, _ := rs.Returns().Get(ctx, forms.ReturnID{Round: "2024-25", URN: urnA})
	secs := round.Definition.For(ret.School.Record)
	today := time.Now().In(academic.London)
	returns, versions := srv.store.Collection("bench_returns"), srv.store.Collection("bench_versions")
	for i := range b.N {
		ret.ID = fmt.Sprintf("bench:%d", i)
		if _, err := returns.InsertOne(ctx, ret); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("bench:%d", i)
		var answers []forms.StoredAnswer
		for _, sec := range secs {
			_, want := loadtest.AnswersFor(ret.URN, sec, today)
			for q, a := range want {
				answers = append(answers, forms.StoredAnswer{Question: q, Answer: a})
			}
			if _, err := returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "answers", Value: answers}, {Key: "status", Value: forms.StatusInProgress},
					{Key: "updated", Value: time.Now()}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: forms.StatusSubmitted}, {Key: "reference", Value: forms.NewReference()}}}}); err != nil {
			b.Fatal(err)
		}
		if _, err := versions.InsertOne(ctx, bson.D{{Key: "_id", Value: id + ":v1"}, {Key: "answers", Value: answers}}); err != nil {
			b.Fatal(err)
		}
	}
}

// 200 governors opening their links in the same second (issue 15: p99 under 2 s on the
// embedded store). Each iteration is one burst of fresh browsers; p50 and p99 are of the
// openings of every burst. Run with -benchtime 1x (the county has 387 schools).
func BenchmarkOpenLinkBurst(b *testing.B) {
	const burst = 200
	srv, rs := roundServer(b)
	ctx := context.Background()
	returns, err := rs.Returns().OfRound(ctx, "2024-25")
	if err != nil {
		b.Fatal(err)
	}
	var tokens []string
	for _, r := range returns[:burst] {
		tok, err := forms.NewLinks(rs).IssueLink(ctx, audit.CommandLine, r.Key())
		if err != nil {
			b.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	var took []time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		for _, tok := range tokens {
			wg.Go(func() {
				req := httptestRequest("GET", "/r/"+tok, nil, "")
				start := time.Now()
				res, err := srv.app.Test(req, -1)
				d := time.Since(start)
				if err != nil || res.StatusCode != http.StatusSeeOther {
					b.Errorf("opening a link: %v %v", err, res)
					return
				}
				_ = res.Body.Close()
				mu.Lock()
				took = append(took, d)
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	b.StopTimer()
	slices.Sort(took)
	if len(took) > 0 {
		b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
		b.ReportMetric(float64(took[len(took)*99/100].Milliseconds()), "p99-ms")
	}
}
