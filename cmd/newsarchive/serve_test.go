package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/extract"
	"github.com/newsarchive/newsarchive/fixtures"
	"github.com/newsarchive/newsarchive/web"
)

var serveScreenshot = flag.String("serve.screenshot", "", "TestServeBrowser: write a screenshot of the record page to this PNG file")

// serveHostileURL is the URL of the hostile page of serveArchive.
const serveHostileURL = "https://hostile.example/news/attack.html"

// serveHostilePage is an archived article that tries script injection through
// its headline, caption, related links and raw markup.
var serveHostilePage = `<!DOCTYPE html><html><head>
<title>Hostile &lt;script&gt;alert(1)&lt;/script&gt; headline</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2025-01-10T08:00:00Z">
<script>document.title = "pwned-head"</script>
<link rel="stylesheet" href="https://evil.example/s.css">
</head><body onload="document.title='pwned-onload'">
<article>
<h1>Hostile &lt;script&gt;alert(1)&lt;/script&gt; headline</h1>
<figure><img src="https://evil.example/x.png" onerror="document.title='pwned-onerror'" alt="">
<figcaption>Caption &lt;img src=x onerror=alert(1)&gt; of the photo</figcaption></figure>
<p>The council met on Tuesday to discuss the harbour wall, which has needed repairs since the storm of last winter, and voted to fund them.</p>
<p>Engineers told the meeting that the eastern section could fail within two years if nothing is done, putting the fish market at risk.</p>
<p>The repairs will cost about four million, half of it from the regional fund, and work is due to start in the spring after the herring season.</p>
<p>Residents who spoke at the meeting asked for the footpath along the wall to stay open during the works, and the council agreed to try.</p>
<script src="https://evil.example/x.js"></script>
<div class="related"><h2>Related Articles</h2><ul>
<li><a href="javascript:document.title='pwned-link'">Council votes on the harbour &lt;b&gt;wall&lt;/b&gt;</a></li>
<li><a href="https://hostile.example/news/other.html">Storm damage in the old town, a year on</a></li>
</ul></div>
</article>
<img src=https://evil.example/tracker.png>
<iframe src="https://evil.example/frame"></iframe>
<div style="background:url(https://evil.example/bg.png)">x</div>
</body></html>`

