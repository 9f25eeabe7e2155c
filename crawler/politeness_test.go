package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

func TestRobots(t *testing.T) {
	s := newSite(t)
	robots := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: newsarchive\nDisallow: /a/2\nCrawl-delay: 0.01\n")
			return
		}
		s.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(robots.Close)
	sink := &memSink{}
	o := testOptions(sink, robots.URL+"/")
	var logs bytes.Buffer
	o.Logger = newTestLogger(&logs)
	st := mustRun(t, o)
	paths := slices.Compact(sink.paths(robots.URL))
	if want := []string{"/", "/a/1", "/a/3", "/section/"}; !slices.Equal(paths, want) {
		t.Errorf("pages %q, want %q", paths, want)
	}
	if st.Skipped < 2 { // /a/2 by robots.txt, the PDF by its type
		t.Errorf("Stats.Skipped = %d", st.Skipped)
	}
	if !strings.Contains(logs.String(), "crawl-delay") || !strings.Contains(logs.String(), "delay=10ms") {
		t.Errorf("Crawl-delay not applied:\n%s", logs.String())
	}

	// A Crawl-delay beyond MaxCrawlDelay: the host is left alone.
	sink = &memSink{}
	o = testOptions(sink, robots.URL+"/")
	o.MaxCrawlDelay = time.Millisecond
	logs.Reset()
	o.Logger = newTestLogger(&logs)
	st = mustRun(t, o)
	if len(sink.pages) != 0 || st.Skipped != 1 || !strings.Contains(logs.String(), "host skipped") {
		t.Errorf("MaxCrawlDelay below Crawl-delay: %d pages, %+v\n%s", len(sink.pages), st, logs.String())
	}

	// IgnoreRobots fetches /a/2 and never asks for robots.txt.
	sink = &memSink{}
	o = testOptions(sink, s.URL+"/")
	o.IgnoreRobots = true
	mustRun(t, o)
	if sink.page(s.URL+"/a/2?utm_source=x&utm_medium=y") == nil || s.count("/robots.txt") != 0 {
		t.Errorf("IgnoreRobots: pages %q, robots.txt fetched %d times", sink.paths(s.URL), s.count("/robots.txt"))
	}
}

// flaky answers status (with Retry-After) the first fails times, then 200.
func flaky(t *testing.T, status, fails int, retryAfter string) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		n := s.hits[r.URL.Path]
		s.mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if n <= fails {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(status)
			return
		}
		fmt.Fprint(w, article(1))
	}))
	t.Cleanup(s.Close)
	return s
}

func TestBackOff(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		fails       int
		retryAfter  string
		maxRetries  int
		budget      int
		wantPages   int
		wantRetries int
	}{
		{"429 then ok", 429, 2, "0", 3, 100, 1, 2},
		{"503 without Retry-After", 503, 1, "", 3, 100, 1, 1},
		{"503 with a date", 503, 1, time.Unix(0, 0).UTC().Format(http.TimeFormat), 3, 100, 1, 1},
		{"retries spent", 429, 5, "0", 2, 100, 0, 2},
		{"run budget spent", 429, 5, "0", 3, 1, 0, 1},
		{"no retries", 503, 1, "0", 0, 100, 0, 0},
		{"502 then ok", 502, 1, "", 3, 100, 1, 1},
		{"504 then ok", 504, 2, "", 3, 100, 1, 2},
		{"500 is not retried", 500, 1, "", 3, 100, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := flaky(t, tc.status, tc.fails, tc.retryAfter)
			sink := &memSink{}
			o := testOptions(sink, s.URL+"/")
			o.MaxRetries = tc.maxRetries
			o.RetryBudget = tc.budget
			var logs bytes.Buffer
			o.Logger = newTestLogger(&logs)
			st := mustRun(t, o)
			if st.Pages != tc.wantPages || st.Retries != tc.wantRetries {
				t.Errorf("Pages %d, Retries %d; want %d, %d", st.Pages, st.Retries, tc.wantPages, tc.wantRetries)
			}
			if tc.wantPages == 0 && tc.status != 500 && (st.Errors != 1 || !strings.Contains(logs.String(), ErrRetryBudget.Error())) {
				t.Errorf("Errors %d, want 1 naming the retry budget:\n%s", st.Errors, logs.String())
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 18, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"99999999999999", 365 * 24 * time.Hour, true},
		{"Sat, 18 Jan 2025 12:01:30 GMT", 90 * time.Second, true},
		{"Sat, 18 Jan 2025 11:00:00 GMT", 0, true},
	} {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestConditionalGet(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.Header.Get("If-None-Match")+"|"+r.Header.Get("If-Modified-Since"))
		mu.Unlock()
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, article(1, "/b"))
	}))
	t.Cleanup(s.Close)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/")
	o.IgnoreRobots = true
	o.Validators = func(url string) (string, string) {
		if url == s.URL+"/" {
			return `"v1"`, "Sat, 18 Jan 2025 12:00:00 GMT"
		}
		return "", ""
	}
	st := mustRun(t, o)
	p := sink.page(s.URL + "/")
	if p == nil || p.Status != http.StatusNotModified || p.Body != nil {
		t.Fatalf("seed page %+v, want a 304 without body", p)
	}
	if st.NotModified != 1 || st.Pages != 1 {
		t.Errorf("Stats %+v, want one 304 page and nothing else (no links from a 304)", st)
	}
	if want := []string{`/ "v1"|Sat, 18 Jan 2025 12:00:00 GMT`}; !slices.Equal(seen, want) {
		t.Errorf("requests %q, want %q", seen, want)
	}
}

