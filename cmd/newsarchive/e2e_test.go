package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/fixtures"
)

// TestCrawlExportEndToEnd crawls the demo site from an httptest server into
// a fresh archive, exports it, and checks the records against the site's
// manifest: one record per article, the right headline and date, a body, no
// teaser text, each caption once, and the article linked under a tracking URL
// merged into one record that lists both URLs.
func TestCrawlExportEndToEnd(t *testing.T) {
	srv := fixtures.NewServer(t)
	db := filepath.Join(t.TempDir(), "e2e.db")
	_, stderr, code := runCLI(t, "crawl", "--archive", db, "--allow-private", "--depth", "3", "--delay", "0",
		srv.URL+"/", srv.URL+"/sitemap.xml", srv.URL+"/rss.xml")
	if code != 0 {
		t.Fatalf("crawl exited %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "e2e.jsonl")
	if _, stderr, code := runCLI(t, "export", "--archive", db, "-o", out); code != 0 {
		t.Fatalf("export exited %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	recs := readJSONL(t, data)

	byPath := map[string]newsarchive.Article{}
	for _, r := range recs {
		u, err := url.Parse(r.URL)
		if err != nil {
			t.Fatalf("record url %q: %v", r.URL, err)
		}
		if _, dup := byPath[u.Path]; dup {
			t.Errorf("two records for %s", u.Path)
		}
		byPath[u.Path] = r
	}
	want := fixtures.Articles()
	if len(recs) != len(want) {
		var got []string
		for p := range byPath {
			got = append(got, p)
		}
		t.Errorf("exported %d records, want one per article: %d\ngot %v", len(recs), len(want), got)
	}
	teasers := fixtures.Teasers()
	for _, w := range want {
		r, ok := byPath[w.Path]
		if !ok {
			t.Errorf("%s: no record", w.Path)
			continue
		}
		if r.Headline != w.Headline {
			t.Errorf("%s: headline %q, want %q", w.Path, r.Headline, w.Headline)
		}
		if !strings.HasPrefix(r.DatePublished, w.DatePublished) {
			t.Errorf("%s: datePublished %q (from %s), want %s", w.Path, r.DatePublished, r.DateSource, w.DatePublished)
		}
		if len(r.Paragraphs) == 0 {
			t.Errorf("%s: no paragraphs", w.Path)
		}
		for _, tz := range teasers {
			if strings.Contains(r.Body, tz) {
				t.Errorf("%s: teaser text in body: %q", w.Path, tz)
			}
		}
		seen := map[string]bool{}
		for _, c := range r.Captions {
			if seen[c.Text] {
				t.Errorf("%s: caption twice: %q", w.Path, c.Text)
			}
			seen[c.Text] = true
			if strings.Contains(r.Body, c.Text) {
				t.Errorf("%s: caption inside the body: %q", w.Path, c.Text)
			}
		}
		if w.Caption != "" && !seen[w.Caption] {
			t.Errorf("%s: caption %q missing; got %+v", w.Path, w.Caption, r.Captions)
		}
		wantURLs := []string{srv.URL + w.Path}
		for _, alt := range w.AltURLs {
			wantURLs = append(wantURLs, srv.URL+alt)
		}
		for _, u := range wantURLs {
			if !contains(r.URLs, u) {
				t.Errorf("%s: urls %v lack %s", w.Path, r.URLs, u)
			}
		}
		if len(r.Snapshots) == 0 || r.Version != 1 {
			t.Errorf("%s: version %d with %d snapshots, want version 1 with at least one", w.Path, r.Version, len(r.Snapshots))
		}
	}

	// The archive's totals agree with the export.
	stdout, stderr, code := runCLI(t, "stats", "--archive", db, "--json")
	if code != 0 {
		t.Fatalf("stats exited %d: %s", code, stderr)
	}
	var st struct{ Records, Snapshots int }
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, stdout)
	}
	if st.Records != len(recs) || st.Snapshots < len(recs) {
		t.Errorf("stats: %d records, %d snapshots; export has %d records", st.Records, st.Snapshots, len(recs))
	}
}

// TestFeedDateReachesRecord crawls a feed whose item gives the only date
// of an undated page: the record is dated from the feed, says so, and a
// replay (extraction again from the stored snapshot) keeps that date.
func TestFeedDateReachesRecord(t *testing.T) {
	para := strings.Repeat("The council met on the budget and argued about the bridge for a long while. ", 6)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rss.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>%[1]s/</link>
<item><title>Council votes on the bridge</title><link>%[1]s/news/bridge-vote</link><pubDate>Tue, 03 Jun 2025 08:15:00 GMT</pubDate></item>
</channel></rss>`, srv.URL)
		case "/news/bridge-vote":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Council votes on the bridge</title></head><body><main><article><h1>Council votes on the bridge</h1><p>%s</p><p>%s</p><p>%s</p></article></main></body></html>`, para, para, para)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "hints.db")
	if _, stderr, code := runCLI(t, "crawl", "--archive", db, "--allow-private", "--delay", "0", srv.URL+"/rss.xml"); code != 0 {
		t.Fatalf("crawl exited %d: %s", code, stderr)
	}
	export := func(when string) {
		t.Helper()
		stdout, stderr, code := runCLI(t, "export", "--archive", db)
		if code != 0 {
			t.Fatalf("%s: export exited %d: %s", when, code, stderr)
		}
		recs := readJSONL(t, []byte(stdout))
		if len(recs) != 1 || recs[0].DatePublished != "2025-06-03T08:15:00Z" || recs[0].DateSource != "feed" {
			t.Errorf("%s: records %+v, want one dated 2025-06-03T08:15:00Z from the feed", when, recs)
		}
	}
	export("after the crawl")
	if stdout, stderr, code := runCLI(t, "replay", "--archive", db); code != 0 {
		t.Fatalf("replay exited %d: %s%s", code, stdout, stderr)
	}
	export("after a replay")
}