// serveArchive writes an archive holding the four fixture captures (one
// article, two versions), the hostile page and a front page, and returns
// its path. The archive is closed: serve opens it.
func serveArchive(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "serve.db")
	opts := archive.DefaultOptions()
	opts.Extract = extract.New(extract.DefaultOptions()).Extract
	s, err := archive.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	pages := []*newsarchive.Page{}
	for _, c := range fixtures.Captures() {
		pages = append(pages, &newsarchive.Page{URL: c.URL, FetchedAt: c.FetchedAt, Status: 200, Header: html, Body: c.Body})
	}
	pages = append(pages,
		&newsarchive.Page{URL: serveHostileURL, FetchedAt: time.Date(2025, 1, 12, 7, 0, 0, 0, time.UTC), Status: 200,
			Header: html, Body: []byte(serveHostilePage)},
		&newsarchive.Page{URL: "https://www.harborledger.example/", FetchedAt: time.Date(2025, 1, 18, 11, 0, 0, 0, time.UTC),
			Status: 200, Header: html, Body: []byte(`<html><body><h2>Front page</h2><ul><li><a href="/world/kelp-forest-pact.html">Kelp</a></li></ul></body></html>`)},
	)
	for _, p := range pages {
		if _, err := s.Put(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// serveKelpID returns the record id of the fixture article.
func serveKelpID(t testing.TB, path string) string {
	t.Helper()
	s, err := archive.Open(path, archive.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err := s.Record(context.Background(), fixtures.Captures()[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// newServeHandler serves the archive at path as runServe does.
func newServeHandler(t testing.TB, path string, idle, lockTimeout time.Duration) (*httptest.Server, *webArchive) {
	t.Helper()
	arch := newWebArchive(func() (*archive.Store, error) {
		return archive.Open(path, archive.Options{ReadOnly: true, Timeout: lockTimeout})
	}, idle)
	t.Cleanup(func() { arch.Close() })
	opts := web.DefaultOptions()
	opts.Archive = arch
	h, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, arch
}

func serveGet(t testing.TB, u string) (int, http.Header, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestServeCommand runs the command on a free port, browses it and stops
// it by canceling its context.
func TestServeCommand(t *testing.T) {
	path := serveArchive(t)
	id := serveKelpID(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, e, []string{"--archive", path, "--addr", "127.0.0.1:0", "--idle", "10ms"})
	}()

	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); {
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		base = strings.TrimSuffix(addr.FindString(stderr.String()), "/")
	}
	if base == "" {
		t.Fatalf("no address printed:\n%s", stderr.String())
	}

	kelp := fixtures.Captures()
	tests := []struct {
		path string
		code int
		want string
	}{
		{"/", 200, kelp[3].Headline},
		{"/?q=kelp", 200, kelp[3].Headline},
		{"/?site=nowhere.example", 200, "No records match"},
		{"/records/" + id, 200, "<del>"},
		{"/records/" + id + "?from=1&to=2", 200, "<ins>"},
		{"/api/records", 200, `"next": ""`},
		{"/api/records/" + id, 200, `"version": 2`},
		{"/api/records/" + id + "/versions", 200, `"version": 1`},
		{"/api/records/nope", 404, `"error"`},
		{"/api/records?before=nope", 400, "bad record list cursor"},
		{"/?before=nope", 400, "bad record list cursor"},
		{"/web/" + web.Timestamp(kelp[1].FetchedAt) + "/" + kelp[1].URL, 200, "newsarchive-banner"},
		{"/web/2025/https://www.harborledger.example/", 302, ""},
		{"/web/20250118110000/https://www.harborledger.example/", 200, "Front page"},
	}
	for _, tt := range tests {
		code, _, body := serveGet(t, base+tt.path)
		if code != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s: %d, want %d with %q\n%.400s", tt.path, code, tt.code, tt.want, body)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

func TestServeUsage(t *testing.T) {
	tests := []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"--nope"}, true, "flag provided but not defined"},
		{[]string{"extra"}, true, `unexpected argument "extra"`},
		{[]string{"--idle", "-1s"}, true, "--idle"},
		{[]string{"--archive", filepath.Join(t.TempDir(), "missing.db")}, false, "missing.db"},
		{[]string{"--archive", serveArchive(t), "--addr", "256.0.0.1:99999"}, false, "--addr 256.0.0.1:99999"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		err := runServe(context.Background(), &env{stdout: io.Discard, stderr: &stderr}, tt.args)
		var ue *usageError
		if err == nil || errors.As(err, &ue) != tt.usage || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("serve %q: %v (usage error: %v), want %q", tt.args, err, errors.As(err, &ue), tt.want)
		}
	}
}

// TestServeHostile browses the hostile page's record and replay: nothing
// it carries becomes markup, script or a request outside the archive.
func TestServeHostile(t *testing.T) {
	srv, _ := newServeHandler(t, serveArchive(t), 0, time.Second)
	_, _, list := serveGet(t, srv.URL+"/api/records?site=hostile.example")
	var l web.RecordList
	if err := json.Unmarshal([]byte(list), &l); err != nil || len(l.Records) != 1 {
		t.Fatalf("hostile record: %v %s", err, list)
	}
	id := l.Records[0].ID
	if !strings.Contains(l.Records[0].Headline, "<script>") {
		t.Fatalf("the test page's headline lost its script: %q", l.Records[0].Headline)
	}
	tag := regexp.MustCompile(`(?i)<script[\s>/]|<[a-z][^<>]*\son\w+\s*=|(?:href|src)\s*=\s*"?\s*javascript:`)
	for _, p := range []string{"/", "/?q=hostile", "/records/" + id, "/api/records/" + id,
		"/web/20250112070000/" + serveHostileURL} {
		code, h, body := serveGet(t, srv.URL+p)
		if code != 200 {
			t.Errorf("%s: status %d", p, code)
			continue
		}
		if m := tag.FindString(body); m != "" {
			t.Errorf("%s: hostile markup %q survived", p, m)
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'none'") &&
			!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") && !strings.HasPrefix(p, "/api/") {
			t.Errorf("%s: CSP %q", p, h.Get("Content-Security-Policy"))
		}
		if strings.HasPrefix(p, "/web/") {
			for _, m := range regexp.MustCompile(`(?i)\s(?:src|href)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
				if !strings.HasPrefix(m[1], "/") && !strings.HasPrefix(m[1], "#") && !strings.HasPrefix(m[1], "about:blank") {
					t.Errorf("replay links outside the archive: %q", m[1])
				}
			}
		}
	}
}

// TestServeLock checks what bbolt's file lock means for serve: it holds the
// archive only while requests use it (plus --idle), so a writer in another
// process can open it between requests; while a writer holds it, pages
// answer 503 and come back once it is released.
func TestServeLock(t *testing.T) {
	path := serveArchive(t)
	srv, arch := newServeHandler(t, path, 10*time.Millisecond, 0)
	arch.retry = time.Hour // no second try at the lock until the test says so
	if code, _, _ := serveGet(t, srv.URL+"/api/records"); code != 200 {
		t.Fatalf("status %d", code)
	}
	// serve lets go of the file once idle: a writer can open it.
	w, err := archive.Open(path, archive.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("writer could not open the archive serve had used: %v", err)
	}
	code, h, body := serveGet(t, srv.URL+"/api/records")
	if code != 503 || !strings.Contains(body, "locked") || h.Get("Retry-After") == "" {
		t.Errorf("while a writer holds the archive: %d %s", code, body)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// For a while the next requests get the same answer without trying the
	// lock again (a page's images do not queue for it one by one)...
	if code, _, body := serveGet(t, srv.URL+"/api/records"); code != 503 || !strings.Contains(body, "locked") {
		t.Errorf("request within the retry delay: %d %s", code, body)
	}
	// ...and once it has passed, the archive opens again.
	arch.mu.Lock()
	arch.lockedUntil = time.Time{} // as if the retry delay had passed
	arch.mu.Unlock()
	if code, _, body := serveGet(t, srv.URL+"/api/records"); code != 200 {
		t.Errorf("after the writer closed: %d %s", code, body)
	}
}

// serveChromium returns the Chromium to test with, or skips the test (fails
// it when CI is set: CI installs Chromium with scripts/install-chromium.sh).
func serveChromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium not found and CI is set: run scripts/install-chromium.sh")
	}
	t.Skip("Chromium not found: skipping the browser test (scripts/install-chromium.sh installs it)")
	return ""
}

// TestServeBrowser drives headless Chromium through the list, a record page
// with its diff and replay frame, and a replay of the hostile page, and
// checks that no request leaves the server and no archived script runs.
func TestServeBrowser(t *testing.T) {
	chrome := serveChromium(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	path := serveArchive(t)
	id := serveKelpID(t, path)
	srv, _ := newServeHandler(t, path, 0, time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1500, 1100),
	)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	var mu sync.Mutex
	var requests []string
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	nav := func(u, waitFor string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+u), chromedp.WaitVisible(chromedp.CSS(waitFor))); err != nil {
			t.Fatalf("open %s: %v", u, err)
		}
	}
	kelp := fixtures.Captures()

	// The list.
	nav("/", "#records")
	if got := text("#records"); !strings.Contains(got, kelp[3].Headline) || !strings.Contains(got, "Hostile <script>") {
		t.Errorf("list shows %q", got)
	}

	// The record page: fields, the diff of its two versions, the replay
	// frame.
	nav("/records/"+id+"?from=1&to=2", "#diff")
	if got := text("#headline"); got != kelp[3].Headline {
		t.Errorf("record headline %q", got)
	}
	if got := text("#diff ins"); got == "" {
		t.Error("diff shows no insertion")
	}
	if got := text("#versions"); !strings.Contains(got, kelp[0].Headline) {
		t.Errorf("versions table %q", got)
	}
	frameText, err := chromedp.Run(bctx, chromedp.Evaluate[string](
		`new Promise(r => { const f = document.getElementById('replay');
		  const read = () => r(f.contentDocument ? f.contentDocument.body.innerText : '');
		  if (f.contentDocument && f.contentDocument.readyState === 'complete') read(); else f.addEventListener('load', read); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(frameText, "newsarchive replay") || !strings.Contains(frameText, kelp[3].Headline) {
		t.Errorf("replay frame shows %.300q", frameText)
	}
	if *serveScreenshot != "" {
		png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*serveScreenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", *serveScreenshot, len(png))
	}

	// Replay of the hostile page: shown, banner on top, no script ran.
	nav("/web/20250112/"+serveHostileURL, "#newsarchive-banner")
	if got := text("article h1"); !strings.Contains(got, "Hostile <script>alert(1)</script> headline") {
		t.Errorf("hostile page headline %q", got)
	}
	title, err := chromedp.Run(bctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(title, "pwned") {
		t.Errorf("an archived script ran: title %q", title)
	}
	// Click the javascript: related link: nothing runs.
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`.related a`)), chromedp.Sleep(100*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if title, _ := chromedp.Run(bctx, chromedp.Title()); strings.Contains(title, "pwned") {
		t.Errorf("a javascript: link ran: title %q", title)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(requests) < 4 {
		t.Errorf("saw only %d requests: %q", len(requests), requests)
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
			t.Errorf("request outside the server: %s", u)
		}
	}
	t.Logf("the browser made %d requests", len(requests))
}

// BenchmarkServe measures the pages a researcher opens most, against the
// fixture archive kept open (as between two requests within --idle).
func BenchmarkServe(b *testing.B) {
	path := serveArchive(b)
	id := serveKelpID(b, path)
	srv, _ := newServeHandler(b, path, time.Minute, time.Second)
	kelp := fixtures.Captures()
	for _, bc := range []struct{ name, path string }{
		{"list", "/"},
		{"record", "/records/" + id},
		{"api-record", "/api/records/" + id},
		{"replay", "/web/" + web.Timestamp(kelp[1].FetchedAt) + "/" + kelp[1].URL},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if code, _, _ := serveGet(b, srv.URL+bc.path); code != 200 {
					b.Fatalf("status %d", code)
				}
			}
		})
	}
}
