package crawler

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/fixtures"
)

// countingHandler counts requests per request URI.
type countingHandler struct {
	next http.Handler
	mu   sync.Mutex
	hits map[string]int
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.hits[r.URL.RequestURI()]++
	h.mu.Unlock()
	h.next.ServeHTTP(w, r)
}

func TestCrawlDemoSite(t *testing.T) {
	h := &countingHandler{next: fixtures.Handler(), hits: map[string]int{}}
	for _, tc := range []struct {
		name  string
		seeds []string
		depth int
	}{
		{"links from the home page", []string{"/"}, 3},
		{"sitemap and feed", []string{"/sitemap.xml", "/rss.xml"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, h)
			clear(h.hits)
			sink := &memSink{}
			var seeds []string
			for _, s := range tc.seeds {
				seeds = append(seeds, srv.URL+s)
			}
			o := testOptions(sink, seeds...)
			o.Depth = tc.depth
			st := mustRun(t, o)
			if st.Errors != 0 {
				t.Errorf("Stats.Errors = %d", st.Errors)
			}
			for _, a := range fixtures.Articles() {
				p := sink.page(srv.URL + a.Path)
				if p == nil {
					t.Errorf("article %s not emitted", a.Path)
					continue
				}
				if p.Status != 200 || len(p.Body) == 0 {
					t.Errorf("%s: status %d, %d bytes", a.Path, p.Status, len(p.Body))
				}
				if a.Charset != "" && !strings.Contains(strings.ToLower(string(p.Body)), strings.ToLower(a.Charset)) {
					t.Errorf("%s: body does not declare its charset %s", a.Path, a.Charset)
				}
				h.mu.Lock()
				if n := h.hits[a.Path]; n != 1 {
					t.Errorf("%s fetched %d times, want 1", a.Path, n)
				}
				// A tracking-parameter link is fetched as linked, once,
				// so the archive can record it as an alias.
				for _, alt := range a.AltURLs {
					if n := h.hits[alt]; n > 1 {
						t.Errorf("%s fetched %d times under %s", a.Path, n, alt)
					}
				}
				h.mu.Unlock()
			}
			for _, p := range sink.pages {
				if strings.HasSuffix(p.URL, ".xml") || strings.HasSuffix(p.URL, ".txt") {
					t.Errorf("%s emitted: not a page", p.URL)
				}
			}
			if tc.depth == 0 {
				// The feed gives dates and titles.
				var hinted int
				for _, p := range sink.pages {
					for _, hint := range p.Hints {
						if hint.Source == "feed" && hint.Headline != "" && hint.DatePublished != "" {
							hinted++
						}
					}
				}
				if hinted == 0 {
					t.Errorf("no page carries a feed hint")
				}
			}
		})
	}
}

// TestCrawlDemoSiteTwice checks the second, conditional run: the demo site
// answers 304 to the validators of the first.
func TestCrawlDemoSiteTwice(t *testing.T) {
	srv := newServer(t, fixtures.Handler())
	first := &memSink{}
	o := testOptions(first, srv.URL+"/")
	o.Depth = 0
	mustRun(t, o)
	if len(first.pages) != 1 {
		t.Fatalf("%d pages", len(first.pages))
	}
	prev := first.pages[0]
	o.Sink = SinkFunc(func(ctx context.Context, p *newsarchive.Page) error {
		if p.Status != http.StatusNotModified {
			t.Errorf("second fetch: status %d, want 304", p.Status)
		}
		return nil
	})
	o.Validators = func(string) (string, string) {
		return prev.Header.Get("ETag"), prev.Header.Get("Last-Modified")
	}
	if st := mustRun(t, o); st.NotModified != 1 {
		t.Errorf("Stats %+v, want one 304", st)
	}
}
