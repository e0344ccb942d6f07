package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// FerretDB v1 applies an update (update, findAndModify, delete) as a read of the matching
// documents and a later write of each by _id alone, with nothing held between the two. Two
// clients updating one document at once can therefore lose one of the updates, and an
// optimistic-concurrency filter such as {_id, version} is checked by the read only. The
// embedded store is safe because its one process runs one write at a time (Store.Write);
// writeRelay gives every client of `assure store` the same rule: it passes the MongoDB
// wire protocol through to FerretDB and lets one of these commands run at a time across
// all connections. Inserts need no turn: a unique index decides between them. (One turn
// per document was tried: with 60 governors saving at once on PostgreSQL every save hung
// until its request timed out, as if each update held one of FerretDB's 50 PostgreSQL
// connections for its read while waiting for another to write.)

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

// writeRelay relays connections from clients to FerretDB at backend, one update at a time.
type writeRelay struct {
	backend string
	turn    sync.Mutex
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
	var holding atomic.Int32 // the request ID whose reply gives the turn back; 0: none
	release := func(id int32) {
		if id != 0 && holding.CompareAndSwap(id, 0) {
			r.turn.Unlock()
		}
	}
	defer func() { release(holding.Load()) }()
	replies := make(chan struct{})
	go func() {
		defer close(replies)
		defer client.Close()
		for {
			msg, err := readWireMessage(server)
			if err != nil {
				return
			}
			release(int32(binary.LittleEndian.Uint32(msg[8:12]))) // responseTo
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
		if serialised[commandName(msg)] {
			r.turn.Lock()
			holding.Store(int32(binary.LittleEndian.Uint32(msg[4:8]))) // requestID
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

// commandName is the command of an OP_MSG that waits for its reply: the first key of its
// body (the section of kind 0); "" for any other message.
func commandName(msg []byte) string {
	if binary.LittleEndian.Uint32(msg[12:16]) != opMsg || len(msg) < 21 || binary.LittleEndian.Uint32(msg[16:20])&moreToCome != 0 {
		return ""
	}
	rest := msg[20:] // after the header and the flag bits
	for len(rest) > 5 {
		kind := rest[0]
		size := int(binary.LittleEndian.Uint32(rest[1:5]))
		if kind == 0 {
			if size > len(rest)-1 {
				return ""
			}
			el, err := bson.Raw(rest[1 : 1+size]).IndexErr(0)
			if err != nil {
				return ""
			}
			return el.Key()
		}
		if size+1 > len(rest) { // a document sequence: its size counts itself, not the kind
			return ""
		}
		rest = rest[1+size:]
	}
	return ""
}
