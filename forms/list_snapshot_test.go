package forms

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
)

// wholeReads is how many times rs has read a round whole from its returns.
func wholeReads(rs *Rounds) int {
	rs.returns.lists.mu.Lock()
	defer rs.returns.lists.mu.Unlock()
	return rs.returns.lists.whole
}

// setContact writes a return's contact email straight to the store, as a write would,
// without moving the round's stamp (the hook is the caller's to call).
func setContact(t *testing.T, rs *Rounds, id ReturnID, email string) {
	t.Helper()
	err := rs.st.Write(context.Background(), func(ctx context.Context) error {
		_, err := rs.returns.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}}, bson.D{{Key: "$set", Value: bson.D{{Key: "contact_email", Value: email}}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func contactOf(t *testing.T, rs *Rounds, id ReturnID) string {
	t.Helper()
	list, err := rs.returns.OfRound(context.Background(), id.Round)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.URN == id.URN {
			return r.ContactEmail
		}
	}
	t.Fatalf("%s is not in its round's list", id)
	return ""
}

// A restarted instance, and another instance, read a round's list from its snapshot and
// the returns logged as changed since, not from every return; what they show is the store's.
func TestRoundListFromSnapshotAndLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	list, err := rs.returns.OfRound(ctx, round.ID)
	if err != nil || len(list) < 2 {
		t.Fatalf("list: %d, %v", len(list), err)
	}
	if wholeReads(rs) != 1 {
		t.Fatalf("first read: %d whole reads, want 1", wholeReads(rs))
	}
	other := NewRounds(rs.st, rs.register)
	id := list[1].Key()
	if got := contactOf(t, other, id); got != list[1].ContactEmail || wholeReads(other) != 0 {
		t.Fatalf("another instance: %q, %d whole reads; want the snapshot's", got, wholeReads(other))
	}
	setContact(t, rs, id, "new@example.org")
	if err := rs.returns.returnsChanged(ctx, round.ID, id.URN); err != nil {
		t.Fatal(err)
	}
	for name, x := range map[string]*Rounds{"this instance": rs, "another instance": other, "a restarted instance": NewRounds(rs.st, rs.register)} {
		before := wholeReads(x)
		if got := contactOf(t, x, id); got != "new@example.org" {
			t.Errorf("%s shows %q after the change", name, got)
		}
		if wholeReads(x) != before {
			t.Errorf("%s read the round whole to see one change", name)
		}
	}
	// Enough changes write a new snapshot and empty the log: a new instance starts there.
	for i := range snapshotEvery {
		setContact(t, rs, id, "n"+string(rune('a'+i%26))+"@example.org")
		if err := rs.returns.returnsChanged(ctx, round.ID, id.URN); err != nil {
			t.Fatal(err)
		}
		contactOf(t, rs, id)
	}
	s, err := rs.returns.stamp(ctx, round.ID)
	if err != nil || s.Base <= 2 || len(s.Log) >= snapshotEvery || int64(len(s.Log)) != s.Changes-s.Base {
		t.Fatalf("after a snapshot the log is %v (base %d, changes %d), %v", s.Log, s.Base, s.Changes, err)
	}
	fresh := NewRounds(rs.st, rs.register)
	if got, want := contactOf(t, fresh, id), contactOf(t, rs, id); got != want || wholeReads(fresh) != 0 {
		t.Fatalf("a new instance after the snapshot: %q (want %q), %d whole reads", got, want, wholeReads(fresh))
	}
	// The other instance's list is behind the emptied log: it starts from the snapshot.
	if got, want := contactOf(t, other, id), contactOf(t, rs, id); got != want || wholeReads(other) != 0 {
		t.Fatalf("the other instance after the snapshot: %q (want %q), %d whole reads", got, want, wholeReads(other))
	}
}

// A write that names no returns (opening a round, an exemption through countChange) is
// still seen: the round is read whole.
func TestRoundListAfterAChangeNamingNoReturn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	list, err := rs.returns.OfRound(ctx, round.ID)
	if err != nil {
		t.Fatal(err)
	}
	id := list[0].Key()
	if err := rs.returns.SetExempt(ctx, audit.CommandLine, id, true, "closing"); err != nil {
		t.Fatal(err)
	}
	for name, x := range map[string]*Rounds{"this instance": rs, "a restarted instance": NewRounds(rs.st, rs.register)} {
		list, err := x.returns.OfRound(ctx, round.ID)
		if err != nil || list[0].URN != id.URN || !list[0].Exempt {
			t.Errorf("%s: the exemption is not shown (%v)", name, err)
		}
	}
}

// A process that died between writing a return and moving its round's stamp left lists
// that do not know of the write; comparing the list with the returns repairs them, on
// every instance.
func TestRoundListRepairedAfterAWriteWithoutItsStamp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs, round := openRound(t)
	list, err := rs.returns.OfRound(ctx, round.ID)
	if err != nil {
		t.Fatal(err)
	}
	other := NewRounds(rs.st, rs.register)
	id := list[2].Key()
	contactOf(t, other, id)
	setContact(t, rs, id, "unseen@example.org") // and the process dies here
	if got := contactOf(t, other, id); got == "unseen@example.org" {
		t.Fatal("the test needs the list not to know of the write yet")
	}
	if err := NewRounds(rs.st, rs.register).returns.verifyList(ctx, round.ID); err != nil {
		t.Fatal(err)
	}
	for name, x := range map[string]*Rounds{"this instance": rs, "another instance": other} {
		if got := contactOf(t, x, id); got != "unseen@example.org" {
			t.Errorf("%s after the check shows %q", name, got)
		}
	}
	if !dueCheck(list[0].Updated.AddDate(0, 0, -1), 0, list[0].Updated) || dueCheck(list[0].Updated, 0, list[0].Updated) {
		t.Error("a list is checked again once verifyAfter has passed, not before")
	}
}
