package extract

import (
	"bytes"
	"net/http"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// looksBinary reports whether the start of a body holds bytes that never
// occur in an HTML document (NUL and most other C0 controls).
func looksBinary(b []byte) bool {
	if len(b) > 1024 {
		b = b[:1024]
	}
	// UTF-16 (with a BOM, or markup without one) is text, not binary.
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		return false
	}
	if _, ok := sniffUTF16(b); ok {
		return false
	}
	bad := 0
	for _, c := range b {
		if c == 0 {
			return true
		}
		if c < 0x09 || (c > 0x0D && c < 0x20 && c != 0x1B) {
			bad++
		}
	}
	return bad > len(b)/20+1
}

// sniffUTF16 recognises markup in UTF-16 without a byte-order mark: after
// white space, "<" and then "!", "?", "/" or a letter, the first four
// code units of the markup Latin-1 characters that are not controls (a
// zero byte beside each: on the odd bytes for little-endian, the even ones
// for big-endian), and no zero code unit in the first KiB. Markup starts
// so; binary formats (PNG, gzip, PDF) and single-byte text do not.
func sniffUTF16(b []byte) (encoding.Encoding, bool) {
	b = b[:min(len(b), 1024)&^1]
	n := len(b) / 2
next:
	for _, e := range []struct {
		lo  int // index of the low byte in a code unit
		end unicode.Endianness
	}{{0, unicode.LittleEndian}, {1, unicode.BigEndian}} {
		unit := func(i int) (lo, hi byte) { return b[2*i+e.lo], b[2*i+1-e.lo] }
		i := 0
		for ; i < n; i++ {
			if lo, hi := unit(i); hi != 0 || !isSpaceByte(lo) {
				break
			}
		}
		if i+4 > n {
			continue
		}
		for j := i; j < i+4; j++ {
			if lo, hi := unit(j); hi != 0 || (lo < 0x20 && !isSpaceByte(lo)) || lo == 0x7F {
				continue next
			}
		}
		lt, _ := unit(i)
		c, _ := unit(i + 1)
		letter := c|0x20 >= 'a' && c|0x20 <= 'z'
		if lt != '<' || !(letter || c == '!' || c == '?' || c == '/') {
			continue
		}
		for j := range n {
			if lo, hi := unit(j); lo == 0 && hi == 0 {
				continue next
			}
		}
		return unicode.UTF16(e.end, unicode.IgnoreBOM), true
	}
	return nil, false
}

// isSpaceByte reports whether c is HTML white space.
func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// isHTML decides whether a body is an HTML document, from the declared
// Content-Type and the bytes. As in WHATWG MIME sniffing, a body that
// starts with an HTML tag is HTML even with a stray NUL or control byte
// further on; a body in UTF-16 (with a byte-order mark, or starting with
// markup without one: see sniffUTF16) is searched for markup as text.
func isHTML(header http.Header, body []byte) bool {
	head := body
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	// A cut through a surrogate pair decodes to U+FFFD: harmless here.
	if bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) {
		if u, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(head[:len(head)&^1]); err == nil {
			head = u
		}
	} else if enc, ok := sniffUTF16(head); ok {
		if u, err := enc.NewDecoder().Bytes(head[:len(head)&^1]); err == nil {
			head = u
		}
	}
	if looksBinary(body) && !startsAsHTML(head) {
		return false
	}
	ct := strings.ToLower(header.Get("Content-Type"))
	switch {
	case strings.Contains(ct, "html"):
		return true
	case ct != "" && !strings.HasPrefix(ct, "text/plain") && !strings.Contains(ct, "octet-stream") && !strings.Contains(ct, "xml"):
		// A declared non-HTML type (image, pdf, json...) is believed.
		return false
	}
	// Undeclared, plain text or XML: look for markup.
	head = bytes.ToLower(head)
	for _, tag := range [][]byte{[]byte("<html"), []byte("<!doctype html"), []byte("<head"), []byte("<body"), []byte("<p"), []byte("<div"), []byte("<title"), []byte("<meta"), []byte("<table"), []byte("<span"), []byte("<a "), []byte("<br"), []byte("<h1"), []byte("<h2"), []byte("<ul"), []byte("<article"), []byte("<section"), []byte("<main"), []byte("<style"), []byte("<script"), []byte("<link"), []byte("<img")} {
		if bytes.Contains(head, tag) {
			return true
		}
	}
	return false
}

// htmlSignatures are the tags with which WHATWG MIME sniffing recognises
// an HTML document at the start of a resource (lower case).
var htmlSignatures = []string{"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div",
	"<font", "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p"}

