package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive/fixtures"
)

// syncBuffer is a bytes.Buffer safe for the scheduler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// scheduleRun is `newsarchive schedule` running in the background of a
// test, its log gathered.
type scheduleRun struct {
	stderr syncBuffer
	done   chan error
	cancel context.CancelFunc
}

// startSchedule runs `newsarchive schedule args...` until stop is called
// or the test ends.
func startSchedule(t *testing.T, args ...string) *scheduleRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &scheduleRun{done: make(chan error, 1), cancel: cancel}
	t.Cleanup(cancel)
	go func() {
		r.done <- run(ctx, append([]string{"schedule"}, args...), strings.NewReader(""), &bytes.Buffer{}, &r.stderr)
	}()
	return r
}

// waitFor waits until ok holds of the log, failing the test when schedule
// returns first or 30 seconds pass; what says what was waited for.
func (r *scheduleRun) waitFor(t *testing.T, what string, ok func(log string) bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !ok(r.stderr.String()) {
		select {
		case err := <-r.done:
			t.Fatalf("schedule returned early: %v\n%s", err, r.stderr.String())
		case <-deadline:
			t.Fatalf("%s:\n%s", what, r.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop ends schedule as a signal would and returns its error.
func (r *scheduleRun) stop() error {
	r.cancel()
	return <-r.done
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSchedule runs two jobs every second: one crawling the demo site, one
// whose site is down. The failing job logs its failure and the other goes
// on; a slow job is never started twice at once.
func TestSchedule(t *testing.T) {
	site := fixtures.NewServer(t)
	var inFlight, maxInFlight atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			// A slow 5xx here would disallow the site: the job would skip
			// its page and finish "ok", never failing.
			http.NotFound(w, r)
			return
		}
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(1500 * time.Millisecond)
		http.Error(w, "slow and broken", http.StatusInternalServerError)
	}))
	t.Cleanup(slow.Close)
	db := filepath.Join(t.TempDir(), "sched.db")
	jobs := writeFile(t, "jobs.yaml", fmt.Sprintf(`
archive: %s
jobs:
  - name: ledger
    schedule: "@every 1s"
    seeds: [%s/sitemap.xml]
    depth: 0
    allow_private: true
    parallelism: 4
    delay: 0s
  - name: broken
    schedule: "@every 1s"
    seeds: [%s/]
    depth: 0
    allow_private: true
    delay: 0s
`, db, site.URL, slow.URL))

	r := startSchedule(t, "--run-now", jobs)
	r.waitFor(t, "jobs did not run twice", func(log string) bool {
		return strings.Count(log, "job=ledger status=ok") >= 2 && strings.Contains(log, `job=broken status="failed: `)
	})
	if err := r.stop(); err != nil {
		t.Fatalf("schedule: %v\n%s", err, r.stderr.String())
	}
	if m := maxInFlight.Load(); m > 1 {
		t.Errorf("the slow job ran %d times at once", m)
	}
	if !strings.Contains(r.stderr.String(), "job finished") {
		t.Errorf("no status lines:\n%s", r.stderr.String())
	}
	stdout, _, code := runCLI(t, "stats", "--archive", db, "--json")
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf(`"records": %d`, len(fixtures.Articles()))) {
		t.Errorf("after the scheduled crawls the archive holds:\n%s", stdout)
	}
}

func TestScheduleFileErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "jobs:\n  - name: a\n    schedule: '@hourly'\n    seeds: [https://a.example/]\n    sedes: [x]\n", "sedes"},
		{"bad cron", "jobs:\n  - name: a\n    schedule: 'every tuesday'\n    seeds: [https://a.example/]\n", "every tuesday"},
		{"no schedule", "jobs:\n  - name: a\n    seeds: [https://a.example/]\n", "schedule: missing"},
		{"no jobs", "archive: x.db\n", "no jobs"},
		{"duplicate names", "jobs:\n  - {name: a, schedule: '@hourly', seeds: [https://a.example/]}\n  - {name: a, schedule: '@hourly', seeds: [https://b.example/]}\n", `two jobs are named "a"`},
		{"bad delay", "jobs:\n  - {name: a, schedule: '@hourly', seeds: [https://a.example/], delay: soon}\n", "soon"},
		{"bad seed", "jobs:\n  - {name: a, schedule: '@hourly', seeds: ['ftp://a.example/']}\n", "ftp://a.example/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "jobs.yaml", tt.yaml)
			_, stderr, code := runCLI(t, "schedule", path)
			if code != 2 || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, path) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s and %q", code, stderr, path, tt.want)
			}
		})
	}
}

