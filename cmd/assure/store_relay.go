package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// FerretDB v1 applies an update (update, findAndModify, delete) as a read of the matching
// documents and a later write of each by _id alone, with nothing held between the two. Two
// clients updating one document at once can therefore lose one of the updates, and an
// optimistic-concurrency filter such as {_id, version} is checked by the read only. The
// embedded store is safe because its one process runs one write at a time (Store.Write);
// writeRelay gives every client of `assure store` the same rule: it passes the MongoDB
// wire protocol through to FerretDB and lets these commands run one at a time on any one
// document, across all connections. Inserts need no turn: a unique index decides between
// them.

// maxWireMessage bounds a message read from either side (MongoDB's own limit is 48 MB).
const maxWireMessage = 48 << 20

// opMsg is the MongoDB wire protocol's message opcode; moreToCome, a flag of its, says no
// reply will come (an unacknowledged write), so such a message takes no turn.
const (
	opMsg      = 2013
	moreToCome = 1 << 1
)

// serialised are the commands FerretDB runs as a read and a later write.
var serialised = map[string]bool{"update": true, "findAndModify": true, "findandmodify": true, "delete": true}

// turnStripes is how many locks the documents' turns are spread over.
const turnStripes = 256

// writeRelay relays connections from clients to FerretDB at backend. An update whose every
// filter names one _id waits only for updates of the same documents (a stripe of locks by
// collection and _id); any other update waits for every update and runs alone.
type writeRelay struct {
	backend string
	all     sync.RWMutex // shared by updates by _id, held alone by the others
	stripes [turnStripes]sync.Mutex
}

// serve relays every connection ln accepts until ctx ends.
func (r *writeRelay) serve(ctx context.Context, ln net.Listener) {
	go func() {
		<-ctx.Done()
		_ = ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go r.relay(ctx, c)
	}
}

// take waits for the turn a message needs and returns what gives it back; nil for a
// message that needs none.
func (r *writeRelay) take(msg []byte) func() {
	body, seqs := opMsgSections(msg)
	if body == nil {
		return nil
	}
	el, err := body.IndexErr(0)
	if err != nil || !serialised[el.Key()] {
		return nil
	}
	stripes, ok := r.stripesOf(el.Key(), el.Value().StringValue(), body, seqs)
	if !ok {
		r.all.Lock()
		return r.all.Unlock
	}
	r.all.RLock()
	for _, i := range stripes {
		r.stripes[i].Lock()
	}
	return func() {
		for _, i := range slices.Backward(stripes) {
			r.stripes[i].Unlock()
		}
		r.all.RUnlock()
	}
}

// stripesOf gives the stripes, in order, of the documents a command's filters name by
// _id; false when any filter does not name exactly one.
func (r *writeRelay) stripesOf(cmd, coll string, body bson.Raw, seqs map[string][]bson.Raw) ([]int, bool) {
	var filters []bson.Raw
	switch cmd {
	case "findAndModify", "findandmodify":
		q, ok := body.Lookup("query").DocumentOK()
		if !ok {
			return nil, false
		}
		filters = append(filters, q)
	default: // update, delete: statements in the body's array or in a document sequence
		name := map[string]string{"update": "updates", "delete": "deletes"}[cmd]
		stmts := seqs[name]
		if arr, ok := body.Lookup(name).ArrayOK(); ok {
			vals, _ := arr.Values()
			for _, v := range vals {
				if d, ok := v.DocumentOK(); ok {
					stmts = append(stmts, d)
				}
			}
		}
		for _, st := range stmts {
			q, ok := st.Lookup("q").DocumentOK()
			if !ok {
				return nil, false
			}
			filters = append(filters, q)
		}
	}
	if len(filters) == 0 {
		return nil, false
	}
	var stripes []int
	for _, q := range filters {
		id, err := q.LookupErr("_id")
		if err != nil || id.Type == bson.TypeEmbeddedDocument || id.Type == bson.TypeArray {
			return nil, false // no _id, or an operator ({$in: ...})
		}
		h := fnv.New32a()
		h.Write([]byte(coll))
		h.Write([]byte{0, byte(id.Type)})
		h.Write(id.Value)
		stripes = append(stripes, int(h.Sum32()%turnStripes))
	}
	slices.Sort(stripes)
	return slices.Compact(stripes), true
}

// relay passes one client's messages to its own connection to FerretDB and the replies
// back. A client sends one request at a time on a connection and waits for its reply, so a
// turn taken for a request is given back when the reply to it comes (or either side goes).
func (r *writeRelay) relay(ctx context.Context, client net.Conn) {
	defer client.Close()
	var d net.Dialer
	server, err := d.DialContext(ctx, "tcp", r.backend)
	if err != nil {
		return
	}
	defer server.Close()
	var mu sync.Mutex
	var heldFor int32 // the request whose reply gives the turn back
	var held func()
	release := func(reply int32, any bool) {
		mu.Lock()
		give := held
		if give == nil || (!any && reply != heldFor) {
			mu.Unlock()
			return
		}
		held = nil
		mu.Unlock()
		give()
	}
	defer release(0, true)
	replies := make(chan struct{})
	go func() {
		defer close(replies)
		defer client.Close()
		for {
			msg, err := readWireMessage(server)
			if err != nil {
				return
			}
			release(int32(binary.LittleEndian.Uint32(msg[8:12])), false) // responseTo
			if _, err := client.Write(msg); err != nil {
				return
			}
		}
	}()
	for {
		msg, err := readWireMessage(client)
		if err != nil {
			break
		}
		if give := r.take(msg); give != nil {
			mu.Lock()
			heldFor, held = int32(binary.LittleEndian.Uint32(msg[4:8])), give // requestID
			mu.Unlock()
		}
		if _, err := server.Write(msg); err != nil {
			break
		}
	}
	_ = server.Close()
	<-replies
}

// readWireMessage reads one whole message: its 16-byte header says its length.
func readWireMessage(c io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(c, header[:]); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(header[0:4]))
	if n < 16 || n > maxWireMessage {
		return nil, fmt.Errorf("store relay: a message of %d bytes", n)
	}
	msg := make([]byte, n)
	copy(msg, header[:])
	if _, err := io.ReadFull(c, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// opMsgSections is an OP_MSG's body (its section of kind 0) and its document sequences
// (sections of kind 1) by name, if it waits for a reply; a nil body for any other message.
func opMsgSections(msg []byte) (bson.Raw, map[string][]bson.Raw) {
	if len(msg) < 21 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg || binary.LittleEndian.Uint32(msg[16:20])&moreToCome != 0 {
		return nil, nil
	}
	var body bson.Raw
	seqs := map[string][]bson.Raw{}
	rest := msg[20:] // after the header and the flag bits
	for len(rest) > 5 {
		kind := rest[0]
		size := int(binary.LittleEndian.Uint32(rest[1:5]))
		if size < 5 || size > len(rest)-1 {
			return nil, nil
		}
		sec := rest[1 : 1+size]
		rest = rest[1+size:]
		switch kind {
		case 0:
			body = bson.Raw(sec)
		case 1: // size, the sequence's name, then its documents
			name, docs, ok := bytes.Cut(sec[4:], []byte{0})
			if !ok {
				return nil, nil
			}
			for len(docs) >= 5 {
				n := int(binary.LittleEndian.Uint32(docs[:4]))
				if n < 5 || n > len(docs) {
					return nil, nil
				}
				seqs[string(name)] = append(seqs[string(name)], bson.Raw(docs[:n]))
				docs = docs[n:]
			}
		}
	}
	return body, seqs
}
