package extract_test

import (
	"path/filepath"
	"testing"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/extract"
)

// BenchmarkExtract measures extraction of the golden pages, one page per
// iteration. The comparison with go-trafilatura and go-readability on
// real pages is bench/'s BenchmarkExtract.
func BenchmarkExtract(b *testing.B) {
	dirs, _ := filepath.Glob("testdata/*/source.html")
	var pages []*newsarchive.Page
	for _, d := range dirs {
		pages = append(pages, loadCase(b, filepath.Dir(d)))
	}
	x := extract.New(extract.DefaultOptions())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := x.Extract(pages[i%len(pages)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindDates measures a small page whose date is in a byline.
func BenchmarkFindDates(b *testing.B) {
	x := extract.New(extract.DefaultOptions())
	p := &newsarchive.Page{URL: "https://example.com/a", Body: []byte(`<html><body><article><h1>Title of it</h1><p class="byline">By A. Writer · Published 2. Dezember 2024, 09:14 Uhr</p><p>Text text text, text text text, and more text to make a paragraph long enough to count as one.</p></article></body></html>`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Extract(p); err != nil {
			b.Fatal(err)
		}
	}
}
