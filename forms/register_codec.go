package forms

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// The register's snapshot is decoded on the first view of the register page after a start
// or an import, so its encoding is chosen for decoding: BSON (or gob) of 24,000 schools
// takes a few hundred milliseconds; this takes a few tens. A part holds a table of the
// distinct strings it uses (place names, types, districts recur), then each school as
// indexes into the table, varints and bytes, field by field of Record in declaration
// order. The layout (the field names and kinds) is kept beside the data: a snapshot
// written by a build whose Record differs is not decoded, and the register is read from
// its documents instead.

var recordType = reflect.TypeFor[Record]()

// recordLayout names Record's fields and kinds, in order.
var recordLayout = func() string {
	var b strings.Builder
	for i := range recordType.NumField() {
		f := recordType.Field(i)
		fmt.Fprintf(&b, "%s:%s;", f.Name, f.Type.Kind())
	}
	return b.String()
}()

var errSnapshotLayout = errors.New("register: the snapshot was written for another layout of the register")

// encodeSchools encodes schools for a snapshot part.
func encodeSchools(schools []School) ([]byte, error) {
	index := map[string]uint64{}
	var table []string
	ref := func(s string) uint64 {
		i, ok := index[s]
		if !ok {
			i = uint64(len(table))
			index[s] = i
			table = append(table, s)
		}
		return i
	}
	var body []byte
	body = binary.AppendUvarint(body, uint64(len(schools)))
	for _, s := range schools {
		body = binary.AppendUvarint(body, ref(s.ID))
		if s.Updated.IsZero() {
			body = append(body, 0)
		} else {
			body = append(body, 1)
			body = binary.AppendVarint(body, s.Updated.UnixMilli()) // as the store keeps it
		}
		v := reflect.ValueOf(s.Record)
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Kind() {
			case reflect.String:
				body = binary.AppendUvarint(body, ref(f.String()))
			case reflect.Int:
				body = binary.AppendVarint(body, f.Int())
			case reflect.Bool:
				body = append(body, map[bool]byte{false: 0, true: 1}[f.Bool()])
			default:
				return nil, fmt.Errorf("register: cannot encode the %s field %s", f.Kind(), recordType.Field(i).Name)
			}
		}
	}
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(table)))
	for _, s := range table {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, body...), nil
}

// decodeSchools decodes a snapshot part, appending its schools to list.
func decodeSchools(data []byte, list []School) ([]School, error) {
	bad := errors.New("register: the snapshot is damaged")
	uv := func() uint64 {
		n, k := binary.Uvarint(data)
		if k <= 0 {
			panic(bad)
		}
		data = data[k:]
		return n
	}
	sv := func() int64 {
		n, k := binary.Varint(data)
		if k <= 0 {
			panic(bad)
		}
		data = data[k:]
		return n
	}
	b := func() bool {
		if len(data) == 0 {
			panic(bad)
		}
		v := data[0]
		data = data[1:]
		return v == 1
	}
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = bad
			}
		}()
		table := make([]string, uv())
		for i := range table {
			n := uv()
			table[i], data = string(data[:n]), data[n:]
		}
		str := func() string { return table[uv()] }
		n := uv()
		for range n {
			var s School
			s.ID = str()
			if b() {
				s.Updated = time.UnixMilli(sv()).UTC()
			}
			v := reflect.ValueOf(&s.Record).Elem()
			for i := range v.NumField() {
				f := v.Field(i)
				switch f.Kind() {
				case reflect.String:
					f.SetString(str())
				case reflect.Int:
					f.SetInt(sv())
				case reflect.Bool:
					f.SetBool(b())
				}
			}
			list = append(list, s)
		}
	}()
	return list, err
}
