package extract_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/extract"
)

// FuzzExtract: no panic, and every string of the record is valid UTF-8,
// whatever the bytes.
func FuzzExtract(f *testing.F) {
	srcs, _ := filepath.Glob("testdata/*/source.html")
	for _, s := range srcs {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, "text/html")
		}
	}
	f.Add([]byte("<html><body><p>\xff\xfe broken \xc3 bytes</p></body></html>"), "text/html; charset=utf-8")
	f.Add([]byte(strings.Repeat("<div>", 5000)+"text"), "")
	f.Add([]byte(`<p title="`+strings.Repeat("x", 1<<16)+`">a</p>`), "text/html")
	f.Add([]byte(`<script type="application/ld+json">{"@graph":[[[[{"@type":"NewsArticle","datePublished":"2024-99-99"}]]]]}</script>`), "")
	x := extract.New(extract.DefaultOptions())
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		h := http.Header{}
		h.Set("Content-Type", ct)
		a, err := x.Extract(&newsarchive.Page{URL: "https://example.com/a/b", Status: 200, Header: h, Body: body})
		if err != nil {
			return
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(b) {
			t.Fatal("record is not valid UTF-8")
		}
		for _, s := range append([]string{a.Headline, a.Body, a.Description}, a.Paragraphs...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
	})
}

// TestPathological: deep nesting and megabyte attributes finish (the test
// would time out otherwise) and give a record.
func TestPathological(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	pages := map[string]string{
		"deep divs":                           strings.Repeat("<div>", 100000) + "<p>deep text here</p>",
		"deep inline":                         "<p>" + strings.Repeat("<b><i>", 50000) + "x",
		"megabyte attr":                       `<html><body><div class="` + strings.Repeat("a ", 1<<20) + `"><p>text</p></div></body></html>`,
		"megabyte class over many paragraphs": `<div class="` + strings.Repeat("a ", 1<<19) + `">` + strings.Repeat("<p>some text here.</p>", 2000) + `</div>`,
		"many paragraphs":                     "<html><body>" + strings.Repeat("<p>Some text, with commas, and words in it to score.</p>", 20000) + "</body></html>",
		"many tables":                         strings.Repeat("<table><tr><td>", 3000),
		"unclosed comment":                    "<html><body><p>a</p><!-- " + strings.Repeat("x", 1<<20),
	}
	for name, body := range pages {
		t.Run(name, func(t *testing.T) {
			a, err := x.Extract(&newsarchive.Page{URL: "https://example.com/", Status: 200, Body: []byte(body)})
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(a.Body) {
				t.Error("invalid UTF-8")
			}
		})
	}
}
