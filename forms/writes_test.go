package forms

import (
	"context"
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/mail"
	"github.com/lscp/assure/internal/store"
)

// A governor's section save costs one store write in the steady state (issue 15): the
// return's update carries the save's audit entry on its trail, and the round's change
// stamp moves only when the save changes the return's status (the first save: not started
// to in progress). The audit log still lists every save, and a stale version hands back
// the newer return.
func TestASectionSaveIsOneWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	a, log := assuranceOver(rs, mail.New(rs.st, mail.SMTP{}))
	ret, _ := rs.returns.Get(ctx, ReturnID{Round: round.ID, URN: 990006})
	who := Governor(ret, "192.0.2.9")
	secs := QuestionSections(round.Sections(ret))
	save := func(r Return, version int, sec Section) (Return, int64, int64, error) {
		t.Helper()
		before, err := rs.returns.changeCount(ctx, round.ID)
		if err != nil {
			t.Fatal(err)
		}
		counting, writes := store.CountWrites(ctx)
		saved, _, err := a.SaveSectionOf(counting, who, r, version, sec.ID, SectionValues(sec, fillSection(sec)), SaveAndContinue)
		after, _ := rs.returns.changeCount(ctx, round.ID)
		return saved, writes.Load(), after - before, err
	}
	saved, writes, stamped, err := save(ret, ret.Version, secs[0])
	if err != nil || writes != 2 || stamped != 1 || saved.Status != StatusInProgress {
		t.Fatalf("first save: %v, %d writes, stamp moved %d, status %s", err, writes, stamped, saved.Status)
	}
	for _, sec := range secs[1:4] {
		if saved, writes, stamped, err = save(saved, saved.Version, sec); err != nil || writes != 1 || stamped != 0 {
			t.Fatalf("save of %s: %v, %d writes, stamp moved %d", sec.ID, err, writes, stamped)
		}
	}
	stored, err := rs.returns.Get(ctx, ret.Key())
	if err != nil {
		t.Fatal(err)
	}
	if stored.Version != saved.Version || len(stored.Completed) != 4 || len(stored.Trail) != 4 || len(saved.Trail) != 4 {
		t.Fatalf("stored version %d (saved %d), completed %v, trail %d", stored.Version, saved.Version, stored.Completed, len(stored.Trail))
	}
	if latest, _, _, err := save(ret, ret.Version, secs[0]); !errors.Is(err, ErrConflict) || latest.Version != stored.Version {
		t.Fatalf("a stale version: %v, handed back version %d", err, latest.Version)
	}
	history := func() []audit.Entry {
		t.Helper()
		var listed []audit.Entry
		if err := log.Each(ctx, audit.Filter{Who: ret.ID, Action: audit.ActionReturnSaved}, 0, func(e audit.Entry) error {
			listed = append(listed, e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return listed
	}
	if listed := history(); len(listed) != 4 || listed[0].ID != stored.Trail[3].ID || listed[0].Detail != secs[3].ID ||
		listed[0].IP != "192.0.2.9" || listed[0].Actor != who.Name {
		t.Fatalf("audit log lists %+v, trail %+v", listed, stored.Trail)
	}
	// Were the process killed before the copy landed, the return's history still shows
	// the save, from its trail; the whole log does not.
	if _, err := rs.st.Collection("audit").DeleteOne(ctx, bson.D{{Key: "_id", Value: stored.Trail[3].ID}}); err != nil {
		t.Fatal(err)
	}
	if listed := history(); len(listed) != 4 || listed[0].ID != stored.Trail[3].ID || listed[1].ID != stored.Trail[2].ID {
		t.Fatalf("the return's history without the last copy: %+v", listed)
	}
}

// A trail keeps its newest entries only, and reads back as stored.
func TestTrailKeepsTheNewest(t *testing.T) {
	t.Parallel()
	var tr audit.Trail
	for i := range audit.TrailKept + 5 {
		tr, _ = tr.With(audit.Entry{Action: audit.ActionReturnSaved, Detail: string(rune('a' + i))})
	}
	if len(tr) != audit.TrailKept || tr[0].Detail != "f" {
		t.Fatalf("%d entries, oldest %q", len(tr), tr[0].Detail)
	}
	typ, data, err := tr.MarshalBSONValue()
	if err != nil {
		t.Fatal(err)
	}
	var back audit.Trail
	if err := back.UnmarshalBSONValue(typ, data); err != nil || len(back) != len(tr) || back[len(back)-1].ID != tr[len(tr)-1].ID {
		t.Fatalf("read back %d entries: %v", len(back), err)
	}
}
