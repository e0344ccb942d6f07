package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/store"
)

// Format names the file format in its header; Version changes if the layout does.
const (
	Format  = "assure-backup"
	Version = 1
)

// maxDocument is the largest BSON document MongoDB stores (16 MiB), plus room for the
// collection marker's index list; anything longer in a file is corruption.
const maxDocument = 17 << 20

type header struct {
	Format   string    `bson:"format"`
	Version  int       `bson:"version"`
	Created  time.Time `bson:"created"`
	Database string    `bson:"database"`
	Store    string    `bson:"store"`
	// Consistent says the dump is one point in time across collections.
	Consistent bool `bson:"consistent"`
}

type marker struct {
	Collection string     `bson:"collection"`
	Count      int64      `bson:"count"`
	Indexes    []bson.Raw `bson:"indexes"`
}

type trailer struct {
	End         bool  `bson:"end"`
	Collections int   `bson:"collections"`
	Documents   int64 `bson:"documents"`
}

// Summary says what a dump or restore held.
type Summary struct {
	Collections int
	Documents   int64
	Consistent  bool
	Created     time.Time
}

// Dump writes every collection of st's database to w. It tries a snapshot session
// first; a server without snapshot reads (a standalone MongoDB) is dumped collection by
// collection, and the summary says it is not consistent.
func Dump(ctx context.Context, st *store.Store, w io.Writer) (Summary, error) {
	sum, err := dump(ctx, st, w, true)
	if err != nil && errors.Is(err, errNoSnapshot) {
		return dump(ctx, st, w, false)
	}
	return sum, err
}

var errNoSnapshot = errors.New("backup: the server has no snapshot reads")

func dump(ctx context.Context, st *store.Store, w io.Writer, snapshot bool) (Summary, error) {
	var sum Summary
	names, err := st.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return sum, fmt.Errorf("backup: listing collections: %w", err)
	}
	slices.Sort(names)
	names = slices.DeleteFunc(names, func(n string) bool { return strings.HasPrefix(n, "system.") })
	read := func(ctx context.Context) error {
		gz, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		bw := bufio.NewWriter(gz)
		sum = Summary{Consistent: snapshot && st.Kind == store.KindMongoDB, Created: time.Now().UTC()}
		if err := writeDoc(bw, header{Format: Format, Version: Version, Created: sum.Created, Database: st.DB.Name(), Store: st.Kind, Consistent: sum.Consistent}); err != nil {
			return err
		}
		for _, name := range names {
			n, err := dumpCollection(ctx, st.DB.Collection(name), bw)
			if err != nil {
				return err
			}
			sum.Collections++
			sum.Documents += n
		}
		if err := writeDoc(bw, trailer{End: true, Collections: sum.Collections, Documents: sum.Documents}); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return gz.Close()
	}
	if !snapshot || st.Kind != store.KindMongoDB {
		return sum, read(ctx)
	}
	sess, err := st.Client.StartSession(options.Session().SetSnapshot(true))
	if err != nil {
		return sum, errNoSnapshot
	}
	defer sess.EndSession(ctx)
	err = read(mongo.NewSessionContext(ctx, sess))
	var ce mongo.CommandError
	if errors.As(err, &ce) && (ce.Code == 123 || ce.Code == 263 || strings.Contains(strings.ToLower(ce.Message), "snapshot")) {
		return sum, errNoSnapshot
	}
	return sum, err
}

// dumpCollection writes a collection's marker and documents (in _id order, so two dumps
// of the same data are the same bytes but for the header's time).
func dumpCollection(ctx context.Context, c *mongo.Collection, w io.Writer) (int64, error) {
	n, err := c.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("backup: counting %s: %w", c.Name(), err)
	}
	cur, err := c.Indexes().List(ctx)
	if err != nil {
		return 0, fmt.Errorf("backup: indexes of %s: %w", c.Name(), err)
	}
	var indexes []bson.Raw
	for cur.Next(ctx) {
		indexes = append(indexes, slices.Clone(cur.Current))
	}
	if err := cur.Err(); err != nil {
		return 0, err
	}
	if err := writeDoc(w, marker{Collection: c.Name(), Count: n, Indexes: indexes}); err != nil {
		return 0, err
	}
	docs, err := c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return 0, fmt.Errorf("backup: reading %s: %w", c.Name(), err)
	}
	defer docs.Close(ctx)
	var written int64
	for docs.Next(ctx) {
		if _, err := w.Write(docs.Current); err != nil {
			return written, err
		}
		written++
	}
	if err := docs.Err(); err != nil {
		return written, fmt.Errorf("backup: reading %s: %w", c.Name(), err)
	}
	if written != n {
		// Only possible without a snapshot: the collection changed while it was read.
		return written, fmt.Errorf("backup: %s changed while it was read (%d documents counted, %d read); run the backup again", c.Name(), n, written)
	}
	return written, nil
}

func writeDoc(w io.Writer, v any) error {
	b, err := bson.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// readDoc reads one BSON document, checking its length and structure.
func readDoc(r io.Reader) (bson.Raw, error) {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint32(size[:])
	if n < 5 || n > maxDocument {
		return nil, fmt.Errorf("a document of %d bytes", n)
	}
	doc := make([]byte, n)
	copy(doc, size[:])
	if _, err := io.ReadFull(r, doc[4:]); err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	raw := bson.Raw(doc)
	if err := raw.Validate(); err != nil {
		return nil, err
	}
	return raw, nil
}