func TestRevisitDue(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	h, d := time.Hour, 24*time.Hour
	for _, tc := range []struct {
		first, last time.Duration // before now
		want        bool
	}{
		{30 * time.Minute, 30 * time.Minute, false}, // new page: at most hourly
		{2 * h, 61 * time.Minute, true},
		{4 * d, 23 * h, false}, // known 4 days: daily
		{4 * d, 25 * h, true},
		{28 * d, 6 * d, false}, // known 4 weeks: weekly
		{28 * d, 8 * d, true},
		{1000 * d, 29 * d, false}, // old: every 30 days
		{1000 * d, 31 * d, true},
	} {
		got := RevisitDue(now.Add(-tc.first), now.Add(-tc.last), now, time.Hour, 30*d)
		if got != tc.want {
			t.Errorf("first %v ago, last %v ago: due %v, want %v", tc.first, tc.last, got, tc.want)
		}
	}
}

func TestRevisitSchedule(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/")
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	o.Now = func() time.Time { return now } // a clock that stands still...
	o.Delay = time.Millisecond              // ...must not stall the gates
	o.History = func(url string) (time.Time, time.Time, bool) {
		// The archive answers for the URL's normal form.
		n, _ := urlnorm.Normalize(url)
		switch strings.TrimPrefix(n, s.URL) {
		case "/a/1": // fetched an hour ago, known for a year: not due
			return now.AddDate(-1, 0, 0), now.Add(-time.Hour), true
		case "/a/2": // known for a year, fetched 40 days ago: due
			return now.AddDate(-1, 0, 0), now.AddDate(0, 0, -40), true
		case "/": // a seed: fetched anyway
			return now, now, true
		}
		return time.Time{}, time.Time{}, false
	}
	st := mustRun(t, o)
	if sink.page(s.URL+"/a/1") != nil || sink.page(s.URL+"/a/2?utm_source=x&utm_medium=y") == nil || sink.page(s.URL+"/") == nil {
		t.Errorf("pages %q, want the seed and /a/2 but not /a/1", sink.paths(s.URL))
	}
	if st.Fresh != 1 {
		t.Errorf("Stats.Fresh = %d, want 1", st.Fresh)
	}
}

// TestGenerations: with a Frontier that cannot forget what it visited,
// each finished Run is recorded, and the next starts the next generation.
func TestGenerations(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/")
	o.Frontier = struct{ Frontier }{NewMemoryFrontier()} // Frontier's methods only
	for run := 1; run <= 3; run++ {
		st := mustRun(t, o)
		if st.Resumed || st.Pages < 5 {
			t.Errorf("run %d: %+v, want a fresh full run", run, st)
		}
		if n := s.count("/"); n != run {
			t.Errorf("run %d: seed fetched %d times, want %d", run, n, run)
		}
	}
	gen, err := currentGeneration(o.Frontier)
	if err != nil || gen != 3 {
		t.Errorf("generation %d, %v; want 3", gen, err)
	}
}

func TestCurrentGeneration(t *testing.T) {
	for _, n := range []uint64{0, 1, 2, 3, 7, 8, 9, 100, 1025} {
		f := NewMemoryFrontier()
		f.Init()
		for g := range n {
			f.Visited(genID(g))
		}
		if got, err := currentGeneration(f); got != n || err != nil {
			t.Errorf("%d finished: generation %d, %v", n, got, err)
		}
	}
}

// cancelSink cancels the run after n pages.
type cancelSink struct {
	memSink
	n      int
	cancel context.CancelFunc
}

