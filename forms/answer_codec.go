package forms

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// An answers row's data is read for every returned school each time the workbook is made,
// so it is encoded for reading: the answers as lengths and bytes, field by field (BSON's
// reflection costs about as much again as the store's own reading), the sign-off in BSON
// (present only in two-person rounds), the whole deflated: a return's sixty answers are a
// few hundred bytes, which the embedded store reads back quickly.

const answersCodecVersion = 1

var errAnswersDamaged = errors.New("returns: an answers row is damaged")

// inflaters are readers of deflated rows, kept between rows: a new one allocates tens of
// kilobytes, more than the row it reads.
var inflaters = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

// encodeAnswers packs p for an answers row.
func encodeAnswers(p packedAnswers) ([]byte, error) {
	var raw []byte
	str := func(s string) {
		raw = binary.AppendUvarint(raw, uint64(len(s)))
		raw = append(raw, s...)
	}
	raw = binary.AppendUvarint(raw, answersCodecVersion)
	raw = binary.AppendUvarint(raw, uint64(len(p.Answers)))
	for _, a := range p.Answers {
		str(a.Question)
		str(a.Value)
		raw = binary.AppendUvarint(raw, uint64(len(a.Values)))
		for _, v := range a.Values {
			str(v)
		}
		str(a.Comment)
		raw = append(raw, map[bool]byte{false: 0, true: 1}[a.Carried])
	}
	signOff, err := bson.Marshal(struct {
		Preparer  *Person `bson:"p,omitempty"`
		Confirmer *Person `bson:"c,omitempty"`
	}{p.Preparer, p.Confirmer})
	if err != nil {
		return nil, err
	}
	raw = binary.AppendUvarint(raw, uint64(len(signOff)))
	raw = append(raw, signOff...)
	return deflate(raw)
}

// decodeAnswers unpacks an answers row's data.
func decodeAnswers(data []byte) (p packedAnswers, err error) {
	r := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(data), nil); err != nil {
		return p, fmt.Errorf("%w: %w", errAnswersDamaged, err)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return p, fmt.Errorf("%w: %w", errAnswersDamaged, err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = errAnswersDamaged
		}
	}()
	uv := func() uint64 {
		n, k := binary.Uvarint(raw)
		if k <= 0 {
			panic(errAnswersDamaged)
		}
		raw = raw[k:]
		return n
	}
	str := func() string {
		n := uv()
		s := string(raw[:n])
		raw = raw[n:]
		return s
	}
	if uv() != answersCodecVersion {
		return p, errAnswersDamaged
	}
	p.Answers = make([]StoredAnswer, uv())
	for i := range p.Answers {
		a := &p.Answers[i]
		a.Question, a.Value = str(), str()
		if n := uv(); n > 0 {
			a.Values = make([]string, n)
			for k := range a.Values {
				a.Values[k] = str()
			}
		}
		a.Comment = str()
		a.Carried, raw = raw[0] == 1, raw[1:]
	}
	var signOff struct {
		Preparer  *Person `bson:"p,omitempty"`
		Confirmer *Person `bson:"c,omitempty"`
	}
	if err := bson.Unmarshal(raw[:uv()], &signOff); err != nil {
		return p, fmt.Errorf("%w: %w", errAnswersDamaged, err)
	}
	p.Preparer, p.Confirmer = signOff.Preparer, signOff.Confirmer
	return p, nil
}

// deflate compresses a packed value (answers rows, round list parts) for the store: fast
// compression, since these are written on the request path.
func deflate(raw []byte) ([]byte, error) {
	var out bytes.Buffer
	w, err := flate.NewWriter(&out, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
