package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImportRoundTrip: an archive exported as JSONL and imported into
// an empty one exports the same lines; exported as WARC and imported, it
// holds the same records and snapshots.
func TestExportImportRoundTrip(t *testing.T) {
	db, _ := archiveOfCaptures(t)
	dir := t.TempDir()

	jsonl := filepath.Join(dir, "out.jsonl")
	if _, stderr, code := runCLI(t, "export", "--archive", db, "-o", jsonl); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	db2 := filepath.Join(dir, "from-jsonl.db")
	if stdout, stderr, code := runCLI(t, "import", "--archive", db2, jsonl); code != 0 || !strings.Contains(stdout, "1 records") {
		t.Fatalf("import jsonl: exit %d: %s%s", code, stdout, stderr)
	}
	again, stderr, code := runCLI(t, "export", "--archive", db2)
	if code != 0 {
		t.Fatalf("export again: %s", stderr)
	}
	first, _ := os.ReadFile(jsonl)
	if !bytes.Equal(bytes.TrimSpace(first), bytes.TrimSpace([]byte(again))) {
		t.Errorf("JSONL round trip changed the records:\n%s\n---\n%s", first, again)
	}
	// The same import run again (as after it was killed) adds nothing;
	// JSONL into an archive of crawled snapshots is refused.
	if stdout, stderr, code := runCLI(t, "import", "--archive", db2, jsonl); code != 0 || !strings.Contains(stdout, "0 records") {
		t.Errorf("second import: exit %d: %s%s", code, stdout, stderr)
	}
	if again2, _, _ := runCLI(t, "export", "--archive", db2); again2 != again {
		t.Errorf("second import changed the records:\n%s\n---\n%s", again, again2)
	}
	if _, stderr, code := runCLI(t, "import", "--archive", db, jsonl); code != 1 || !strings.Contains(stderr, jsonl) || !strings.Contains(stderr, "not empty") {
		t.Errorf("import into a crawled archive: exit %d, stderr %q", code, stderr)
	}

	warc := filepath.Join(dir, "out.warc.gz")
	if _, stderr, code := runCLI(t, "export", "--archive", db, "--format", "warc", "-o", warc); code != 0 {
		t.Fatalf("export warc: %s", stderr)
	}
	db3 := filepath.Join(dir, "from-warc.db")
	if _, stderr, code := runCLI(t, "import", "--archive", db3, warc); code != 0 {
		t.Fatalf("import warc: %s", stderr)
	}
	// Run again, it finds every capture already there.
	if stdout, stderr, code := runCLI(t, "import", "--archive", db3, warc); code != 0 || !strings.Contains(stdout, "0 snapshots") {
		t.Fatalf("import warc again: exit %d: %s%s", code, stdout, stderr)
	}
	s1, _, _ := runCLI(t, "stats", "--archive", db, "--json")
	s3, _, _ := runCLI(t, "stats", "--archive", db3, "--json")
	for _, key := range []string{`"records": 1,`, `"versions": 2,`, `"snapshots": 4,`} {
		if !strings.Contains(s1, key) || !strings.Contains(s3, key) {
			t.Errorf("want %s in both:\n%s\n%s", key, s1, s3)
		}
	}

	if _, stderr, code := runCLI(t, "import", "--archive", db3, filepath.Join(dir, "data.csv")); code != 2 || !strings.Contains(stderr, "--format") {
		t.Errorf("unknown format: exit %d, %q", code, stderr)
	}
}

// TestReplay: replaying with the extractor that made the records changes
// nothing; the report names the extractor.
func TestReplay(t *testing.T) {
	db, _ := archiveOfCaptures(t)
	stdout, stderr, code := runCLI(t, "replay", "--archive", db)
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "0 records changed") {
		t.Errorf("replay with the same extractor: %s", stdout)
	}
	if _, stderr, code := runCLI(t, "replay", "--archive", db, "--since", "last week"); code != 2 {
		t.Errorf("bad --since: exit %d: %s", code, stderr)
	}
}