func (s *cancelSink) Put(ctx context.Context, p *newsarchive.Page) error {
	err := s.memSink.Put(ctx, p)
	s.mu.Lock()
	if len(s.pages) == s.n {
		s.cancel()
	}
	s.mu.Unlock()
	return err
}

// noPeek hides a Frontier's PeekRequest (and LeaseRequest).
type noPeek struct{ Frontier }

// noLease hides a Frontier's LeaseRequest, not its PeekRequest.
type noLease struct {
	Frontier
	Peeker
}

func TestCancelAndResume(t *testing.T) {
	t.Run("lease", func(t *testing.T) { testCancelAndResume(t, NewMemoryFrontier()) })
	t.Run("peek", func(t *testing.T) {
		f := NewMemoryFrontier()
		testCancelAndResume(t, noLease{f, f.(Peeker)})
	})
	t.Run("no peek", func(t *testing.T) { testCancelAndResume(t, noPeek{NewMemoryFrontier()}) })
}

func testCancelAndResume(t *testing.T, frontier Frontier) {
	s := newSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := &cancelSink{n: 3, cancel: cancel}
	o := testOptions(first, s.URL+"/")
	o.Depth = 3
	o.Parallelism = 1
	// Requests spaced out, so that the cancel after the third page finds
	// the next request waiting at the host's gate. Without a delay the
	// whole 9-page site could be fetched (and its pages stored, as pages
	// in flight are) before a busy machine ran the cancelling Put: 1 run
	// in 900 under the race detector.
	o.Delay = 30 * time.Millisecond
	o.Frontier = frontier
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(ctx)
	if !errors.Is(err, context.Canceled) || st.Pages < 3 || st.Pages >= 8 {
		t.Fatalf("cancelled run: %+v, %v", st, err)
	}
	second := &memSink{}
	o.Sink = second
	st2 := mustRun(t, o)
	if !st2.Resumed {
		t.Errorf("second run did not resume: %+v", st2)
	}
	// No URL asked for in the first run is asked for again. (A page may
	// come twice under one URL when another URL redirects to it: /old.)
	asked := func(p *newsarchive.Page) string {
		if p.RequestedURL != "" {
			return p.RequestedURL
		}
		return p.URL
	}
	for _, p := range first.pages {
		for _, q := range second.pages {
			if asked(p) == asked(q) {
				t.Errorf("%s fetched again after resuming", asked(p))
			}
		}
	}
	all := slices.Compact(slices.Sorted(slices.Values(append(first.paths(s.URL), second.paths(s.URL)...))))
	if want := []string{"/", "/a/1", "/a/2", "/a/2?utm_source=x&utm_medium=y", "/a/3", "/a/4", "/a/5", "/a/6", "/section/"}; !slices.Equal(all, want) {
		t.Errorf("pages over both runs %q, want %q", all, want)
	}
	// The next run is a new generation: the seed again.
	third := &memSink{}
	o.Sink = third
	o.Depth = 0
	if st := mustRun(t, o); st.Resumed || third.page(s.URL+"/") == nil {
		t.Errorf("third run %+v, want the seed fetched afresh", st)
	}
}

func TestBlockedAddr(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		blocked bool
	}{
		{"127.0.0.1", true}, {"127.8.9.10", true}, {"::1", true},
		{"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"fe80::1", true}, {"fc00::1", true}, {"fd00:ec2::254", true},
		{"0.0.0.0", true}, {"::", true}, {"100.100.100.200", true}, {"224.0.0.1", true},
		{"255.255.255.255", true}, {"::ffff:127.0.0.1", true}, {"::ffff:169.254.169.254", true},
		{"64:ff9b::a00:1", true}, {"198.18.0.1", true},
		{"93.184.216.34", false}, {"8.8.8.8", false}, {"2606:4700:4700::1111", false}, {"::ffff:8.8.8.8", false},
	} {
		ip, err := netipParse(tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := blockedAddr(ip); got != tc.blocked {
			t.Errorf("blockedAddr(%s) = %v, want %v", tc.addr, got, tc.blocked)
		}
		if err := dialControl("tcp", "["+tc.addr+"]:80", nil); (err != nil) != tc.blocked || err != nil && !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("dialControl(%s) = %v", tc.addr, err)
		}
	}
}

func TestResumeWithSeedsDone(t *testing.T) {
	// Every seed done in the generation and the queue empty but for
	// leases: the run must still take every seed in turn and finish.
	s := newSite(t)
	f := NewMemoryFrontier()
	f.Init()
	seeds := []string{s.URL + "/a/1", s.URL + "/a/2", s.URL + "/a/3", s.URL + "/a/4"}
	for _, u := range seeds[:3] {
		f.Visited(doneID(0, u))
	}
	sink := &memSink{}
	o := testOptions(sink, seeds...)
	o.Depth = 0
	o.Parallelism = 1
	o.Frontier = f
	mustRun(t, o)
	if got := sink.paths(s.URL); !slices.Equal(got, []string{"/a/4"}) {
		t.Errorf("pages %q, want only the seed not done", got)
	}
}

