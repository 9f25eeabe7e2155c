package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the newsarchive command, so
// tests can run it as a real process and send it signals.
func TestMain(m *testing.M) {
	if os.Getenv("NEWSARCHIVE_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// cliProcess returns the test binary set up to run as newsarchive.
func cliProcess(ctx context.Context, t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), "NEWSARCHIVE_TEST_MAIN=1")
	return cmd
}

// slowSite serves n linked pages, each after a short wait, and counts the
// requests per path.
func slowSite(t *testing.T, n int) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		time.Sleep(10 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>Page %s</title></head><body><article><h1>Page %s</h1>", r.URL.Path, r.URL.Path)
		// Each page's text is its own: text repeated on every page of a
		// site is boilerplate to the extractor.
		for i := range 4 {
			fmt.Fprintf(w, "<p>Paragraph %d of the story at %s tells what happened there, in words of its own, and why it matters to the readers of page %s.</p>", i, r.URL.Path, r.URL.Path)
		}
		if r.URL.Path == "/" {
			for i := range n {
				fmt.Fprintf(w, `<a href="/p/%d">page %d</a> `, i, i)
			}
		}
		fmt.Fprint(w, "</article></body></html>")
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestCrawlStopsOnSignal stops a crawl in the middle, gracefully with
// SIGTERM and abruptly with SIGKILL: either way the archive checks out, and
// the same command run again resumes from the frontier kept in the archive
// without fetching the finished pages again.
func TestCrawlStopsOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command as a process")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) { testCrawlStopsOnSignal(t, sig) })
	}
}

func testCrawlStopsOnSignal(t *testing.T, sig syscall.Signal) {
	const pages = 100
	srv, hits := slowSite(t, pages)
	db := filepath.Join(t.TempDir(), "signal.db")
	// Every page is a seed: a discovered page fetched minutes ago is not
	// due for a revisit, so the archive's history alone would keep the
	// second run from fetching it again, frontier or not. A seed is
	// fetched again unless the frontier says it was done.
	args := []string{"crawl", "--archive", db, "--allow-private", "--depth", "0", "--delay", "0", "--parallelism", "2", "-v", srv.URL + "/"}
	for i := range pages {
		args = append(args, fmt.Sprintf("%s/p/%d", srv.URL, i))
	}
	cmd := cliProcess(context.Background(), t, args...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for a few fetches, then stop it.
	sc := bufio.NewScanner(pipe)
	fetched := 0
	var log strings.Builder
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "msg=fetched") {
			if fetched++; fetched == 10 {
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	err = cmd.Wait()
	if sig == syscall.SIGTERM {
		if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(log.String(), "stopped by signal") {
			t.Fatalf("after SIGTERM: exit %d (%v), want 1 and a message:\n%s", code, err, log.String())
		}
	} else if err == nil {
		t.Fatalf("the crawl survived SIGKILL:\n%s", log.String())
	}
	firstHits := hits.Load()
	if firstHits >= pages+1 {
		t.Fatalf("the crawl fetched all %d pages before the signal stopped it", firstHits)
	}

	if _, stderr, code := runCLI(t, "check", "--archive", db); code != 0 {
		t.Fatalf("archive after %v: %s", sig, stderr)
	}
	stdout, stderr, code := runCLI(t, "stats", "--archive", db, "--json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var st struct{ Snapshots int }
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, stdout)
	}
	before := st.Snapshots

	// Run again: it resumes the stopped crawl and fetches the rest once.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := cliProcess(ctx, t, args...).CombinedOutput()
	if err != nil || ctx.Err() != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	// The second run fetches what the first did not finish (and, at most,
	// the seed "/" again). A page counts as finished once it
	// is stored and marked done in the frontier: one stored but not yet
	// marked when the kill came is fetched again, and at most the pages in
	// the crawler's storing pool (16 per CPU) are between the two at any
	// moment.
	second := hits.Load() - firstHits
	// That slack is wide next to the pages stored before the signal: the
	// run must also fetch fewer than all of them, or it did not resume.
	if want := int64(pages+1-before) + 1 + int64(16*runtime.GOMAXPROCS(0)); second > want || second >= pages+1 {
		t.Errorf("the second run fetched %d pages; %d were left (of %d, %d stored), at most %d may be fetched: finished pages were fetched again", second, pages+1-before, pages+1, before, min(want, pages))
	}
	stdout, _, _ = runCLI(t, "stats", "--archive", db, "--json")
	if !strings.Contains(stdout, fmt.Sprintf(`"records": %d,`, pages+1)) {
		t.Errorf("after resuming, the archive holds:\n%s (had %d snapshots before)", stdout, before)
	}
}

// TestExtractStopsOnSignal: extract waiting for standard input ends on the
// first SIGINT or SIGTERM (one is all that timeout(1) sends), with exit 1.
func TestExtractStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := cliProcess(t.Context(), t, "extract", "-")
			stdin, err := cmd.StdinPipe() // held open: nothing to read, no EOF
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			time.Sleep(time.Second) // let it start reading (and handle signals)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "stopped by signal") {
					t.Errorf("exit %d (%v), stderr %q; want 1, stopped by signal", code, err, stderr.String())
				}
			case <-time.After(20 * time.Second):
				stdin.Close() // EOF lets the old code end
				<-exited
				t.Fatalf("extract still waiting for input 20s after %v", sig)
			}
		})
	}
}

