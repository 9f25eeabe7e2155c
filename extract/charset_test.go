package extract

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestDecode(t *testing.T) {
	latin1 := func(s string) []byte {
		b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cp1251 := func(s string) []byte {
		b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string // substring of the decoded text
	}{
		{"utf-8 declared in header", []byte("<p>Kléber à Noël</p>"), "text/html; charset=utf-8", "Kléber à Noël"},
		{"latin-1 in header", latin1("<p>Kléber à Noël</p>"), "text/html; charset=iso-8859-1", "Kléber à Noël"},
		{"latin-1 in meta", latin1(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>Kléber à Noël</p>`), "", "Kléber à Noël"},
		{"windows-1251 in meta", cp1251(`<meta charset="windows-1251"><p>Привет, мир</p>`), "", "Привет, мир"},
		{"utf-16 with BOM", utf16("<p>Kléber à Noël</p>"), "", "Kléber à Noël"},
		{"declared latin-1, really utf-8", []byte(`<meta charset="iso-8859-1"><p>Kléber à Noël</p>`), "", "Kléber à Noël"},
		{"declared utf-8, really latin-1", latin1(`<meta charset="utf-8"><p>Kléber à Noël</p>`), "text/html; charset=utf-8", "Kléber à Noël"},
		{"undeclared latin-1", latin1(`<p>Kléber à Noël</p>`), "", "Kléber à Noël"},
		{"utf-8 BOM", append([]byte("\xef\xbb\xbf"), "<p>Kléber</p>"...), "", "<p>Kléber</p>"},
		// UTF-16 without a BOM is known by its markup.
		{"utf-16le without BOM", []byte(utf16NoBOM(unicode.LittleEndian, "<!DOCTYPE html>\r\n<p>Kléber à Noël</p>")), "", "Kléber à Noël"},
		{"utf-16be without BOM", []byte(utf16NoBOM(unicode.BigEndian, "\n  <html><p>Привет, мир</p>")), "text/html", "Привет, мир"},
		{"utf-16be without BOM, declared utf-16", []byte(utf16NoBOM(unicode.BigEndian, "<p>Kléber à Noël</p>")), "text/html; charset=utf-16", "Kléber à Noël"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decode(tt.body, tt.contentType)
			if !utf8.ValidString(got) {
				t.Fatal("not valid UTF-8")
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("decode = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestIsHTML(t *testing.T) {
	tests := []struct {
		name string
		ct   string
		body string
		want bool
	}{
		{"html", "text/html", "<p>x</p>", true},
		{"undeclared html", "", "<!doctype html><title>x</title>", true},
		{"long style first", "", "<style>" + strings.Repeat("body{margin:0}\n", 1000) + "</style><div>x</div>", true},
		{"png", "image/png", "\x89PNG\r\n\x1a\n\x00\x00", false},
		{"pdf undeclared", "", "%PDF-1.7\n\x00\x01binary", false},
		{"json", "application/json", `{"a":1}`, false},
		{"plain text", "text/plain", "just words, no markup", false},
		{"png declared html", "text/html", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", false},
		// A stray NUL in a page does not make it binary when it starts
		// as HTML does (WHATWG MIME sniffing looks for the tags first).
		{"html with a NUL", "", "<!doctype html><p>a\x00b</p>", true},
		{"declared html with NULs", "text/html", "\n  <html><body><p>a\x00b\x00c</p>", true},
		{"binary that says <p later", "", "\x00\x01\x02\x03<p>", false},
		// UTF-16 is searched for markup as text.
		{"utf-16le undeclared", "", utf16LE("<html><p>Kléber</p></html>"), true},
		{"utf-16be undeclared", "", utf16BE("<!DOCTYPE html><p>Kléber</p>"), true},
		{"utf-16 plain text", "", utf16LE("just words, no markup"), false},
		// UTF-16 without a byte-order mark, known by its markup.
		{"utf-16le without BOM", "", utf16NoBOM(unicode.LittleEndian, "<!DOCTYPE html><html><p>Kléber</p></html>"), true},
		{"utf-16le without BOM, text/html", "text/html", utf16NoBOM(unicode.LittleEndian, "<html>\r\n<head><title>新闻</title>"), true},
		{"utf-16be without BOM", "", utf16NoBOM(unicode.BigEndian, "\n<html lang=\"zh\"><p>新闻</p>"), true},
		{"utf-16le without BOM, plain text", "", utf16NoBOM(unicode.LittleEndian, "just words, no markup"), false},
		// Binary bodies stay refused, whatever they start with.
		{"png undeclared", "", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00", false},
		{"gzip of html undeclared", "", gzipped("<!doctype html><title>x</title><p>" + strings.Repeat("text ", 50)), false},
		{"gzip of html declared html", "text/html", gzipped("<!doctype html><title>x</title>"), false},
		{"pdf with a NUL", "", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00", false},
		{"random bytes", "", randomBytes(4096), false},
		{"binary that starts like utf-16", "", "<\x00h\x00t\x00m\x00l\x00>\x00\x00\x00\xff\x01\x02\x03\x04\x05\x06\x07\x08\x00", false},
		{"utf-16 markup cut short", "", utf16NoBOM(unicode.LittleEndian, "<b>") + "\x00\x01\x02\x03", false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.ct != "" {
			h.Set("Content-Type", tt.ct)
		}
		if got := isHTML(h, []byte(tt.body)); got != tt.want {
			t.Errorf("%s: isHTML = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// utf16LE and utf16BE encode s as UTF-16 with a byte-order mark.
func utf16LE(s string) string { return utf16With(unicode.LittleEndian, s) }
func utf16BE(s string) string { return utf16With(unicode.BigEndian, s) }

func utf16With(e unicode.Endianness, s string) string {
	b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// utf16NoBOM encodes s as UTF-16 without a byte-order mark.
func utf16NoBOM(e unicode.Endianness, s string) string {
	b, err := unicode.UTF16(e, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// gzipped returns s compressed with gzip.
func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// randomBytes returns n bytes of a fixed pseudo-random sequence.
func randomBytes(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return string(b)
}

func TestRepairMojibake(t *testing.T) {
	tests := []struct{ in, want string }{
		// Read as Windows-1252, then encoded again.
		{"It isnâ€™t â€œdoneâ€\u009d yet, cafÃ© owners say, isnâ€™t it?", "It isn’t “done” yet, café owners say, isn’t it?"},
		// Read as Latin-1: the continuation bytes are C1 controls.
		{"1.\u00c2\u00a0Myth: you can\u00e2\u0080\u0099t, won\u00e2\u0080\u0099t, don\u00e2\u0080\u0099t", "1.\u00a0Myth: you can’t, won’t, don’t"},
		// Fewer than three runs: left as written (an article about
		// mojibake quotes one).
		{`He saw "Ã¤" instead of "ä" on the sign.`, `He saw "Ã¤" instead of "ä" on the sign.`},
		// Real text with the same letters is untouched.
		{"SÃO PAULO — Âge, gâteau, château, Ã-la-carte: naïve café", "SÃO PAULO — Âge, gâteau, château, Ã-la-carte: naïve café"},
		{"plain ASCII", "plain ASCII"},
	}
	for _, tt := range tests {
		if got := repairMojibake(tt.in); got != tt.want {
			t.Errorf("repairMojibake(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