func TestLongRetryAfterLeavesHostAlone(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	sink := &memSink{}
	o := testOptions(sink, srv.URL+"/a", srv.URL+"/b", srv.URL+"/c")
	o.IgnoreRobots = true
	o.Parallelism = 1
	o.MaxRetryWait = time.Second
	var logs bytes.Buffer
	o.Logger = newTestLogger(&logs)
	st := mustRun(t, o)
	if n := hits.Load(); n != 1 {
		t.Errorf("host hit %d times after asking to wait an hour", n)
	}
	if st.Errors != 1 || st.Skipped != 2 || st.Retries != 0 {
		t.Errorf("Stats %+v, want 1 error and 2 skipped", st)
	}
	if !strings.Contains(logs.String(), "left alone") {
		t.Errorf("log does not say why:\n%s", logs.String())
	}
}

// TestRetryableHostBacksOff pins what a host that keeps answering 429 or
// 5xx gets once retries are refused: it is still left alone as long as it
// asked (the run budget being spent is no reason to come back sooner), and
// after as many such answers in a row as one URL may get, it is left alone
// for the rest of the Run instead of being asked once per URL. A host with
// one broken URL among good ones is not.
func TestRetryableHostBacksOff(t *testing.T) {
	for _, tc := range []struct {
		name       string
		bad        func(path string) bool // paths answered 429
		retryAfter string
		maxRetries int
		budget     int
		wantHits   int           // requests to bad paths, at most
		wantGap    time.Duration // least time between two of them
		wantPages  int
	}{
		{name: "retries per URL spent", bad: func(string) bool { return true },
			maxRetries: 1, budget: 100, wantHits: 2},
		{name: "run budget spent", bad: func(string) bool { return true }, retryAfter: "1",
			maxRetries: 2, budget: 1, wantHits: 3, wantGap: 900 * time.Millisecond},
		{name: "one broken URL", bad: func(p string) bool { return p == "/p/0" },
			maxRetries: 1, budget: 100, wantHits: 2, wantPages: 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var hits []time.Time
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				if !tc.bad(r.URL.Path) {
					fmt.Fprint(w, article(1))
					return
				}
				mu.Lock()
				hits = append(hits, time.Now())
				mu.Unlock()
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			t.Cleanup(srv.Close)
			var seeds []string
			for i := range 6 {
				seeds = append(seeds, fmt.Sprintf("%s/p/%d", srv.URL, i))
			}
			o := testOptions(&memSink{}, seeds...)
			o.Depth = 0
			o.Parallelism = 1
			o.MaxRetries = tc.maxRetries
			o.RetryBudget = tc.budget
			var logs bytes.Buffer
			o.Logger = newTestLogger(&logs)
			st := mustRun(t, o)
			mu.Lock()
			defer mu.Unlock()
			if len(hits) > tc.wantHits {
				t.Errorf("host answered 429 and was asked %d times, want at most %d\n%s", len(hits), tc.wantHits, logs.String())
			}
			for i := 1; i < len(hits); i++ {
				if gap := hits[i].Sub(hits[i-1]); gap < tc.wantGap {
					t.Errorf("request %d came %v after a 429 asking for %ss", i, gap, tc.retryAfter)
				}
			}
			if st.Pages != tc.wantPages {
				t.Errorf("Stats %+v, want %d pages", st, tc.wantPages)
			}
		})
	}
}

// TestCrawlDelaySpacesRequests measures what TestRobots reads in the log:
// with robots.txt asking for a Crawl-delay longer than Options.Delay,
// request starts on the host are that far apart, Parallelism
// notwithstanding. (A lower bound: a slow machine only widens the gaps.)
func TestCrawlDelaySpacesRequests(t *testing.T) {
	const crawlDelay = 200 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprintf(w, "User-agent: *\nCrawl-delay: %g\n", crawlDelay.Seconds())
			return
		}
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
		if r.URL.Path == "/" {
			fmt.Fprint(w, article(0, "/a", "/b", "/c"))
			return
		}
		fmt.Fprint(w, article(1))
	}))
	t.Cleanup(srv.Close)
	o := testOptions(&memSink{}, srv.URL+"/")
	o.Parallelism = 3
	o.Delay = 10 * time.Millisecond
	mustRun(t, o)
	mu.Lock()
	defer mu.Unlock()
	if len(starts) != 4 {
		t.Fatalf("%d requests, want 4", len(starts))
	}
	for i := 1; i < len(starts); i++ {
		// Less a little: the times are taken as requests arrive.
		if gap := starts[i].Sub(starts[i-1]); gap < crawlDelay-20*time.Millisecond {
			t.Errorf("request %d started %v after the previous one; robots.txt asked for %v", i, gap, crawlDelay)
		}
	}
}

