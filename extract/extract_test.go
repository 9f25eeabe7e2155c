package extract_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/extract"
	"golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite testdata/*/expected.json from the current extractor")

// pageSpec is testdata/<case>/page.json: how the page was fetched.
type pageSpec struct {
	URL          string    `json:"url"`
	RequestedURL string    `json:"requestedURL"`
	FetchedAt    time.Time `json:"fetchedAt"`
	ContentType  string    `json:"contentType"`
	Status       int       `json:"status"`
}

// loadCase reads testdata/<name> as a Page.
func loadCase(t testing.TB, dir string) *newsarchive.Page {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(dir, "source.html"))
	if err != nil {
		t.Fatal(err)
	}
	var spec pageSpec
	if b, err := os.ReadFile(filepath.Join(dir, "page.json")); err == nil {
		if err := json.Unmarshal(b, &spec); err != nil {
			t.Fatalf("%s/page.json: %v", dir, err)
		}
	}
	if spec.URL == "" {
		spec.URL = "https://example.com/" + filepath.Base(dir)
	}
	if spec.Status == 0 {
		spec.Status = 200
	}
	h := http.Header{}
	if spec.ContentType != "" {
		h.Set("Content-Type", spec.ContentType)
	}
	return &newsarchive.Page{URL: spec.URL, RequestedURL: spec.RequestedURL, FetchedAt: spec.FetchedAt, Status: spec.Status, Header: h, Body: body}
}

func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/source.html")
	if err != nil || len(dirs) == 0 {
		t.Fatal("no golden pages", err)
	}
	x := extract.New(extract.DefaultOptions())
	for _, src := range dirs {
		dir := filepath.Dir(src)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			a, err := x.Extract(loadCase(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join(dir, "expected.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./extract -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("record differs from %s (review, then go test ./extract -update):\n%s", path, got)
			}
		})
	}
}

// TestSeedLike checks the page built like ../shared/seed: header
// today-date, caption twice, teasers twice, related block.
func TestSeedLike(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	a, err := x.Extract(loadCase(t, "testdata/seed-like"))
	if err != nil {
		t.Fatal(err)
	}
	if a.DatePublished != "2024-12-02" || a.DateSource != "text" {
		t.Errorf("date = %q from %q, want 2024-12-02 from text (not the header's today)", a.DatePublished, a.DateSource)
	}
	if a.Headline != "Harbour Ferry Returns After Two-Year Refit" {
		t.Errorf("headline = %q", a.Headline)
	}
	if len(a.Captions) != 1 {
		t.Errorf("captions = %+v, want one", a.Captions)
	}
	for _, c := range a.Captions {
		if strings.Contains(a.Body, c.Text) {
			t.Errorf("caption %q in body", c.Text)
		}
	}
	for _, teaser := range []string{"Fish market prices", "Cod and haddock", "Rowing club", "Hot this week", "Topics", "Sign up", "Advertisement"} {
		if strings.Contains(a.Body, teaser) {
			t.Errorf("body holds teaser text %q", teaser)
		}
	}
	if len(a.Related) != 1 || a.Related[0].Label != "Related Articles" || len(a.Related[0].Links) != 2 {
		t.Fatalf("related = %+v, want the Related Articles block with 2 links", a.Related)
	}
	if got := a.Related[0].Links[0].URL; got != "https://news.example.com/local/council-approves-ferry-grant" {
		t.Errorf("related link = %q, want it resolved and normalised", got)
	}
	if a.URL != "https://news.example.com/local/harbour-ferry-returns" || len(a.Paragraphs) != 6 {
		t.Errorf("url %q, %d paragraphs", a.URL, len(a.Paragraphs))
	}
}

// TestSameArticleSameHash: another capture with another header date and
// other teasers is the same article.
func TestSameArticleSameHash(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	p := loadCase(t, "testdata/seed-like")
	a, err := x.Extract(p)
	if err != nil {
		t.Fatal(err)
	}
	q := *p
	body := strings.ReplaceAll(string(p.Body), "Saturday, January 18, 2025", "Monday, May 12, 2025")
	body = strings.ReplaceAll(body, "Rowing club wins the coastal regatta", "Lighthouse reopens for summer visitors")
	q.Body = []byte(body)
	q.FetchedAt = time.Date(2025, 5, 12, 8, 0, 0, 0, time.UTC)
	b, err := x.Extract(&q)
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentHash != b.ContentHash || b.DatePublished != "2024-12-02" {
		t.Errorf("re-capture: hash %s vs %s, date %q", a.ContentHash, b.ContentHash, b.DatePublished)
	}
	q.Body = []byte(strings.Replace(body, "about a third", "about a quarter", 1))
	c, err := x.Extract(&q)
	if err != nil {
		t.Fatal(err)
	}
	if c.ContentHash == a.ContentHash {
		t.Error("a changed paragraph must change the content hash")
	}
}