// startsAsHTML reports whether the head of a body starts, after white
// space and a UTF-8 byte-order mark, with an HTML tag or a comment.
func startsAsHTML(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\n\f\r")
	if bytes.HasPrefix(head, []byte("<!--")) {
		return true
	}
	for _, sig := range htmlSignatures {
		if len(head) > len(sig) && bytes.EqualFold(head[:len(sig)], []byte(sig)) && (head[len(sig)] == ' ' || head[len(sig)] == '>') {
			return true
		}
	}
	return false
}

// decode returns the body as valid UTF-8, using (in order) a byte-order
// mark, the Content-Type header, a meta charset declaration and sniffing.
// A declaration that the bytes contradict is not believed: a body that is
// valid UTF-8 with multi-byte sequences is read as UTF-8 whatever it says,
// and a body declared UTF-8 that is not valid UTF-8 is read as
// Windows-1252. UTF-16 without a byte-order mark is recognised by its
// markup (sniffUTF16) when the header names no charset or names UTF-16.
func decode(body []byte, contentType string) string {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if !certain || isUTF16(name) {
		if e, ok := sniffUTF16(body); ok {
			enc, name = e, "utf-16"
		}
	}
	valid := utf8.Valid(body)
	switch {
	case name == "utf-8" && valid:
		return strings.TrimPrefix(string(body), "\uFEFF")
	case name == "utf-8" && !valid:
		if mostlyUTF8(body) {
			return strings.ToValidUTF8(strings.TrimPrefix(string(body), "\uFEFF"), "\uFFFD")
		}
		enc = charmap.Windows1252
	case valid && hasMultiByte(body) && !isUTF16(name):
		// Declared as a legacy charset but the bytes are UTF-8: the
		// declaration is wrong (a common CMS mistake).
		return string(body)
	}
	out, err := decodeWith(enc, body)
	if err != nil {
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	return strings.ToValidUTF8(out, "\uFFFD")
}

func isUTF16(name string) bool { return strings.HasPrefix(name, "utf-16") }

func decodeWith(enc encoding.Encoding, body []byte) (string, error) {
	b, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(string(b), "\uFEFF"), nil
}

// hasMultiByte reports whether b has any byte above ASCII.
func hasMultiByte(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// mostlyUTF8 reports whether nearly all non-ASCII sequences of b are valid
// UTF-8 (a UTF-8 page with a few broken bytes stays UTF-8).
func mostlyUTF8(b []byte) bool {
	good, bad := 0, 0
	for len(b) > 0 {
		if b[0] < 0x80 {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			bad++
			b = b[1:]
			continue
		}
		good++
		b = b[n:]
	}
	return good > 0 && bad*10 < good
}

// repairMojibake undoes UTF-8 text that was decoded once too often: a
// page whose "’" reads "â€™" and whose "é" reads "Ã©", because its
// UTF-8 bytes were read as Windows-1252 (or Latin-1) and encoded to UTF-8
// again before it was served. A run of characters is put back only when
// its Windows-1252 bytes are one valid UTF-8 sequence, and the page only
// when it has at least three such runs: one "Ã" followed by a symbol is
// more likely meant.
func repairMojibake(s string) string {
	if !strings.Contains(s, "\u00c3") && !strings.Contains(s, "\u00c2") && !strings.Contains(s, "\u00e2\u20ac") && !strings.Contains(s, "\u00e2\u0080") {
		return s
	}
	n := 0
	for i := 0; i < len(s) && n < 3; {
		if _, size, ok := mojibakeAt(s[i:]); ok {
			n++
			i += size
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if n < 3 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if r, size, ok := mojibakeAt(s[i:]); ok {
			b.WriteRune(r)
			i += size
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// mojibakeAt reads one double-encoded character at the start of s: a lead
// character U+00C2-U+00F4 and the continuation characters its byte
// announces. It returns the character meant and how many bytes of s
// spell it.
func mojibakeAt(s string) (rune, int, bool) {
	lead, size := utf8.DecodeRuneInString(s)
	if lead < 0xC2 || lead > 0xF4 {
		return 0, 0, false
	}
	var buf [4]byte
	buf[0] = byte(lead)
	k := 1
	switch {
	case lead >= 0xF0:
		k = 3
	case lead >= 0xE0:
		k = 2
	}
	for j := 1; j <= k; j++ {
		r, n := utf8.DecodeRuneInString(s[size:])
		c, ok := cp1252Byte(r)
		if !ok || c < 0x80 || c > 0xBF {
			return 0, 0, false
		}
		buf[j] = c
		size += n
	}
	r, n := utf8.DecodeRune(buf[:k+1])
	if r == utf8.RuneError || n != k+1 {
		return 0, 0, false
	}
	return r, size, true
}

// cp1252Byte returns the Windows-1252 byte of r; U+0080-U+009F, which
// Latin-1 decoding leaves as control characters, are their own byte.
func cp1252Byte(r rune) (byte, bool) {
	if r >= 0x80 && r <= 0xFF {
		return byte(r), true
	}
	return charmap.Windows1252.EncodeRune(r)
}