// TestRobotsStatus: what a robots.txt answer that is not a file means. A
// 4xx (but 429) means no rules; a 5xx or a 429 means the site cannot say,
// so nothing is fetched from it this Run (RFC 9309, section 2.3.1.4), and
// so does a network error that a retry does not mend, the host's pages
// then counting as errors. A redirect loop makes the file unavailable
// (2.3.1.2): no rules.
func TestRobotsStatus(t *testing.T) {
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
	}
	reset := func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, not a clean close
			}
			conn.Close()
		}
	}
	var answered atomic.Int32
	resetOnce := func(w http.ResponseWriter, r *http.Request) {
		if answered.Add(1) == 1 {
			reset(w, r)
			return
		}
		http.NotFound(w, r)
	}
	long := "User-agent: *\nDisallow: /a\n" + strings.Repeat("# a comment to make the file long\n", 2000)
	for _, tc := range []struct {
		name                 string
		robots               http.HandlerFunc
		pages, errs, skipped int
		maxBody              int64 // Options.MaxBodyBytes, when not 0
	}{
		{"404", status(http.StatusNotFound), 2, 0, 0, 0},
		{"403", status(http.StatusForbidden), 2, 0, 0, 0},
		{"429", status(http.StatusTooManyRequests), 0, 0, 1, 0},
		{"500", status(http.StatusInternalServerError), 0, 0, 1, 0},
		{"503", status(http.StatusServiceUnavailable), 0, 0, 1, 0},
		{"connection reset", reset, 0, 1, 0, 0},
		{"connection reset once", resetOnce, 2, 0, 0, 0}, // the retry gets a 404
		{"body cut short", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "1000")
			fmt.Fprint(w, "User-agent: *\n")
		}, 0, 1, 0, 0},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/robots.txt", http.StatusFound)
		}, 2, 0, 0, 0},
		// Our own cap cuts the file: its rules are what fits (/a is out).
		{"longer than MaxBodyBytes", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, long)
		}, 1, 0, 1, 32 << 10},
		{"gzip that does not decode", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			fmt.Fprint(w, "\x1f\x8b\x09 not a gzip stream")
		}, 2, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pageHits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					tc.robots(w, r)
					return
				}
				pageHits.Add(1)
				if r.URL.Path == "/" {
					fmt.Fprint(w, article(0, "/a"))
					return
				}
				fmt.Fprint(w, article(1))
			}))
			t.Cleanup(srv.Close)
			sink := &memSink{}
			o := testOptions(sink, srv.URL+"/")
			if tc.maxBody > 0 {
				o.MaxBodyBytes = tc.maxBody
			}
			st := mustRun(t, o)
			if st.Pages != tc.pages || int(pageHits.Load()) != tc.pages {
				t.Errorf("%d pages emitted, %d fetched; want %d", st.Pages, pageHits.Load(), tc.pages)
			}
			if st.Errors != tc.errs || st.Skipped != tc.skipped {
				t.Errorf("Stats %+v, want %d errors and %d skipped", st, tc.errs, tc.skipped)
			}
		})
	}
}