func TestIdentity(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	a, err := x.Extract(loadCase(t, "testdata/foreign-canonical"))
	if err != nil {
		t.Fatal(err)
	}
	if a.URL != "https://coastwire.example.com/news/wind-farm" {
		t.Errorf("url = %q: a canonical on another site must not become the identity", a.URL)
	}
	// urls keep the fetch URL as fetched, tracking parameters included.
	want := []string{"https://coastwire.example.com/news/wind-farm?utm_medium=rss", "https://coastwire.example.com/r/123"}
	if strings.Join(a.URLs, " ") != strings.Join(want, " ") {
		t.Errorf("urls = %v, want %v", a.URLs, want)
	}
	if a.Site != "coastwire.example.com" || a.ID == "" || a.Extractor != extract.Name+"/"+extract.Version {
		t.Errorf("site %q id %q extractor %q", a.Site, a.ID, a.Extractor)
	}
}

func TestErrors(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	tests := []struct {
		name string
		page *newsarchive.Page
		want error
	}{
		{"nil", nil, extract.ErrNilPage},
		{"empty", &newsarchive.Page{URL: "https://a.example/x"}, extract.ErrEmpty},
		{"png", &newsarchive.Page{URL: "https://a.example/x.png", Header: http.Header{"Content-Type": {"image/png"}}, Body: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")}, extract.ErrNotHTML},
		{"binary undeclared", &newsarchive.Page{URL: "https://a.example/x", Body: []byte("%PDF-1.4\x00\x01\x02\x03binary")}, extract.ErrNotHTML},
		{"json", &newsarchive.Page{URL: "https://a.example/x", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"a":1}`)}, extract.ErrNotHTML},
		{"png undeclared", &newsarchive.Page{URL: "https://a.example/x", Body: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")}, extract.ErrNotHTML},
		{"gzip undeclared", &newsarchive.Page{URL: "https://a.example/x", Body: []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xb3\xc9\x28\xc9\xcd\xb1\x03\x00")}, extract.ErrNotHTML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Extract(tt.page)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	// A page read from a file has no URL: the error does not end in ": ".
	if _, err := x.Extract(&newsarchive.Page{Body: []byte("\x00\x01\x02")}); err == nil || err.Error() != extract.ErrNotHTML.Error() {
		t.Errorf("without a URL: err = %v, want %v", err, extract.ErrNotHTML)
	}
	opts := extract.DefaultOptions()
	opts.MaxBodyBytes = 10
	if _, err := extract.New(opts).Extract(&newsarchive.Page{URL: "https://a.example/", Body: []byte("<html><body>long enough</body></html>")}); !errors.Is(err, extract.ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

// TestOddBytes: a page in UTF-16 (with or without a byte-order mark)
// without a declared type, and a page
// with stray NUL bytes, are HTML and give the record their UTF-8 original
// gives.
func TestOddBytes(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	orig := loadCase(t, "testdata/seed-like")
	want, err := x.Extract(orig)
	if err != nil {
		t.Fatal(err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(orig.Body)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(orig.Body, []byte("<p>")) + len("<p>")
	if i < len("<p>") {
		t.Fatal("no paragraph")
	}
	withNUL := slices.Concat(orig.Body[:i], []byte("\x00"), orig.Body[i:])
	bodies := map[string][]byte{"utf-16": u16, "NUL": withNUL}
	for name, e := range map[string]unicode.Endianness{"utf-16le without BOM": unicode.LittleEndian, "utf-16be without BOM": unicode.BigEndian} {
		if bodies[name], err = unicode.UTF16(e, unicode.IgnoreBOM).NewEncoder().Bytes(orig.Body); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range bodies {
		p := *orig
		p.Header, p.Body = http.Header{}, body
		a, err := x.Extract(&p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if a.Headline != want.Headline || !slices.Equal(a.Paragraphs, want.Paragraphs) {
			t.Errorf("%s: headline %q, %d paragraphs; want %q, %d", name, a.Headline, len(a.Paragraphs), want.Headline, len(want.Paragraphs))
		}
	}
}

func TestNotArticle(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	a, err := x.Extract(loadCase(t, "testdata/index-page"))
	if err != nil {
		t.Fatal(err)
	}
	if a.IsArticle || a.Body != "" || len(a.Paragraphs) != 0 {
		t.Errorf("index page: isArticle %v, body %q", a.IsArticle, a.Body)
	}
	p := loadCase(t, "testdata/seed-like")
	p.Status = 404
	a, err = x.Extract(p)
	if err != nil {
		t.Fatal(err)
	}
	if a.IsArticle {
		t.Error("a 404 page is not an article")
	}
}

func TestSiteProfile(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	p := loadCase(t, "testdata/meta-only")
	a, err := x.Extract(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Blocks) == 0 {
		t.Fatal("no block fingerprints")
	}
	// Tell the extractor the first paragraph's block is on every page of
	// the site: it must go.
	first := a.Paragraphs[0]
	var fp uint64
	for _, b := range a.Blocks {
		q := *p
		q.SiteBlocks = map[uint64]int{b: 10}
		q.SitePages = 10
		r, err := x.Extract(&q)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Paragraphs) > 0 && r.Paragraphs[0] != first {
			fp = b
			break
		}
	}
	if fp == 0 {
		t.Error("no block fingerprint removes the first paragraph when the site profile marks it as boilerplate")
	}
}
