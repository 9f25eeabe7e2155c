package bench

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"codeberg.org/readeck/go-readability/v2"
	htmldate "github.com/markusmobius/go-htmldate"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/extract"
	"golang.org/x/net/html/charset"
)

// Result is what an extractor found on one page.
type Result struct {
	Body string
	Date string // YYYY-MM-DD or RFC 3339, or ""
}

// Extractor runs one extractor on one page.
type Extractor struct {
	Name string
	// Text says whether it extracts main text (go-htmldate does not).
	Text bool
	Run  func(p *Page) (Result, error)
}

// FetchedAt is the fetch time the benchmark pretends: the pages were saved
// before it, so only dates after it are in the future.
var fetchedAt = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// Extractors returns the extractors compared: newsarchive, trafilatura,
// readability (main text and dates) and htmldate (dates only), each with
// its default options.
func Extractors() []Extractor {
	ours := extract.New(extract.DefaultOptions())
	return []Extractor{
		{Name: "newsarchive", Text: true, Run: func(p *Page) (Result, error) {
			a, err := ours.Extract(&newsarchive.Page{URL: p.URL, Status: 200, Header: http.Header{}, Body: p.HTML, FetchedAt: fetchedAt})
			if err != nil {
				return Result{}, err
			}
			return Result{Body: a.Body, Date: a.DatePublished}, nil
		}},
		{Name: "trafilatura", Text: true, Run: func(p *Page) (Result, error) {
			u, _ := url.Parse(p.URL)
			r, err := trafilatura.Extract(bytes.NewReader(utf8HTML(p.HTML)), trafilatura.Options{OriginalURL: u})
			if err != nil || r == nil {
				return Result{}, err
			}
			d := ""
			if !r.Metadata.Date.IsZero() {
				d = r.Metadata.Date.Format("2006-01-02")
			}
			return Result{Body: r.ContentText, Date: d}, nil
		}},
		{Name: "readability", Text: true, Run: func(p *Page) (Result, error) {
			u, _ := url.Parse(p.URL)
			a, err := readability.FromReader(bytes.NewReader(utf8HTML(p.HTML)), u)
			if err != nil {
				return Result{}, err
			}
			var b strings.Builder
			if a.Node != nil {
				if err := a.RenderText(&b); err != nil {
					return Result{}, err
				}
			}
			d := ""
			if t, err := a.PublishedTime(); err == nil && !t.IsZero() {
				d = t.Format("2006-01-02")
			}
			return Result{Body: b.String(), Date: d}, nil
		}},
		{Name: "htmldate", Run: htmldateRun(false)},
		{Name: "htmldate-original", Run: htmldateRun(true)},
	}
}

// htmldateRun runs go-htmldate; original asks for the original
// publication date rather than the most recent one.
func htmldateRun(original bool) func(p *Page) (Result, error) {
	return func(p *Page) (Result, error) {
		r, err := htmldate.FromReader(bytes.NewReader(utf8HTML(p.HTML)), htmldate.Options{URL: p.URL, UseOriginalDate: original})
		if err != nil {
			return Result{}, nil //nolint:nilerr // no date found is not a failure
		}
		if r.DateTime.IsZero() {
			return Result{}, nil
		}
		return Result{Date: r.DateTime.Format("2006-01-02")}, nil
	}
}

// utf8HTML decodes a saved page to UTF-8 for the peers (newsarchive does
// its own decoding from the raw bytes).
func utf8HTML(b []byte) []byte {
	e, name, _ := charset.DetermineEncoding(b, "")
	if name == "utf-8" {
		return b
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return b
	}
	return out
}