// TestImportResumesAfterKill kills an import that has committed two of its
// chunks and is reading on; the same import run again finishes the job:
// every record once, and the archive checks out.
func TestImportResumesAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command as a process")
	}
	const records = 3000
	dir := t.TempDir()
	var lines []string
	for i := range records {
		lines = append(lines, fmt.Sprintf(`{"url":"https://news.example/story/%d","site":"news.example","isArticle":true,"headline":"Story %d","paragraphs":["%s"],"version":1}`,
			i, i, strings.Repeat(fmt.Sprintf("Words of story %d. ", i), 20))+"\n")
	}
	full := filepath.Join(dir, "records.jsonl")
	if err := os.WriteFile(full, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	// The killed run reads a pipe, so the test knows how far it got.
	fifo := filepath.Join(dir, "pipe.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes: %v", err)
	}
	db := filepath.Join(dir, "import.db")
	cmd := cliProcess(t.Context(), t, "import", "--archive", db, fifo)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A chunk is committed before the line after it is read. While the
	// second chunk (line 2,000) commits, the import holds at most one
	// pipe's read (64 KiB) of later lines and the pipe another 64 KiB: the
	// 600 lines after it (over 300 KiB) are all written only once that
	// commit is done.
	for _, l := range lines[:2600] {
		if _, err := w.WriteString(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatalf("the import survived SIGKILL: %s", stderr.String())
	}
	w.Close()

	statsRecords := func() int {
		t.Helper()
		stdout, stderr, code := runCLI(t, "stats", "--archive", db, "--json")
		var st struct{ Records, Snapshots int }
		if err := json.Unmarshal([]byte(stdout), &st); code != 0 || err != nil {
			t.Fatalf("stats: exit %d, %v: %s", code, err, stderr)
		}
		return st.Records
	}
	if _, stderr, code := runCLI(t, "check", "--archive", db); code != 0 {
		t.Fatalf("archive after SIGKILL: %s", stderr)
	}
	before := statsRecords()
	t.Logf("the killed import stored %d records", before)
	if before < 2000 || before >= records {
		t.Fatalf("the killed import stored %d records, want two chunks' and not all %d", before, records)
	}

	stdout, errOut, code := runCLI(t, "import", "--archive", db, full)
	if code != 0 {
		t.Fatalf("import run again: exit %d: %s", code, errOut)
	}
	if want := fmt.Sprintf("%d records", records-before); !strings.Contains(stdout, want) {
		t.Errorf("import run again: %q, want %s", stdout, want)
	}
	if got := statsRecords(); got != records {
		t.Errorf("after the import ran again the archive holds %d records, want %d", got, records)
	}
	if _, stderr, code := runCLI(t, "check", "--archive", db); code != 0 {
		t.Errorf("archive after the import ran again: %s", stderr)
	}
}
