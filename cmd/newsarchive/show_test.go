package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/fixtures"
)

// archiveOfCaptures fills a new archive with the four captures of one
// article (three days unchanged, then an edit) and returns its path.
func archiveOfCaptures(t *testing.T) (path, url string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "captures.db")
	f := archiveFlags{path: path}
	store, err := f.open(false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, c := range fixtures.Captures() {
		p := &newsarchive.Page{URL: c.URL, FetchedAt: c.FetchedAt, Status: 200, Body: c.Body}
		if _, err := store.Put(context.Background(), p); err != nil {
			t.Fatalf("put %s: %v", c.Name, err)
		}
		url = c.URL
	}
	return path, url
}

func TestShowRecordAndDiff(t *testing.T) {
	db, url := archiveOfCaptures(t)
	caps := fixtures.Captures()
	edited := caps[len(caps)-1]

	stdout, stderr, code := runCLI(t, "show", "--archive", db, url)
	if code != 0 {
		t.Fatalf("show exited %d: %s", code, stderr)
	}
	for _, want := range []string{edited.Headline, "v1 ", "v2 ", caps[0].FetchedAt.UTC().Format("2006-01-02T15:04:05Z")} {
		if !strings.Contains(stdout, want) {
			t.Errorf("show output lacks %q:\n%s", want, stdout)
		}
	}
	if n := strings.Count(stdout, "  200  "); n != 4 {
		t.Errorf("show lists %d snapshots, want 4:\n%s", n, stdout)
	}

	stdout, stderr, code = runCLI(t, "show", "--archive", db, "--diff", url)
	if code != 0 {
		t.Fatalf("show --diff exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "version 1 -> 2") || !strings.Contains(stdout, "headline:") || !strings.Contains(stdout, "{+") {
		t.Errorf("diff output:\n%s", stdout)
	}
	if strings.Contains(stdout, fixtures.Today) {
		t.Errorf("the header date shows up in the diff:\n%s", stdout)
	}

	// A record with one version has nothing to compare.
	one := filepath.Join(t.TempDir(), "one.db")
	f := archiveFlags{path: one}
	s, err := f.open(false)
	if err != nil {
		t.Fatal(err)
	}
	c := caps[0]
	if _, err := s.Put(context.Background(), &newsarchive.Page{URL: c.URL, FetchedAt: c.FetchedAt, Status: 200, Body: c.Body}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if stdout, stderr, code := runCLI(t, "show", "--archive", one, "--diff", c.URL); code != 0 || !strings.Contains(stdout, "one version") {
		t.Errorf("diff of a one-version record: exit %d: %s%s", code, stdout, stderr)
	}

	_, stderr, code = runCLI(t, "show", "--archive", db, "https://nowhere.example/x")
	if code != 1 || !strings.Contains(stderr, "nowhere.example") {
		t.Errorf("unknown record: exit %d, stderr %q", code, stderr)
	}
}