// TestCrawlConfigErrors: a job file crawl --config cannot use is refused
// before anything is fetched, naming the file and what is wrong in it.
func TestCrawlConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "seeds: [https://a.example/]\nsedes: [x]\n", "sedes"},
		{"bad cron", "seeds: [https://a.example/]\nschedule: '*/5 * * *'\n", `schedule "*/5 * * *"`},
		{"delay without a unit", "seeds: [https://a.example/]\ndelay: 5\n", "time.Duration"},
		{"bad pattern", "seeds: [https://a.example/]\nurl_patterns: ['(']\n", "url_patterns"},
		{"no seeds", "name: x\nseeds: []\n", "seeds: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "job.yaml", tt.yaml)
			db := filepath.Join(t.TempDir(), "c.db")
			_, stderr, code := runCLI(t, "crawl", "--archive", db, "--config", path)
			if code != 2 || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, path) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s and %q", code, stderr, path, tt.want)
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("the archive was created for a job file that is refused")
			}
		})
	}
}

// TestCrawlConfig runs one job file once with crawl --config; a flag given
// on the command line overrides the file.
func TestCrawlConfig(t *testing.T) {
	site := fixtures.NewServer(t)
	job := writeFile(t, "job.yaml", fmt.Sprintf("name: ledger\nseeds: [%s/rss.xml]\ndepth: 0\nallow_private: true\ndelay: 0s\nmax_pages: 50\n", site.URL))
	db := filepath.Join(t.TempDir(), "c.db")
	_, stderr, code := runCLI(t, "crawl", "--archive", db, "--config", job, "--max-pages", "3")
	if code != 0 {
		t.Fatalf("crawl --config exited %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "crawled 3 pages") {
		t.Errorf("--max-pages 3 did not override the file's 50: %s", stderr)
	}
	bad := writeFile(t, "bad.yaml", "name: x\nseeds: []\n")
	if _, stderr, code := runCLI(t, "crawl", "--config", bad); code != 2 || !strings.Contains(stderr, bad) {
		t.Errorf("empty seeds: exit %d, stderr %q", code, stderr)
	}
}

// TestScheduleServeExport: with --serve, the records can be exported over
// HTTP while the scheduled jobs hold the archive and write to it.
func TestScheduleServeExport(t *testing.T) {
	site := fixtures.NewServer(t)
	db := filepath.Join(t.TempDir(), "served.db")
	jobs := writeFile(t, "jobs.yaml", fmt.Sprintf(`
archive: %s
jobs:
  - name: ledger
    schedule: "@every 1s"
    seeds: [%s/sitemap.xml]
    depth: 0
    allow_private: true
    parallelism: 4
    delay: 0s
`, db, site.URL))
	r := startSchedule(t, "--run-now", "--serve", "127.0.0.1:0", jobs)
	r.waitFor(t, "no web UI or no finished run", func(log string) bool {
		return strings.Contains(log, "export=http://") && strings.Contains(log, "job=ledger status=ok")
	})
	log := r.stderr.String()
	base := strings.Fields(log[strings.Index(log, "export=http://")+len("export="):])[0]
	// The archive is held by this process: another opener is refused...
	if _, stderr, code := runCLI(t, "export", "--archive", db, "--lock-timeout", "50ms"); code != 1 {
		t.Errorf("export from another opener while schedule holds the archive: exit %d: %s", code, stderr)
	}
	// ...and the export over HTTP works.
	resp, err := http.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", base, resp.StatusCode, body)
	}
	if n := len(strings.Split(strings.TrimSpace(string(body)), "\n")); n != len(fixtures.Articles()) {
		t.Errorf("export over HTTP: %d records, want %d", n, len(fixtures.Articles()))
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
}

// TestScheduleMetrics: schedule --metrics serves Prometheus metrics that
// count what the jobs fetched, and each job's runs and last success.
func TestScheduleMetrics(t *testing.T) {
	site := fixtures.NewServer(t)
	db := filepath.Join(t.TempDir(), "metrics.db")
	jobs := writeFile(t, "jobs.yaml", fmt.Sprintf(`
archive: %s
jobs:
  - name: ledger
    schedule: "@hourly"
    seeds: [%s/sitemap.xml]
    depth: 0
    allow_private: true
    delay: 0s
`, db, site.URL))
	r := startSchedule(t, "--run-now", "--metrics", "127.0.0.1:0", jobs)
	r.waitFor(t, "no finished run", func(log string) bool { return strings.Contains(log, "job=ledger status=ok") })
	log := r.stderr.String()
	i := strings.Index(log, "addr=http://")
	if i < 0 {
		t.Fatalf("no metrics address logged:\n%s", log)
	}
	addr := strings.Fields(log[i+len("addr="):])[0]
	resp, err := http.Get(addr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		fmt.Sprintf(`newsarchive_crawler_pages_total{status="200"} %d`, len(fixtures.Articles())),
		`newsarchive_job_runs_total{job="ledger",result="ok"} 1`,
		`newsarchive_job_runs_total{job="ledger",result="failed"} 0`,
		`newsarchive_job_last_success_timestamp_seconds{job="ledger"} 1.`, // a time in 2001-2033
	} {
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, want a line %q in:\n%s", addr, resp.StatusCode, want, body)
		}
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
}

// TestREADMEJobFiles reads the job files the README shows as crawl
// --config and schedule read them: a key renamed in the code, or a typo in
// the README, fails here and not in a reader's cron job.
func TestREADMEJobFiles(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, part := range strings.Split(string(readme), "```yaml\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		blocks = append(blocks, block)
	}
	if len(blocks) != 2 {
		t.Fatalf("%d yaml blocks in the README, want the job file and the schedule file", len(blocks))
	}
	job, err := loadJob(writeFile(t, "job.yaml", blocks[0]))
	if err != nil {
		t.Errorf("the README's job file: %v", err)
	} else if job.Schedule == "" || job.Depth == nil || *job.Depth != 2 || job.Timeout != 30*time.Second || job.MaxBodyBytes != 10<<20 {
		t.Errorf("the README's job file reads as %+v", job)
	}
	if _, err := loadSchedule(writeFile(t, "jobs.yaml", blocks[1])); err != nil {
		t.Errorf("the README's schedule file: %v", err)
	}
}

// TestScheduleJobsShareHosts: two jobs of one schedule that crawl the same
// host at the same time are polite to it together: with parallelism 1
// each, the host never has two of their requests at once.
func TestScheduleJobsShareHosts(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(5 * time.Millisecond) // let requests overlap if they may
		fmt.Fprintf(w, "<html><body><p>Page %s</p></body></html>", r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	seeds := func(job string) string {
		var s []string
		for i := range 10 {
			s = append(s, fmt.Sprintf("%s/%s/%d", srv.URL, job, i))
		}
		return strings.Join(s, ", ")
	}
	db := filepath.Join(t.TempDir(), "shared.db")
	jobs := writeFile(t, "jobs.yaml", fmt.Sprintf(`
archive: %s
jobs:
  - {name: front, schedule: "@hourly", seeds: [%s], depth: 0, allow_private: true, parallelism: 1, delay: 0s}
  - {name: sitemap, schedule: "@hourly", seeds: [%s], depth: 0, allow_private: true, parallelism: 1, delay: 0s}
`, db, seeds("front"), seeds("sitemap")))
	r := startSchedule(t, "--run-now", jobs)
	r.waitFor(t, "the jobs did not finish", func(log string) bool {
		return strings.Contains(log, "job=front status=ok") && strings.Contains(log, "job=sitemap status=ok")
	})
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > 1 {
		t.Errorf("%d requests in flight at once on the host the jobs share, want 1", p)
	}
}

// TestCrawlJSONLog: with --log-format json, as the README's cron line runs
// it, every line crawl writes is a JSON object, the summary included.
func TestCrawlJSONLog(t *testing.T) {
	site := fixtures.NewServer(t)
	db := filepath.Join(t.TempDir(), "json.db")
	_, stderr, code := runCLI(t, "crawl", "--archive", db, "--allow-private", "--delay", "0", "--depth", "0",
		"--log-format", "json", site.URL+"/sitemap.xml", site.URL+"/no-such-page")
	if code != 0 {
		t.Fatalf("crawl exited %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, line := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("not a JSON line: %q", line)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, `"msg":"crawl finished"`) || !strings.Contains(last, fmt.Sprintf(`"newArticles":%d`, len(fixtures.Articles()))) {
		t.Errorf("last line %q, want the summary", last)
	}
}