// TestNotModifiedLinksFollowed: a page that answers 304 still leads to the
// pages it links to, through the body stored for it (Options.StoredBody):
// otherwise the pages linked from a page that does not change, a section
// front say, would never be revisited however due they are.
func TestNotModifiedLinksFollowed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stored func(url string) []byte
		want   []string
	}{
		{"stored body", func(string) []byte { return []byte(article(0, "/a")) }, []string{"/", "/a"}},
		{"no stored body", func(string) []byte { return nil }, []string{"/"}},
		{"StoredBody nil", nil, []string{"/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/robots.txt":
					http.NotFound(w, r)
				case "/":
					w.Header().Set("ETag", `"v1"`)
					w.WriteHeader(http.StatusNotModified) // asked with "v1" only
				default:
					fmt.Fprint(w, article(1))
				}
			}))
			t.Cleanup(srv.Close)
			sink := &memSink{}
			o := testOptions(sink, srv.URL+"/")
			o.Validators = func(url string) (string, string) {
				if url == srv.URL+"/" {
					return `"v1"`, ""
				}
				return "", ""
			}
			o.StoredBody = tc.stored
			mustRun(t, o)
			if got := sink.paths(srv.URL); !slices.Equal(got, tc.want) {
				t.Errorf("pages %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFinishedGenerationForgotten: a Run that finishes its generation
// leaves no done-set behind with a Frontier that can forget it, so a job
// run every half hour for months keeps a frontier the size of one Run.
func TestFinishedGenerationForgotten(t *testing.T) {
	s := newSite(t)
	f := NewMemoryFrontier().(*memFrontier)
	o := testOptions(&memSink{}, s.URL+"/")
	o.Frontier = f
	for run := 1; run <= 3; run++ {
		st := mustRun(t, o)
		if st.Resumed || st.Pages < 5 {
			t.Errorf("run %d: %+v, want a fresh full run", run, st)
		}
		f.mu.Lock()
		n := len(f.visited)
		f.mu.Unlock()
		if n != 0 {
			t.Errorf("run %d left %d ids in the done-set", run, n)
		}
	}
}

// TestRobotsOnRedirect: robots.txt is obeyed at every hop of a redirect,
// not only for the URL asked for: a link to an allowed path that redirects
// into a disallowed one, on its host or another, is skipped before the
// disallowed URL is requested.
func TestRobotsOnRedirect(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	var other *httptest.Server
	handler := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.Host+r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			if r.Host == other.Listener.Addr().String() {
				// A robots.txt that redirects: its hops are not checked
				// against the robots.txt being fetched.
				http.Redirect(w, r, "/robots-moved.txt", http.StatusMovedPermanently)
				return
			}
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		case "/robots-moved.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		case "/":
			fmt.Fprint(w, article(0, "/same", "/elsewhere", "/fine"))
		case "/same":
			http.Redirect(w, r, "/private/a", http.StatusFound)
		case "/elsewhere":
			http.Redirect(w, r, other.URL+"/private/b", http.StatusFound)
		default:
			fmt.Fprint(w, article(1))
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(handler))
	t.Cleanup(srv.Close)
	other = httptest.NewServer(http.HandlerFunc(handler))
	t.Cleanup(other.Close)
	sink := &memSink{}
	o := testOptions(sink, srv.URL+"/")
	o.AllowedHosts = []string{"127.0.0.1"} // both servers, on other ports
	st := mustRun(t, o)
	mu.Lock()
	defer mu.Unlock()
	for _, u := range []string{srv.URL + "/private/a", other.URL + "/private/b"} {
		if n := hits[strings.TrimPrefix(u, "http://")]; n != 0 {
			t.Errorf("%s, disallowed by its robots.txt, was requested %d times", u, n)
		}
	}
	if got := sink.paths(srv.URL); !slices.Equal(got, []string{"/", "/fine"}) {
		t.Errorf("pages %q, want / and /fine", got)
	}
	if st.Skipped != 2 || st.Errors != 0 {
		t.Errorf("Stats %+v, want the two redirects skipped", st)
	}
}

// TestRetryBurstIsOneStrike: a host that answers 429 to a burst of
// requests sent at once has asked once to slow down, not Parallelism
// times: it is paused and its URLs retried, not left alone.
func TestRetryBurstIsOneStrike(t *testing.T) {
	const burst = 4
	var mu sync.Mutex
	answered := 0
	arrived := make(chan struct{}, burst)
	all := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		first := answered < burst
		answered++
		mu.Unlock()
		if !first {
			fmt.Fprint(w, article(1))
			return
		}
		// Answer the burst only once all of it was sent.
		arrived <- struct{}{}
		if len(arrived) == burst {
			close(all)
		}
		select {
		case <-all:
		case <-time.After(5 * time.Second):
		}
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	var seeds []string
	for i := range burst {
		seeds = append(seeds, fmt.Sprintf("%s/p/%d", srv.URL, i))
	}
	o := testOptions(&memSink{}, seeds...)
	o.Depth = 0
	o.Parallelism = burst
	o.MaxRetries = 3
	var logs bytes.Buffer
	o.Logger = newTestLogger(&logs)
	if st := mustRun(t, o); st.Pages != burst || st.Retries != burst {
		t.Errorf("Stats %+v, want %d pages after one retry each\n%s", st, burst, logs.String())
	}
}

// hostLoad counts one test server's requests in flight and when each
// started.
type hostLoad struct {
	mu      sync.Mutex
	now     int
	max     int
	starts  []time.Time
	handler func(w http.ResponseWriter, r *http.Request)
}

func (h *hostLoad) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	h.mu.Lock()
	h.now++
	h.max = max(h.max, h.now)
	h.starts = append(h.starts, time.Now())
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.now--
		h.mu.Unlock()
	}()
	time.Sleep(20 * time.Millisecond) // long enough for requests to overlap
	h.handler(w, r)
}

