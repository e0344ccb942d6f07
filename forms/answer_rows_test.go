package forms

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/exports"
	"github.com/lscp/assure/internal/audit"
)

// The workbook's rows read through answers rows are the rows of the returns read whole:
// for a return submitted once, one reopened and amended (its row no longer current), one
// resubmitted, and one whose row was lost; and the lost row is written again.
func TestWorkbookRowsFromAnswerRowsAreTheReturns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	a := serviceOver(rs)
	at := time.Date(2024, 12, 1, 10, 0, 0, 0, time.UTC)
	submit := func(urn int, key string) Return {
		t.Helper()
		ret, secs := completeAllButDeclaration(t, rs, round, urn)
		sub, err := submitted(ctx, a, ret, signed(secs, ret.Version, key, at))
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}
	submit(990006, "a")
	reopened := submit(990007, "b")
	resubmitted := submit(990008, "c")
	lost := submit(990009, "d")
	for _, r := range []Return{reopened, resubmitted} {
		re, err := rs.reopen(ctx, r.Key(), "amending")
		if err != nil {
			t.Fatal(err)
		}
		sec := round.Definition.For(re.School.Record)[1]
		ans := fillSection(sec)
		for id, v := range ans {
			if v.Value == "2024-09-02" {
				ans[id] = Answer{Value: "2023-06-30"}
			}
		}
		if re, _, err = a.SaveSection(ctx, Governor(re, ""), re.Key(), re.Version, sec.ID, SectionValues(sec, ans), SaveAndContinue); err != nil {
			t.Fatal(err)
		}
		if r.URN == resubmitted.URN {
			if _, err := submitted(ctx, a, re, signed(round.Definition.For(re.School.Record), re.Version, "e", at.Add(time.Hour))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := rs.returns.answerRows(round.ID).DeleteOne(ctx, bson.D{{Key: "_id", Value: strconv.Itoa(lost.URN)}}); err != nil {
		t.Fatal(err)
	}

	got := map[int]exports.ReturnRow{}
	err := rs.eachWithAnswers(ctx, round, func(r Return) error { got[r.URN] = returnRow(r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	list, err := rs.returns.OfRound(ctx, round.ID)
	if err != nil || len(list) != len(got) {
		t.Fatalf("%d returns, %d rows: %v", len(list), len(got), err)
	}
	for _, r := range list {
		whole, err := rs.returns.Get(ctx, r.Key())
		if err != nil {
			t.Fatal(err)
		}
		if want := returnRow(whole); !reflect.DeepEqual(got[r.URN], want) {
			t.Fatalf("URN %d:\n got %+v\nwant %+v", r.URN, got[r.URN], want)
		}
	}
	for _, urn := range []int{990006, 990008, 990009} {
		if len(got[urn].Answers) == 0 {
			t.Fatalf("URN %d: no answers in the workbook", urn)
		}
	}
	n, err := rs.returns.answerRows(round.ID).CountDocuments(ctx, bson.D{})
	if err != nil || n != 4 {
		t.Fatalf("%d answers rows after the workbook (want 4, the lost one mended): %v", n, err)
	}
}

// A round brought in whole writes its answers rows with its returns, and purging its
// answers drops them.
func TestPastRoundsAnswerRowsGoWithItsAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, _ := openRound(t)
	def, err := DefaultDefinition()
	if err != nil {
		t.Fatal(err)
	}
	opens := time.Date(2021, 10, 4, 0, 0, 0, 0, time.UTC)
	ret, err := rs.returns.Get(ctx, ReturnID{Round: "2024-25", URN: 990006})
	if err != nil {
		t.Fatal(err)
	}
	var answers []StoredAnswer
	for _, sec := range def.For(ret.School.Record) {
		for id, a := range fillSection(sec) {
			answers = append(answers, StoredAnswer{Question: id, Answer: a})
		}
	}
	in := PastRound{Year: "2021-22", Opens: "2021-10-04", Deadline: "2021-12-10", Created: opens.AddDate(0, 0, -14), Definition: *def,
		Returns: []PastReturn{{URN: 990006, Submitted: opens.AddDate(0, 0, 10), Answers: answers}, {URN: 990007}}}
	round, err := rs.LoadPast(ctx, audit.CommandLine, in)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := rs.returns.answerRowsOf(ctx, round.ID)
	if err != nil || len(rows) != 1 {
		t.Fatalf("%d answers rows: %v", len(rows), err)
	}
	if err := rs.SetRetention(ctx, audit.CommandLine, round.ID, 1); err != nil {
		t.Fatal(err)
	}
	if reps, err := rs.PurgeDue(ctx, "2030-01-01"); err != nil || len(reps) != 1 {
		t.Fatalf("purged %v: %v", reps, err)
	}
	if rows, err := rs.returns.answerRowsOf(ctx, round.ID); err != nil || len(rows) != 0 {
		t.Fatalf("%d answers rows after the purge: %v", len(rows), err)
	}
}

// An answers row keeps every field of every answer, and the sign-off.
func TestAnswersRowEncodingKeepsEverything(t *testing.T) {
	t.Parallel()
	for _, typ := range []reflect.Type{reflect.TypeFor[StoredAnswer](), reflect.TypeFor[Answer]()} {
		if typ.NumField() != map[string]int{"StoredAnswer": 3, "Answer": 3}[typ.Name()] {
			t.Fatalf("%s has %d fields: teach answer_codec.go to keep the new one", typ.Name(), typ.NumField())
		}
	}
	at := time.Date(2024, 12, 1, 10, 0, 0, 0, time.UTC)
	p := packedAnswers{Answers: []StoredAnswer{
		{Question: "dsl.name", Answer: Answer{Value: "Ann"}},
		{Question: "training.kinds", Answer: Answer{Values: []string{"a", "b"}}, Carried: true},
		{Question: "scr.checks", Answer: Answer{Value: "partly", Comment: "Two references to chase. ✓"}},
		{Question: "empty"},
	}, Preparer: &Person{Name: "Pat", Role: "Business manager", Email: "p@example.org", At: at}, Confirmer: &Person{Name: "Chris", At: at}}
	data, err := encodeAnswers(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeAnswers(data)
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("decoded %+v, %v", got, err)
	}
	if got, err := decodeAnswers(data[:len(data)/2]); err == nil {
		t.Fatalf("half a row decoded: %+v", got)
	}
	none, _ := encodeAnswers(packedAnswers{})
	if got, err := decodeAnswers(none); err != nil || len(got.Answers) != 0 || got.Preparer != nil {
		t.Fatalf("no answers: %+v %v", got, err)
	}
}
