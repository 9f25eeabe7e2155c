package archive

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
)

// fillStrings sets every string of v (recursively, through structs and
// slices) to s, every bool to true, every slice to two elements and every
// integer to 7: an Article with every field set, so a field added to
// Article and its JSON shows up as a difference.
func fillStrings(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint64:
		v.SetUint(7)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillStrings(v.Index(i), s)
		}
	case reflect.Struct:
		if v.Type().PkgPath() != "time" {
			for i := range v.NumField() {
				if v.Field(i).CanSet() {
					fillStrings(v.Field(i), s)
				}
			}
		}
	}
}

func TestVersionJSONMatchesMarshalJSON(t *testing.T) {
	nasty := "a\"b\\c\x00\x01\x1f\b\f\n\r\t<>&\u2028\u2029é€😀\xff\xc3 end"
	var full newsarchive.Article
	fillStrings(reflect.ValueOf(&full).Elem(), nasty)
	rec := &record{ID: "0123456789abcdef", URL: "https://a.example/x?a=1&b=2", Site: "a.example"}
	cases := map[string]*newsarchive.Article{
		"every field": &full,
		"empty":       {},
		"empty lists": {Authors: []string{}, Captions: []newsarchive.Caption{}, Paragraphs: []string{},
			Related: []newsarchive.RelatedBlock{{Label: "x"}, {Links: []newsarchive.Link{}}}},
		"plain": {URL: "https://a.example/x", IsArticle: true, Headline: "Head", Paragraphs: []string{"One.", "Two."},
			Body: "One.\n\nTwo.", ContentHash: "h", Extractor: "x/1"},
		"invalid utf-8": {Headline: "\xe2\x80", Body: "\xed\xa0\x80 surrogate", Description: "ok\xf4\x90\x80\x80"},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := versionJSON(a, rec)
			if err != nil {
				t.Fatal(err)
			}
			c := *a
			c.ID, c.URL = rec.ID, rec.URL
			if c.Site == "" {
				c.Site = rec.Site
			}
			c.URLs, c.Version, c.Snapshots, c.Blocks = nil, 0, nil, nil
			c.FirstSeen, c.LastSeen = time.Time{}, time.Time{}
			want, err := c.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("versionJSON:\n%s\nMarshalJSON:\n%s", got, want)
			}
		})
	}
}

func FuzzVersionJSON(f *testing.F) {
	f.Add("head", "body\n\npara", "x", "\xff\u2028")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		art := &newsarchive.Article{ID: a, URL: b, Headline: c, Body: d, Paragraphs: []string{a, d},
			Authors: []string{c}, Captions: []newsarchive.Caption{{Text: d, Image: b}},
			Related:     []newsarchive.RelatedBlock{{Label: c, Links: []newsarchive.Link{{Title: a, URL: d}}}},
			Description: d, Error: c, File: a}
		got, ok := appendVersionJSON(nil, art)
		want, err := art.MarshalJSON()
		if !ok || err != nil || !bytes.Equal(got, want) {
			t.Fatalf("got %q (%v), MarshalJSON %q (%v)", got, ok, want, err)
		}
	})
}

// skipJSONPlain agrees with jsonPlain on every byte value at every
// position of a group of 8.
func TestSkipJSONPlain(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			b := []byte("abcdefghijklmnopq")
			b[8+pos] = byte(c)
			want := 16
			if c >= len(jsonPlain) || !jsonPlain[c] {
				want = 8
			}
			if got := skipJSONPlain(string(b), 0); got != want {
				t.Errorf("byte %#x at %d: %d, want %d", c, 8+pos, got, want)
			}
		}
	}
}

func BenchmarkVersionJSON(b *testing.B) {
	a := &newsarchive.Article{URL: "https://a.example/x", IsArticle: true, Headline: "A headline of some length",
		Paragraphs: []string{strings.Repeat("Plain words of an article, about as long as a paragraph is. ", 12),
			strings.Repeat("Des mots accentués, « entre guillemets ». ", 10)}, ContentHash: "h", Extractor: "x/1"}
	a.Body = strings.Join(a.Paragraphs, "\n\n")
	rec := &record{ID: "0123456789abcdef", URL: a.URL, Site: "a.example"}
	b.ReportAllocs()
	for b.Loop() {
		versionJSON(a, rec)
	}
}