// TestRedirectPoliteness: a redirect to another host waits for that host's
// slot and delay like a fetch of it, and gives up the slot of the host it
// left, so redirects back to the first host or between two hosts in both
// directions do not deadlock.
func TestRedirectPoliteness(t *testing.T) {
	// Paths of both servers: /to/HOST/rest redirects to http://HOST/rest;
	// "/" links to what links(host) says; anything else is an article.
	tests := []struct {
		name  string
		seeds func(a, b string) []string
		links func(self, a, b string) []string
		delay time.Duration
		pages int
	}{
		{
			name:  "redirects into a host crawled directly",
			seeds: func(a, b string) []string { return []string{"http://" + a + "/"} },
			links: func(self, a, b string) []string {
				var l []string
				for i := range 6 {
					l = append(l, fmt.Sprintf("/to/%s/page/r%d", b, i), fmt.Sprintf("http://%s/page/d%d", b, i))
				}
				return l
			},
			pages: 13,
		},
		{
			name:  "redirects back to the first host",
			seeds: func(a, b string) []string { return []string{"http://" + a + "/"} },
			links: func(self, a, b string) []string {
				var l []string
				for i := range 4 {
					l = append(l, fmt.Sprintf("/to/%s/to/%s/page/r%d", b, a, i), fmt.Sprintf("http://%s/page/d%d", b, i))
				}
				return l
			},
			pages: 9,
		},
		{
			name:  "two hosts redirect to each other",
			seeds: func(a, b string) []string { return []string{"http://" + a + "/", "http://" + b + "/"} },
			links: func(self, a, b string) []string {
				other := map[string]string{a: b, b: a}[self]
				var l []string
				for i := range 6 {
					l = append(l, fmt.Sprintf("/to/%s/page/%d", other, i))
				}
				return l
			},
			pages: 14,
		},
		{
			name:  "the target host's delay",
			seeds: func(a, b string) []string { return []string{"http://" + a + "/"} },
			links: func(self, a, b string) []string {
				var l []string
				for i := range 3 {
					l = append(l, fmt.Sprintf("/to/%s/page/r%d", b, i), fmt.Sprintf("http://%s/page/d%d", b, i))
				}
				return l
			},
			delay: 100 * time.Millisecond,
			pages: 7,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a, b string
			handler := func(w http.ResponseWriter, r *http.Request) {
				if rest, ok := strings.CutPrefix(r.URL.Path, "/to/"); ok {
					http.Redirect(w, r, "http://"+rest, http.StatusFound)
					return
				}
				if r.URL.Path == "/" {
					fmt.Fprint(w, article(0, tt.links(r.Host, a, b)...))
					return
				}
				fmt.Fprint(w, article(1))
			}
			loadA, loadB := &hostLoad{handler: handler}, &hostLoad{handler: handler}
			srvA, srvB := httptest.NewServer(loadA), httptest.NewServer(loadB)
			t.Cleanup(srvA.Close)
			t.Cleanup(srvB.Close)
			a, b = srvA.Listener.Addr().String(), srvB.Listener.Addr().String()

			sink := &memSink{}
			o := testOptions(sink, tt.seeds(a, b)...)
			o.AllowedHosts = []string{"127.0.0.1"} // both servers, on other ports
			o.Parallelism = 1
			o.Delay = tt.delay
			c, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			st, err := c.Run(ctx)
			if ctx.Err() != nil {
				t.Fatalf("Run did not finish in 30s (deadlock?): %+v", st)
			}
			if err != nil || st.Pages != tt.pages || st.Errors != 0 {
				t.Errorf("Run: %v, %+v; want %d pages, no errors", err, st, tt.pages)
			}
			for _, h := range []struct {
				name string
				load *hostLoad
			}{{"first host", loadA}, {"other host", loadB}} {
				h.load.mu.Lock()
				if h.load.max > o.Parallelism {
					t.Errorf("%s: %d requests in flight at once, Parallelism is %d", h.name, h.load.max, o.Parallelism)
				}
				for i := 1; i < len(h.load.starts); i++ {
					// Less a little: the times are taken as requests arrive.
					if gap := h.load.starts[i].Sub(h.load.starts[i-1]); gap < tt.delay-20*time.Millisecond {
						t.Errorf("%s: request %d started %v after the previous one; Delay is %v", h.name, i, gap, tt.delay)
					}
				}
				h.load.mu.Unlock()
			}
		})
	}
}

