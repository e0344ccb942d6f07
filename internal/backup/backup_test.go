package backup

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/storetest"
)

// asMongoDB opens a fresh database of the test server through the MongoDB code path (no
// embedded write lock, a snapshot session tried first), as a deployment's MongoDB would be.
func asMongoDB(t *testing.T) *store.Store {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	st, err := store.Connect(context.Background(), storetest.URI(t), "b_"+hex.EncodeToString(b), store.KindMongoDB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.DB.Drop(context.Background()); _ = st.Close(context.Background()) })
	return st
}

// seed writes documents of every BSON type the service uses, an index, and a file of
// several GridFS chunks.
func seed(t *testing.T, st *store.Store) []byte {
	t.Helper()
	ctx := context.Background()
	c := st.Collection("returns")
	when := time.Date(2024, 12, 13, 16, 59, 59, 123e6, time.UTC)
	docs := []any{
		bson.D{{Key: "_id", Value: "2024-25:990006"}, {Key: "version", Value: int32(3)}, {Key: "big", Value: int64(1) << 40}, {Key: "submitted", Value: when},
			{Key: "answers", Value: bson.A{bson.D{{Key: "q", Value: "dsl.on_slt"}, {Key: "value", Value: "yes"}}}}, {Key: "score", Value: 2.5},
			{Key: "hash", Value: bson.Binary{Subtype: 0, Data: []byte{0, 1, 2, 255}}}, {Key: "text", Value: "<script>alert(1)</script> é ✓"}},
		bson.D{{Key: "_id", Value: "2024-25:990007"}, {Key: "version", Value: int32(0)}, {Key: "missing", Value: nil}},
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "version", Value: 1}}, Options: options.Index().SetName("by_version")}); err != nil {
		t.Fatal(err)
	}
	file := make([]byte, 700_000)
	_, _ = rand.Read(file)
	bucket := st.DB.GridFSBucket(options.GridFSBucket().SetName("evidence_2022_23_990006"))
	if _, err := bucket.UploadFromStream(ctx, "poster.png", bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	return file
}

// contents is every non-empty collection's documents.
func contents(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	out := storetest.Contents(t, st)
	for n, docs := range out {
		if len(docs) == 0 {
			delete(out, n)
		}
	}
	return out
}

func TestRoundTripIsExact(t *testing.T) {
	for name, open := range map[string]func(*testing.T) *store.Store{"embedded": func(t *testing.T) *store.Store { return storetest.New(t) }, "mongodb": asMongoDB} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := open(t)
			file := seed(t, src)
			var buf bytes.Buffer
			sum, err := Dump(ctx, src, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Collections != 3 || sum.Documents != 2+1+3 {
				t.Fatalf("dumped %+v", sum)
			}
			dst := open(t)
			got, err := Restore(ctx, dst, reader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if got.Documents != sum.Documents {
				t.Fatalf("restored %+v", got)
			}
			want, have := contents(t, src), contents(t, dst)
			if len(want) != 3 || !equal(want, have) {
				t.Fatalf("restored data differs:\n%v\n%v", want, have)
			}
			var down bytes.Buffer
			if _, err := dst.DB.GridFSBucket(options.GridFSBucket().SetName("evidence_2022_23_990006")).DownloadToStreamByName(ctx, "poster.png", &down); err != nil || !bytes.Equal(down.Bytes(), file) {
				t.Fatalf("evidence file after restore: %v, %d bytes", err, down.Len())
			}
			idx, err := dst.Collection("returns").Indexes().ListSpecifications(ctx)
			if err != nil || !slices.ContainsFunc(idx, func(s mongo.IndexSpecification) bool { return s.Name == "by_version" }) {
				t.Fatalf("index not restored: %v %v", idx, err)
			}
			// Into a store that holds anything: refused, nothing written.
			if _, err := Restore(ctx, dst, reader(buf.Bytes())); !errors.Is(err, ErrNotEmpty) {
				t.Fatalf("restore over data: %v", err)
			}
		})
	}
}

func equal(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func reader(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// A damaged or cut file is refused whole: the store stays empty.
func TestDamagedFileRestoresNothing(t *testing.T) {
	ctx := context.Background()
	src := storetest.New(t)
	seed(t, src)
	var buf bytes.Buffer
	if _, err := Dump(ctx, src, &buf); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	// A cut file, and a file whose trailer disagrees (a document dropped from the middle
	// cannot be made without re-compressing, so alter the uncompressed stream instead).
	cases := map[string][]byte{
		"cut":       full[:len(full)*2/3],
		"not gzip":  []byte("PK\x03\x04 an xlsx, say"),
		"empty":     nil,
		"corrupted": corrupt(t, full),
	}
	for name, data := range cases {
		dst := storetest.New(t)
		if _, err := Restore(ctx, dst, reader(data)); err == nil {
			t.Errorf("%s: restored", name)
		}
		if n := len(contents(t, dst)); n != 0 {
			t.Errorf("%s: %d collections written", name, n)
		}
	}
}

// corrupt flips a byte inside the compressed data.
func corrupt(t *testing.T, b []byte) []byte {
	t.Helper()
	c := slices.Clone(b)
	c[len(c)/2] ^= 0xff
	return c
}
