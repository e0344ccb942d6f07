package audit

import (
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A document written often by one actor (a return, saved section by section) can carry
// the audit entries of its own writes in the write itself: one store write instead of
// two, and the entry is as durable as the change it records. The trail keeps the last
// TrailKept entries; each is also copied into the audit collection after the write
// (Log.Copy), so the audit log lists it, and a history read where the trail is merges
// the two (Merge): an entry whose copy a crash lost is still on its document.
//
// The trail is stored as one binary value: the embedded store decodes a document value
// by value, so twenty entries of five fields each would cost more to read than the
// answers of a return; one value costs next to nothing.

// TrailKept is how many entries a trail keeps: far more than are written between two
// copies to the audit collection.
const TrailKept = 20

// Trail is the newest audit entries of a document's own writes, oldest first.
type Trail []Entry

// With is the trail once e is added (its ID and time are set here if unset), keeping
// the newest TrailKept entries, and e as added.
func (t Trail) With(e Entry) (Trail, Entry) {
	if e.ID.IsZero() {
		e.ID = bson.NewObjectID()
	}
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	out := append(t[max(0, len(t)+1-TrailKept):len(t):len(t)], e)
	return out, e
}

type trailDoc struct {
	Entries []Entry `bson:"e"`
}

// MarshalBSONValue stores the trail as one binary value.
func (t Trail) MarshalBSONValue() (byte, []byte, error) {
	data, err := bson.Marshal(trailDoc{Entries: t})
	if err != nil {
		return 0, nil, fmt.Errorf("audit: storing a trail: %w", err)
	}
	typ, v, err := bson.MarshalValue(bson.Binary{Data: data})
	return byte(typ), v, err
}

// UnmarshalBSONValue reads a trail stored by MarshalBSONValue (null or absent: empty).
func (t *Trail) UnmarshalBSONValue(typ byte, data []byte) error {
	*t = nil
	if bson.Type(typ) == bson.TypeNull || bson.Type(typ) == bson.TypeUndefined {
		return nil
	}
	var b bson.Binary
	if err := bson.UnmarshalValue(bson.Type(typ), data, &b); err != nil {
		return fmt.Errorf("audit: reading a trail: %w", err)
	}
	var d trailDoc
	if err := bson.Unmarshal(b.Data, &d); err != nil {
		return fmt.Errorf("audit: reading a trail: %w", err)
	}
	*t = d.Entries
	return nil
}

// Copy queues entries already kept on their document's trail for the audit collection,
// in the next group insert (the store's InsertLater); it does not wait. An entry copied
// twice is kept once (its ID is set).
func (l *Log) Copy(entries ...Entry) {
	docs := make([]any, len(entries))
	for i, e := range entries {
		docs[i] = e
	}
	l.st.InsertLater(l.c, docs...)
}
