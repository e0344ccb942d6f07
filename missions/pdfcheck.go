package missions

import (
	"bytes"
	"compress/zlib"
	"io"
)

// activeNames are the PDF names that make a document act when opened or carry another
// file: scripts, actions on open or on events, launching programs, attachments. /Encrypt
// is among them because encrypted streams cannot be inspected for the others.
var activeNames = map[string]bool{
	"JavaScript": true, "JS": true, "OpenAction": true, "AA": true, "Launch": true,
	"EmbeddedFile": true, "EmbeddedFiles": true, "Encrypt": true,
}

// maxInflated bounds what checkPDF decompresses from a file's streams, so a compression
// bomb costs at most this much memory and time.
const maxInflated = 64 << 20

// checkPDF refuses a PDF that names anything in activeNames, in its plain text or in any
// Flate-compressed stream (where PDF 1.5 object streams hide dictionaries). Names are
// compared after decoding #xx escapes, so "/J#61vaScript" is "/JavaScript".
func checkPDF(data []byte) error {
	if hasActiveName(data) {
		return errPDFActive
	}
	budget := int64(maxInflated)
	for rest := data; budget > 0; {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream"):]
		body := bytes.TrimLeft(rest, "\r\n")
		if len(body) == len(rest) {
			continue // "endstream", or the word inside some text
		}
		end := bytes.Index(body, []byte("endstream"))
		if end < 0 {
			end = len(body)
		}
		zr, err := zlib.NewReader(bytes.NewReader(body[:end]))
		if err != nil {
			continue // not Flate: images and fonts, whose bytes are not parsed as PDF
		}
		inflated, _ := io.ReadAll(io.LimitReader(zr, budget))
		budget -= int64(len(inflated))
		if hasActiveName(inflated) {
			return errPDFActive
		}
	}
	return nil
}

// hasActiveName scans b for PDF name tokens ("/" then regular characters) in activeNames.
func hasActiveName(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '/' {
			continue
		}
		j := i + 1
		for j < len(b) && regularPDFChar(b[j]) {
			j++
		}
		if activeNames[decodePDFName(b[i+1:j])] {
			return true
		}
		i = j - 1
	}
	return false
}

// regularPDFChar says whether c can be part of a name: not white space or a delimiter.
func regularPDFChar(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return false
	}
	return true
}

// decodePDFName turns #xx escapes into the bytes they stand for.
func decodePDFName(raw []byte) string {
	if bytes.IndexByte(raw, '#') < 0 {
		return string(raw)
	}
	out := make([]byte, 0, len(raw))
	for k := 0; k < len(raw); k++ {
		if raw[k] == '#' && k+2 < len(raw) && isHex(raw[k+1]) && isHex(raw[k+2]) {
			out = append(out, unhex(raw[k+1])<<4|unhex(raw[k+2]))
			k += 2
			continue
		}
		out = append(out, raw[k])
	}
	return string(out)
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
