package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
)

// memSink records the pages it is given.
type memSink struct {
	mu    sync.Mutex
	pages []*newsarchive.Page
	err   error // returned by Put when set
}

func (s *memSink) Put(_ context.Context, p *newsarchive.Page) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.pages = append(s.pages, p)
	return nil
}

// paths returns the sorted paths of the pages' URLs, relative to base.
func (s *memSink) paths(base string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, p := range s.pages {
		out = append(out, strings.TrimPrefix(p.URL, base))
	}
	sort.Strings(out)
	return out
}

func (s *memSink) page(url string) *newsarchive.Page {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.pages {
		if p.URL == url {
			return p
		}
	}
	return nil
}

// site is a small news site on 127.0.0.1 that counts its hits.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func article(n int, links ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html><html><head><title>Article %d</title></head><body><h1>Article %d</h1><p>Text of article %d.</p>", n, n, n)
	for _, l := range links {
		fmt.Fprintf(&b, `<a href="%s">link</a>`, l)
	}
	b.WriteString("</body></html>")
	return b.String()
}

func gzipped(s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	zw.Close()
	return buf.Bytes()
}

// newSite serves: / linking to three articles (one via a tracking URL), a
// PDF, an off-host link and a redirect; the articles; sitemaps and a feed.
func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	mux := http.NewServeMux()
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.Handle("/{$}", html(article(0, "/a/1", "/a/2?utm_source=x&utm_medium=y", "/a/3#comments",
		"/file.pdf", "http://localhost:1/offsite", "/old", "/section/")))
	mux.Handle("/a/1", html(article(1, "/a/2", "/a/4")))
	mux.Handle("/a/2", html(article(2)))
	mux.Handle("/a/3", html(article(3)))
	mux.Handle("/a/4", html(article(4, "/a/5")))
	mux.Handle("/a/5", html(article(5)))
	mux.Handle("/a/6", html(article(6)))
	mux.Handle("/section/", html(article(100, "/a/6")))
	mux.Handle("/old", http.RedirectHandler("/a/3", http.StatusMovedPermanently))
	mux.HandleFunc("/file.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4 not html"))
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>/a/1</loc><news:news><news:publication><news:name>T</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2024-12-05T10:00:00+01:00</news:publication_date><news:title>First &amp; best</news:title></news:news></url>
<url><loc>`+s.URL+`/a/2?utm_campaign=z</loc><lastmod>2024-12-01</lastmod></url>
<url><loc>http://elsewhere.example/a/9</loc></url>
</urlset>`)
	})
	mux.HandleFunc("/sitemap-index.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>/sitemap-a.xml.gz</loc></sitemap><sitemap><loc>/sitemap-b.xml</loc></sitemap><sitemap><loc>/sitemap-c.xml.gz</loc></sitemap></sitemapindex>`)
	})
	mux.HandleFunc("/sitemap-a.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(gzipped(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a/4</loc></url></urlset>`))
	})
	mux.HandleFunc("/sitemap-c.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		// A gzip file, gzipped again by a misconfigured server.
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipped(string(gzipped(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a/6</loc></url></urlset>`))))
	})
	mux.HandleFunc("/sitemap-b.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a/5</loc></url></urlset>`)
	})
	mux.HandleFunc("/feed.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>/</link>
<item><title>Feed title 3</title><link>`+s.URL+`/a/3</link><pubDate>Thu, 05 Dec 2024 09:30:00 GMT</pubDate></item>
<item><title>No date</title><link>`+s.URL+`/a/6</link></item>
</channel></rss>`)
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.RequestURI()]++
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// testOptions are options for crawling test servers: private addresses
// allowed, no delays.
func testOptions(sink Sink, seeds ...string) Options {
	o := DefaultOptions()
	o.Seeds = seeds
	o.Sink = sink
	o.AllowPrivate = true
	o.Delay = 0
	o.Parallelism = 4
	o.Timeout = 5 * time.Second
	o.RetryBase = time.Millisecond
	return o
}

func mustRun(t *testing.T, o Options) Stats {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return st
}

func TestCrawlDepth(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct {
		depth int
		want  []string
	}{
		{0, []string{"/"}},
		{1, []string{"/", "/a/1", "/a/2?utm_source=x&utm_medium=y", "/a/3", "/section/"}},
		{2, []string{"/", "/a/1", "/a/2", "/a/2?utm_source=x&utm_medium=y", "/a/3", "/a/4", "/a/6", "/section/"}},
		{3, []string{"/", "/a/1", "/a/2", "/a/2?utm_source=x&utm_medium=y", "/a/3", "/a/4", "/a/5", "/a/6", "/section/"}},
	} {
		t.Run(fmt.Sprint(tc.depth), func(t *testing.T) {
			sink := &memSink{}
			o := testOptions(sink, s.URL+"/")
			o.Depth = tc.depth
			st := mustRun(t, o)
			// /old redirects to /a/3: that page may come twice, once
			// with RequestedURL /old.
			if got := slices.Compact(sink.paths(s.URL)); !slices.Equal(got, tc.want) {
				t.Errorf("pages %q, want %q", got, tc.want)
			}
			if st.Pages != len(sink.pages) || st.Errors != 0 {
				t.Errorf("Stats %+v, want Pages %d and no errors", st, len(sink.pages))
			}
		})
	}
}

func TestCrawlFollowsOnce(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/")
	o.Depth = 1
	var log bytes.Buffer
	o.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st := mustRun(t, o)
	// The tracking URL is fetched as linked, once: the archive learns
	// from the page's rel=canonical that it is /a/2, and records the URL.
	if n := s.count("/a/2?utm_source=x&utm_medium=y"); n != 1 {
		t.Errorf("tracking URL fetched %d times, want 1", n)
	}
	if p := sink.page(s.URL + "/a/2?utm_source=x&utm_medium=y"); p == nil {
		t.Errorf("no page under the tracking URL; got %q", sink.paths(s.URL))
	}
	// /old redirects to /a/3, which is also linked: one page each way at most.
	if n := s.count("/a/3"); n > 2 {
		t.Errorf("/a/3 fetched %d times", n)
	}
	// The PDF is fetched (its type is only known then) but not emitted,
	// and the log line says why, at the level of the "fetched" lines.
	if st.Skipped < 1 {
		t.Errorf("Stats.Skipped = %d, want the PDF", st.Skipped)
	}
	if want := `msg=skipped url=` + s.URL + `/file.pdf reason="content-type application/pdf"`; !strings.Contains(log.String(), want) {
		t.Errorf("log has no line %q:\n%s", want, log.String())
	}
	if p := sink.page(s.URL + "/file.pdf"); p != nil {
		t.Errorf("PDF emitted")
	}
	for _, p := range sink.pages {
		if p.RequestedURL != "" && !strings.HasSuffix(p.RequestedURL, "/old") {
			t.Errorf("page %s: RequestedURL %q without a redirect", p.URL, p.RequestedURL)
		}
		if p.Status != 200 || len(p.Body) == 0 || p.FetchedAt.IsZero() || p.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("page %s: status %d, %d bytes, fetched %v, header %v", p.URL, p.Status, len(p.Body), p.FetchedAt, p.Header)
		}
	}
}

func TestCrawlRedirect(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	mustRun(t, testOptions(sink, s.URL+"/old"))
	p := sink.page(s.URL + "/a/3")
	if p == nil {
		t.Fatalf("no page for the redirect target; got %q", sink.paths(s.URL))
	}
	if p.RequestedURL != s.URL+"/old" {
		t.Errorf("RequestedURL = %q, want %q", p.RequestedURL, s.URL+"/old")
	}
}

func TestCrawlSitemap(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/sitemap.xml")
	o.Depth = 0
	st := mustRun(t, o)
	if got, want := sink.paths(s.URL), []string{"/a/1", "/a/2?utm_campaign=z"}; !slices.Equal(got, want) {
		t.Fatalf("pages %q, want %q", got, want)
	}
	if st.Feeds != 1 {
		t.Errorf("Stats.Feeds = %d, want 1", st.Feeds)
	}
	p := sink.page(s.URL + "/a/1")
	want := []newsarchive.Hint{{Source: "sitemap", Headline: "First & best", DatePublished: "2024-12-05T10:00:00+01:00"}}
	if !slices.Equal(p.Hints, want) {
		t.Errorf("hints %+v, want %+v", p.Hints, want)
	}
	if p := sink.page(s.URL + "/a/2?utm_campaign=z"); len(p.Hints) != 0 {
		t.Errorf("hints %+v for a plain sitemap entry", p.Hints)
	}
}

func TestCrawlSitemapIndex(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/sitemap-index.xml")
	o.Depth = 0
	st := mustRun(t, o)
	if got, want := sink.paths(s.URL), []string{"/a/4", "/a/5", "/a/6"}; !slices.Equal(got, want) {
		t.Fatalf("pages %q, want %q", got, want)
	}
	if st.Feeds != 4 {
		t.Errorf("Stats.Feeds = %d, want 4", st.Feeds)
	}
}

func TestCrawlFeed(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/feed.rss")
	o.Depth = 0
	mustRun(t, o)
	if got, want := sink.paths(s.URL), []string{"/a/3", "/a/6"}; !slices.Equal(got, want) {
		t.Fatalf("pages %q, want %q", got, want)
	}
	p := sink.page(s.URL + "/a/3")
	want := []newsarchive.Hint{{Source: "feed", Headline: "Feed title 3", DatePublished: "2024-12-05T09:30:00Z"}}
	if !slices.Equal(p.Hints, want) {
		t.Errorf("hints %+v, want %+v", p.Hints, want)
	}
}

func TestCrawlMaxPages(t *testing.T) {
	s := newSite(t)
	for _, max := range []int{1, 3, 5} {
		sink := &memSink{}
		o := testOptions(sink, s.URL+"/")
		o.Depth = 3
		o.MaxPages = max
		st := mustRun(t, o)
		if len(sink.pages) != max || st.Pages != max {
			t.Errorf("MaxPages %d: %d pages emitted, Stats.Pages %d", max, len(sink.pages), st.Pages)
		}
	}
}

func TestCrawlURLPatterns(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/")
	o.Depth = 2
	o.URLPatterns = []string{`/a/[0-9]+$`}
	mustRun(t, o)
	if got, want := sink.paths(s.URL), []string{"/", "/a/1", "/a/2", "/a/3", "/a/4"}; !slices.Equal(got, want) {
		t.Fatalf("pages %q, want %q", got, want)
	}
}

func TestCrawlAllowedHosts(t *testing.T) {
	// Two servers, one on 127.0.0.1 and one on localhost.
	other := newSite(t)
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, article(1, otherURL+"/a/1", "/a/2"))
	}))
	t.Cleanup(s.Close)
	for _, tc := range []struct {
		allowed   []string
		otherHits int
	}{
		{nil, 0},
		{[]string{"localhost"}, 1},
		{[]string{"*.localhost"}, 1},
		{[]string{"example.org"}, 0},
	} {
		sink := &memSink{}
		o := testOptions(sink, s.URL+"/")
		o.AllowedHosts = tc.allowed
		mustRun(t, o)
		if n := other.count("/a/1"); n != tc.otherHits {
			t.Errorf("AllowedHosts %q: other host fetched %d times, want %d", tc.allowed, n, tc.otherHits)
		}
		if p := sink.page(s.URL + "/a/2"); p == nil {
			t.Errorf("AllowedHosts %q: the seed's host was not followed", tc.allowed)
		}
		other.mu.Lock()
		clear(other.hits)
		other.mu.Unlock()
	}
}

func TestPrivateAddressRefused(t *testing.T) {
	s := newSite(t)
	localhost := strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
	for _, seed := range []string{s.URL + "/", localhost + "/"} {
		sink := &memSink{}
		o := testOptions(sink, seed)
		o.AllowPrivate = false
		o.IgnoreRobots = true
		var logs bytes.Buffer
		o.Logger = newTestLogger(&logs)
		st := mustRun(t, o)
		if len(sink.pages) != 0 || st.Errors != 1 {
			t.Errorf("%s: %d pages, %d errors; want 0 and 1", seed, len(sink.pages), st.Errors)
		}
		if !strings.Contains(logs.String(), ErrPrivateAddress.Error()) {
			t.Errorf("%s: log does not say why:\n%s", seed, logs.String())
		}
		if n := s.count("/"); n != 0 {
			t.Errorf("%s: server hit %d times", seed, n)
		}
	}
}

func TestSinkErrorStopsRun(t *testing.T) {
	s := newSite(t)
	broken := errors.New("disk full")
	sink := &memSink{err: broken}
	o := testOptions(sink, s.URL+"/")
	o.Depth = 3
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run(context.Background())
	if !errors.Is(err, ErrSink) || !errors.Is(err, broken) {
		t.Fatalf("Run error %v, want ErrSink wrapping the sink's", err)
	}
	if n := s.count("/a/1"); n != 0 {
		t.Errorf("crawl went on after the sink failed: /a/1 fetched %d times", n)
	}
}

func TestNewErrors(t *testing.T) {
	sink := &memSink{}
	for _, tc := range []struct {
		name string
		edit func(*Options)
		want error
		in   string
	}{
		{"no seeds", func(o *Options) { o.Seeds = nil }, ErrNoSeeds, ""},
		{"no sink", func(o *Options) { o.Sink = nil }, ErrNoSink, ""},
		{"bad seed", func(o *Options) { o.Seeds = []string{"http://ok.example/", "ftp://x/y"} }, ErrBadSeed, "ftp://x/y"},
		{"relative seed", func(o *Options) { o.Seeds = []string{"/news"} }, ErrBadSeed, "/news"},
		{"bad pattern", func(o *Options) { o.URLPatterns = []string{"(["} }, ErrBadOption, "URLPatterns"},
		{"bad host", func(o *Options) { o.AllowedHosts = []string{"a b"} }, ErrBadOption, "AllowedHosts"},
		{"negative depth", func(o *Options) { o.Depth = -1 }, ErrBadOption, "Depth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := testOptions(sink, "http://ok.example/")
			tc.edit(&o)
			_, err := New(o)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.in) {
				t.Errorf("New: %v, want %v naming %q", err, tc.want, tc.in)
			}
		})
	}
}
