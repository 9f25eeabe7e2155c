package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/fixtures"
)

// runCLI runs the command line in-process and returns its output and exit
// status.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

// readJSONL decodes one record per line.
func readJSONL(t *testing.T, data []byte) []newsarchive.Article {
	t.Helper()
	var recs []newsarchive.Article
	for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var a newsarchive.Article
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatalf("line %d is not a record: %v\n%s", i+1, err, line)
		}
		recs = append(recs, a)
	}
	return recs
}

// sitePage returns a page of the demo site as served from origin.
func sitePage(path, origin string) ([]byte, error) {
	b, err := fixtures.Site.ReadFile("site" + path)
	return bytes.ReplaceAll(b, []byte(fixtures.Origin), []byte(origin)), err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestExtractOnePage checks the single-page form: one JSON record with the
// MISSION.md field names.
func TestExtractOnePage(t *testing.T) {
	page := filepath.Join(t.TempDir(), "page.html")
	w := fixtures.Articles()[0]
	body, err := sitePage(w.Path, "https://ledger.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, body, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, "extract", "--url", "https://ledger.example"+w.Path+"?utm_source=x", page)
	if code != 0 {
		t.Fatalf("extract exited %d: %s", code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, stdout)
	}
	for _, field := range []string{"id", "url", "site", "isArticle", "headline", "datePublished", "dateModified",
		"dateSource", "authors", "section", "language", "description", "image", "captions", "paragraphs",
		"body", "related", "contentHash", "extractor"} {
		if _, ok := raw[field]; !ok {
			t.Errorf("field %q missing from %s", field, stdout)
		}
	}
	var a newsarchive.Article
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatal(err)
	}
	if a.Headline != w.Headline || !strings.HasPrefix(a.DatePublished, w.DatePublished) {
		t.Errorf("got %q %q, want %q %q", a.Headline, a.DatePublished, w.Headline, w.DatePublished)
	}
	if a.URL != "https://ledger.example"+w.Path {
		t.Errorf("url %q, want the canonical https://ledger.example%s", a.URL, w.Path)
	}
}

// TestExtractMany checks the many-files form: JSONL with a file field, and
// a bad page gives an error record without ending the run.
func TestExtractMany(t *testing.T) {
	dir := t.TempDir()
	arts := fixtures.Articles()[:3]
	for i, w := range arts {
		body, err := sitePage(w.Path, "https://ledger.example")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, string(rune('a'+i))+".html"), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(dir, "z.html")
	if err := os.WriteFile(bad, []byte("\x00\x01\x02\xff\xfe binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, "extract", "-j", "2", dir)
	if code != 1 {
		t.Errorf("exit %d with a bad page, want 1; stderr: %s", code, stderr)
	}
	recs := readJSONL(t, []byte(stdout))
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4:\n%s", len(recs), stdout)
	}
	for i, w := range arts {
		if recs[i].File != filepath.Join(dir, string(rune('a'+i))+".html") || recs[i].Headline != w.Headline {
			t.Errorf("record %d: file %q headline %q, want %q", i, recs[i].File, recs[i].Headline, w.Headline)
		}
	}
	if recs[3].File != bad || recs[3].Error == "" {
		t.Errorf("bad page: %+v, want an error record for %s", recs[3], bad)
	}
}

// TestExtractFolderSkipsSpecialFiles: a named pipe called *.html in the
// folder would block extract for ever; it is left out, like a folder.
func TestExtractFolderSkipsSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "a.html")
	if err := os.WriteFile(good, []byte("<html><body><h1>Title</h1><p>A paragraph.</p></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.html")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	if err := os.Symlink(fifo, filepath.Join(dir, "link.html")); err != nil {
		t.Fatal(err)
	}
	type result struct {
		stdout, stderr string
		code           int
	}
	done := make(chan result, 1)
	go func() {
		o, e, c := runCLI(t, "extract", dir)
		done <- result{o, e, c}
	}()
	select {
	case r := <-done:
		recs := readJSONL(t, []byte(r.stdout))
		if r.code != 0 || len(recs) != 1 || recs[0].File != good {
			t.Errorf("exit %d, records %+v, want one for %s; stderr: %s", r.code, recs, good, r.stderr)
		}
	case <-time.After(20 * time.Second):
		// Let the blocked reader go: opening the write end and closing it
		// gives it EOF.
		if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			w.Close()
		}
		<-done
		t.Fatal("extract blocked on a named pipe in the folder")
	}
}

func TestUsageErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-page.html")
	page := writeFile(t, "page.html", "<html><body><h1>Title</h1><p>A paragraph of the story.</p></body></html>")
	db := filepath.Join(t.TempDir(), "a.db")
	tests := []struct {
		name     string
		args     []string
		code     int
		stderrIn string
	}{
		{"no command", nil, 2, "usage"},
		{"unknown command", []string{"frobnicate"}, 2, "frobnicate"},
		{"bad flag", []string{"extract", "--no-such-flag", "x.html"}, 2, "no-such-flag"},
		{"missing file", []string{"extract", missing}, 1, missing},
		{"no file", []string{"extract"}, 2, "FILE"},
		{"bad -j", []string{"extract", "-j", "0", "x.html"}, 2, "-j"},
		{"crawl without seed", []string{"crawl", "--archive", filepath.Join(t.TempDir(), "a.db")}, 2, "SEED"},
		{"crawl bad seed", []string{"crawl", "--archive", filepath.Join(t.TempDir(), "a.db"), "ftp://x/y"}, 2, "ftp://x/y"},
		{"crawl refuses loopback", []string{"crawl", "--archive", filepath.Join(t.TempDir(), "a.db"), "--depth", "0", "http://127.0.0.1:9/"}, 1, "--allow-private"},
		{"crawl finds nothing listening", []string{"crawl", "--archive", filepath.Join(t.TempDir(), "a.db"), "--allow-private", "--depth", "0", "http://127.0.0.1:9/"}, 1, "logged above)"},
		{"export bad since", []string{"export", "--archive", filepath.Join(t.TempDir(), "a.db"), "--since", "yesterday"}, 2, "--since"},
		{"stdin among many", []string{"extract", "a.html", "-"}, 2, "standard input"},
		{"url with a folder", []string{"extract", "--url", "https://x.example/", t.TempDir()}, 2, "--url"},
		{"negative depth", []string{"crawl", "--archive", db, "--depth", "-1", "https://a.example/"}, 2, "--depth -1"},
		{"negative max-pages", []string{"crawl", "--archive", db, "--max-pages", "-5", "https://a.example/"}, 2, "--max-pages -5"},
		{"zero parallelism", []string{"crawl", "--archive", db, "--parallelism", "0", "https://a.example/"}, 2, "--parallelism 0"},
		{"negative delay", []string{"crawl", "--archive", db, "--delay", "-1s", "https://a.example/"}, 2, "--delay -1s"},
		{"negative lock-timeout", []string{"stats", "--archive", db, "--lock-timeout", "-1s"}, 2, "lock-timeout"},
		{"negative lock-timeout, schedule", []string{"schedule", "--lock-timeout", "-1s", missing}, 2, "lock-timeout"},
		{"bad lock-timeout", []string{"export", "--archive", db, "--lock-timeout", "soon"}, 2, "lock-timeout"},
		{"url not a URL", []string{"extract", "--url", "notaurl", page}, 2, "--url"},
		{"url relative", []string{"extract", "--url", "/a/story.html", page}, 2, "--url"},
		{"url of another scheme", []string{"extract", "--url", "ftp://x.example/a.html", page}, 2, "--url"},
		{"url without host", []string{"extract", "--url", "https://", page}, 2, "--url"},
		{"url unparsable", []string{"extract", "--url", "http://[::1", page}, 2, "--url"},
		{"bad log format", []string{"crawl", "--log-format", "yaml", "https://a.example/"}, 2, "log-format"},
		{"flag after seed", []string{"crawl", "--archive", filepath.Join(t.TempDir(), "a.db"), "https://a.example/", "--depth", "0"}, 2, "flags go before"},
		{"missing jobs file", []string{"schedule", missing}, 1, missing},
		{"missing job file", []string{"crawl", "--config", missing}, 1, missing},
		{"job file with a bad pattern", []string{"crawl", "--config", writeFile(t, "bad.yaml", "seeds: [https://a.example/]\nurl_patterns: ['(']\n")}, 2, "url_patterns"},
		{"import malformed JSONL", []string{"import", "--archive", filepath.Join(t.TempDir(), "i.db"), writeFile(t, "bad.jsonl", "{\"id\": \"x\", \"url\": \n")}, 1, "bad.jsonl"},
		{"help", []string{"help"}, 0, ""},
		{"command help", []string{"export", "-h"}, 0, "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderrIn) {
				t.Errorf("stderr %q does not name %q", stderr, tt.stderrIn)
			}
		})
	}
}

// TestExportCorruptArchive: a file that is not an archive is reported,
// naming it, and left as it was.
func TestExportCorruptArchive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "corrupt.db")
	junk := bytes.Repeat([]byte("not a bolt file "), 1024)
	if err := os.WriteFile(db, junk, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "export", "--archive", db)
	if code != 1 || !strings.Contains(stderr, db) {
		t.Errorf("exit %d, stderr %q; want 1 naming %s", code, stderr, db)
	}
	after, _ := os.ReadFile(db)
	if !bytes.Equal(after, junk) {
		t.Error("the corrupt file was modified")
	}
}

func TestWriteOutputLeavesNoPartialFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.jsonl")
	_, err := writeOutput(nil, path, func(w io.Writer) (int, error) {
		w.Write([]byte("partial"))
		return 0, errors.New("boom")
	})
	if err == nil {
		t.Fatal("want the write error")
	}
	if _, serr := os.Stat(path); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("%s exists after a failed export", path)
	}
}

// TestWriteOutputBlame: an export that fails because the archive is
// corrupt must not be reported as a failure to write the output file, and
// one whose output fails must say so.
func TestWriteOutputBlame(t *testing.T) {
	archiveErr := errors.New("archive: export: archive file is corrupt")
	tests := []struct {
		name      string
		stdout    io.Writer
		file      bool
		write     func(io.Writer) (int, error)
		want      error
		wantWrite bool // the message blames the output
	}{
		{"archive fails, file", nil, true, func(w io.Writer) (int, error) {
			w.Write([]byte("partial"))
			return 0, archiveErr
		}, archiveErr, false},
		{"archive fails, stdout", io.Discard, false, func(w io.Writer) (int, error) {
			w.Write([]byte("partial"))
			return 0, archiveErr
		}, archiveErr, false},
		{"stdout fails", failWriter{}, false, func(w io.Writer) (int, error) {
			_, err := w.Write(bytes.Repeat([]byte("x"), 100<<10))
			return 0, err
		}, errFull, true},
		{"stdout fails at the flush", failWriter{}, false, func(w io.Writer) (int, error) {
			_, err := w.Write([]byte("x"))
			return 1, err
		}, errFull, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file {
				path = filepath.Join(t.TempDir(), "out.jsonl")
			}
			_, err := writeOutput(tt.stdout, path, tt.write)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if blamed := strings.HasPrefix(err.Error(), "write "); blamed != tt.wantWrite {
				t.Errorf("error %q: blames the output %v, want %v", err, blamed, tt.wantWrite)
			}
		})
	}
}

var errFull = errors.New("no space left on device")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFull }

// TestLockedArchive: while another holder has the archive, a command waits
// --lock-timeout and then fails naming the file, instead of hanging.
func TestLockedArchive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "busy.db")
	holder := archiveFlags{path: db}
	store, err := holder.open(false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, args := range [][]string{
		{"export", "--archive", db, "--lock-timeout", "100ms"},
		{"crawl", "--archive", db, "--lock-timeout", "100ms", "https://news.example/"},
	} {
		_, stderr, code := runCLI(t, args...)
		if code != 1 || !strings.Contains(stderr, db) || !strings.Contains(stderr, "locked") {
			t.Errorf("%s on a locked archive: exit %d, stderr %q; want 1 naming the file", args[0], code, stderr)
		}
	}
}

// TestDemo runs the README's first command in a temporary folder, twice
// (the second run replaces the first's archive), and refuses to replace an
// archive of another site.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	db, out := filepath.Join(dir, "demo.db"), filepath.Join(dir, "demo.jsonl")
	for range 2 {
		stdout, stderr, code := runCLI(t, "demo", "--archive", db, "-o", out)
		if code != 0 || !strings.Contains(stdout, fmt.Sprintf("%d articles", len(fixtures.Articles()))) {
			t.Fatalf("demo: exit %d\n%s%s", code, stdout, stderr)
		}
	}
	// Neither an archive of articles of another site nor one that holds
	// only snapshots (of pages that are not articles) is the demo's.
	real, _ := archiveOfCaptures(t)
	snapshotsOnly := filepath.Join(t.TempDir(), "snapshots.db")
	f := archiveFlags{path: snapshotsOnly}
	s, err := f.open(false)
	if err != nil {
		t.Fatal(err)
	}
	index := fixtures.Captures()[0]
	if _, err := s.Put(context.Background(), &newsarchive.Page{URL: "https://www.harborledger.example/", FetchedAt: index.FetchedAt, Status: 200,
		Body: []byte("<html><body><ul><li><a href=/a>A</a></li></ul></body></html>")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, path := range []string{real, snapshotsOnly} {
		before, _ := os.ReadFile(path)
		if _, stderr, code := runCLI(t, "demo", "--archive", path, "-o", out); code != 1 || !strings.Contains(stderr, "not replacing") {
			t.Errorf("demo over %s: exit %d: %s", path, code, stderr)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("demo changed %s, which was not its own", path)
		}
	}
}
