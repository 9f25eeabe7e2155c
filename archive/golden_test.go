package archive_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./archive -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is meant, run go test ./archive -run %s -update and review the diff:\n%s",
			path, t.Name(), got)
	}
}

// The export formats, byte for byte: one article on two days, edited on
// the third and not modified on the fourth, fetched once under a tracking
// URL.
func goldenArchive(t *testing.T) *archive.Store {
	s, _ := MustOpen(t, &fakeExtractor{})
	const u = "https://news.example/2024/12/kelp"
	MustPut(t, s, page(u, day, "Saturday, January 18, 2025", "", "Kelp pact signed", "Seven nations signed.", "Work starts in spring."))
	MustPut(t, s, page(u+"?utm_source=rss", day.Add(24*time.Hour), "Sunday, January 19, 2025", u, "Kelp pact signed", "Seven nations signed.", "Work starts in spring."))
	MustPut(t, s, page(u, day.Add(48*time.Hour), "Monday, January 20, 2025", "", "Kelp pact signed by seven", "Seven nations signed.", "Work starts in March."))
	MustPut(t, s, &newsarchive.Page{URL: u, FetchedAt: day.Add(72 * time.Hour), Status: 304})
	MustPut(t, s, page("https://news.example/world/", day, "Saturday, January 18, 2025", "", ""))
	return s
}

func TestExportGolden(t *testing.T) {
	s := goldenArchive(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		opts archive.ExportOptions
	}{
		{"export.jsonl", archive.ExportOptions{}},
		{"export-asof.jsonl", archive.ExportOptions{AsOf: day.Add(30 * time.Hour)}},
	} {
		var buf bytes.Buffer
		if _, err := s.Export(ctx, &buf, tt.opts); err != nil {
			t.Fatal(err)
		}
		golden(t, tt.name, buf.Bytes())
	}
	var w bytes.Buffer
	if _, err := s.ExportWARC(ctx, &w, archive.WARCOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "export.warc", withoutWarcinfo(w.Bytes()))
	d, err := s.Diff(ctx, "https://news.example/2024/12/kelp", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "diff.txt", []byte(d.String()))
}
