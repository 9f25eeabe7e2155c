package archive

import (
	"unicode/utf8"

	"github.com/newsarchive/newsarchive"
)

// appendVersionJSON appends what newsarchive.Article.MarshalJSON writes for
// an article whose archive fields (URLs, Version, FirstSeen, LastSeen,
// Snapshots) are unset, byte for byte, without reflection or a
// json.Encoder: every record write encodes its article, and
// encoding/json was a tenth of a record write's CPU time. ok is false when
// an archive field is set; the caller then uses MarshalJSON.
// TestVersionJSONMatchesMarshalJSON holds it to MarshalJSON, with every
// field of Article set.
func appendVersionJSON(dst []byte, a *newsarchive.Article) (out []byte, ok bool) {
	if len(a.URLs) > 0 || a.Version != 0 || !a.FirstSeen.IsZero() || !a.LastSeen.IsZero() || len(a.Snapshots) > 0 {
		return dst, false
	}
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, a.ID)
	dst = append(dst, `,"url":`...)
	dst = appendJSONString(dst, a.URL)
	dst = append(dst, `,"site":`...)
	dst = appendJSONString(dst, a.Site)
	if a.IsArticle {
		dst = append(dst, `,"isArticle":true`...)
	} else {
		dst = append(dst, `,"isArticle":false`...)
	}
	dst = append(dst, `,"headline":`...)
	dst = appendJSONNullable(dst, a.Headline)
	dst = append(dst, `,"datePublished":`...)
	dst = appendJSONNullable(dst, a.DatePublished)
	dst = append(dst, `,"dateModified":`...)
	dst = appendJSONNullable(dst, a.DateModified)
	dst = append(dst, `,"dateSource":`...)
	dst = appendJSONNullable(dst, a.DateSource)
	dst = append(dst, `,"authors":`...)
	dst = appendJSONStrings(dst, a.Authors)
	dst = append(dst, `,"section":`...)
	dst = appendJSONNullable(dst, a.Section)
	dst = append(dst, `,"language":`...)
	dst = appendJSONNullable(dst, a.Language)
	dst = append(dst, `,"description":`...)
	dst = appendJSONNullable(dst, a.Description)
	dst = append(dst, `,"image":`...)
	dst = appendJSONNullable(dst, a.Image)
	dst = append(dst, `,"captions":[`...)
	for i, c := range a.Captions {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"text":`...)
		dst = appendJSONString(dst, c.Text)
		dst = append(dst, `,"image":`...)
		dst = appendJSONString(dst, c.Image)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"paragraphs":`...)
	dst = appendJSONStrings(dst, a.Paragraphs)
	dst = append(dst, `,"body":`...)
	dst = appendJSONString(dst, a.Body)
	dst = append(dst, `,"related":[`...)
	for i, r := range a.Related {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"label":`...)
		dst = appendJSONString(dst, r.Label)
		dst = append(dst, `,"links":`...)
		if r.Links == nil {
			dst = append(dst, "null"...) // not orEmpty'd by MarshalJSON
		} else {
			dst = append(dst, '[')
			for j, l := range r.Links {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"title":`...)
				dst = appendJSONString(dst, l.Title)
				dst = append(dst, `,"url":`...)
				dst = appendJSONString(dst, l.URL)
				dst = append(dst, '}')
			}
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `],"contentHash":`...)
	dst = appendJSONString(dst, a.ContentHash)
	dst = append(dst, `,"extractor":`...)
	dst = appendJSONString(dst, a.Extractor)
	if a.File != "" {
		dst = append(dst, `,"file":`...)
		dst = appendJSONString(dst, a.File)
	}
	if a.Error != "" {
		dst = append(dst, `,"error":`...)
		dst = appendJSONString(dst, a.Error)
	}
	return append(dst, '}'), true
}

// versionJSONSize is a generous guess of the size of an article's JSON,
// so the buffer is allocated once.
func versionJSONSize(a *newsarchive.Article) int {
	n := 512 + len(a.ID) + len(a.URL) + len(a.Site) + len(a.Headline) + len(a.DatePublished) +
		len(a.DateModified) + len(a.DateSource) + len(a.Section) + len(a.Language) +
		len(a.Description) + len(a.Image) + len(a.Body) + len(a.ContentHash) + len(a.Extractor) +
		len(a.File) + len(a.Error)
	for _, s := range a.Authors {
		n += len(s) + 3
	}
	for _, s := range a.Paragraphs {
		n += len(s) + 3
	}
	for _, c := range a.Captions {
		n += len(c.Text) + len(c.Image) + 24
	}
	for _, r := range a.Related {
		n += len(r.Label) + 24
		for _, l := range r.Links {
			n += len(l.Title) + len(l.URL) + 24
		}
	}
	return n + n/16 // escapes
}

func appendJSONNullable(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, s)
}

// appendJSONStrings writes a list as MarshalJSON does through orEmpty:
// nil is [].
func appendJSONStrings(dst []byte, v []string) []byte {
	dst = append(dst, '[')
	for i, s := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// jsonPlain marks the ASCII bytes encoding/json writes as they are when it
// does not escape HTML: all but control characters, '"' and '\\'.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// skipJSONPlain returns the index of the first group of 8 bytes from i on
// (or the last few bytes) with a byte that is not written as it is: a
// control character, '"', '\\' or part of a multi-byte rune.
func skipJSONPlain(s string, i int) int {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		c := s[i : i+8]
		x := uint64(c[0]) | uint64(c[1])<<8 | uint64(c[2])<<16 | uint64(c[3])<<24 |
			uint64(c[4])<<32 | uint64(c[5])<<40 | uint64(c[6])<<48 | uint64(c[7])<<56
		q := x ^ (lsb * '"')
		bs := x ^ (lsb * '\\')
		// (v - lsb*n) &^ v has the high bit of some byte set iff a byte
		// of v is below n (for n <= 0x80).
		if ((x-lsb*0x20)&^x|(q-lsb)&^q|(bs-lsb)&^bs|x)&msb != 0 {
			break
		}
	}
	return i
}

// appendJSONString is encoding/json's string encoding without HTML
// escaping: short escapes for \b \f \n \r \t, \u00XX for other control
// characters, \ufffd for each invalid UTF-8 byte, and U+2028 and U+2029
// escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a look: article text is
		// mostly plain ASCII.
		i = skipJSONPlain(s, i)
		if i >= len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonPlain[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