// TestStopWhileRedirectWaits: a Run stopped while a redirect waits for
// its host's delay leaves the URL for the next Run, neither failed nor
// done.
func TestStopWhileRedirectWaits(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var b string
	firstAsked := make(chan struct{}) // closed when B's seed is requested
	var once sync.Once
	srvA := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/r" {
			http.NotFound(w, r)
			return
		}
		// B's seed goes first, so the redirect waits for B's delay.
		select {
		case <-firstAsked:
		case <-time.After(10 * time.Second):
		}
		time.AfterFunc(300*time.Millisecond, cancel)
		http.Redirect(w, r, "http://"+b+"/target", http.StatusFound)
	}))
	t.Cleanup(srvA.Close)
	srvB := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/first" {
			once.Do(func() { close(firstAsked) })
		}
		fmt.Fprint(w, article(1))
	}))
	t.Cleanup(srvB.Close)
	b = srvB.Listener.Addr().String()

	first := &memSink{}
	o := testOptions(first, srvB.URL+"/first", srvA.URL+"/r")
	o.AllowedHosts = []string{"127.0.0.1"} // both servers, on other ports
	o.Parallelism = 1
	o.Delay = 5 * time.Second // the redirect waits for B until the stop
	o.Frontier = NewMemoryFrontier()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(ctx)
	if !errors.Is(err, context.Canceled) || st.Errors != 0 {
		t.Fatalf("stopped run: %+v, %v; want it cancelled without errors", st, err)
	}
	if got := first.paths(srvB.URL); !slices.Equal(got, []string{"/first"}) {
		t.Fatalf("stopped run stored %q, want /first only", got)
	}

	second := &memSink{}
	o.Sink, o.Delay = second, 0
	st = mustRun(t, o)
	if p := second.page(srvB.URL + "/target"); p == nil || p.RequestedURL != srvA.URL+"/r" {
		t.Errorf("next run stored %q, want the redirect from %s/r (%+v)", second.paths(""), srvA.URL, st)
	}
}

// TestRedirectBackOffPausesTarget: a 429 at the end of a redirect pauses
// the host that answered it, not the one the URL named.
func TestRedirectBackOffPausesTarget(t *testing.T) {
	srvB := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srvB.Close)
	srvA := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, srvB.URL+"/x", http.StatusFound)
	}))
	t.Cleanup(srvA.Close)
	o := testOptions(&memSink{}, srvA.URL+"/r")
	o.AllowedHosts = []string{"127.0.0.1"} // both servers, on other ports
	o.MaxRetries = 0                       // the pause is set, no retry waits for it
	o.Hosts = &Hosts{}
	st := mustRun(t, o)
	if st.Errors != 1 {
		t.Errorf("Stats %+v, want the 429 as one error", st)
	}
	paused := func(srv *httptest.Server) bool {
		l := o.Hosts.limit(srv.Listener.Addr().String(), 1)
		l.mu.Lock()
		defer l.mu.Unlock()
		return time.Until(l.next) > 10*time.Second
	}
	if !paused(srvB) {
		t.Error("the host that answered 429 is not paused")
	}
	if paused(srvA) {
		t.Error("the host that redirected is paused for the 429 of another")
	}
}

// TestRedirectIntoHostLeftAlone: a host the Run has stopped crawling (its
// robots.txt asks for a Crawl-delay beyond MaxCrawlDelay) is not fetched
// through a redirect either; the redirected URL counts as skipped.
func TestRedirectIntoHostLeftAlone(t *testing.T) {
	var hits atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 3600\n")
			return
		}
		hits.Add(1)
		fmt.Fprint(w, article(1))
	}))
	t.Cleanup(slow.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/":
			fmt.Fprint(w, article(0, "/moved"))
		default:
			http.Redirect(w, r, slow.URL+"/story", http.StatusFound)
		}
	}))
	t.Cleanup(srv.Close)
	sink := &memSink{}
	o := testOptions(sink, srv.URL+"/")
	o.AllowedHosts = []string{"127.0.0.1"} // both servers, on other ports
	o.MaxCrawlDelay = time.Minute
	st := mustRun(t, o)
	if n := hits.Load(); n != 0 {
		t.Errorf("the host left alone served %d pages through a redirect", n)
	}
	if got := sink.paths(srv.URL); !slices.Equal(got, []string{"/"}) {
		t.Errorf("pages %q, want / only", got)
	}
	if st.Skipped != 1 || st.Errors != 0 {
		t.Errorf("Stats %+v, want the redirect skipped", st)
	}
}
