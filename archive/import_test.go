package archive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive/archive"
)

// fillArchive puts a small crawl: articles on two sites, re-fetches,
// edits, an alias and a non-article.
func fillArchive(t *testing.T, s *archive.Store) {
	t.Helper()
	for i := range 12 {
		u := fmt.Sprintf("https://%s.example/story/%d", []string{"a", "b"}[i%2], i)
		MustPut(t, s, page(u, day.Add(time.Duration(i)*time.Minute), "d1", "", fmt.Sprint("Story ", i), fmt.Sprint("Paragraph of ", i, " ", strings.Repeat("words ", 200))))
		MustPut(t, s, page(u+"?from=rss", day.Add(24*time.Hour+time.Duration(i)*time.Minute), "d2", u, fmt.Sprint("Story ", i), fmt.Sprint("Paragraph of ", i, " ", strings.Repeat("words ", 200))))
		if i%3 == 0 {
			MustPut(t, s, page(u, day.Add(48*time.Hour+time.Duration(i)*time.Minute), "d3", "", fmt.Sprint("Story ", i, " (updated)"), fmt.Sprint("Paragraph of ", i, " ", strings.Repeat("words ", 200))))
		}
	}
	MustPut(t, s, page("https://a.example/", day, "d1", "", ""))
}

func TestJSONLRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, _ := MustOpen(t, &fakeExtractor{})
	fillArchive(t, src)
	var first bytes.Buffer
	n, err := src.Export(ctx, &first, archive.ExportOptions{})
	if err != nil || n != 12 {
		t.Fatalf("export: %d %v", n, err)
	}

	dst, _ := MustOpen(t, &fakeExtractor{})
	rep, err := dst.ImportJSONL(ctx, bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 12 || rep.Skipped != 0 {
		t.Errorf("import report %+v", rep)
	}
	var second bytes.Buffer
	if _, err := dst.Export(ctx, &second, archive.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("round trip changed the export:\n%.3000s\n---\n%.3000s", first.String(), second.String())
	}
	if err := dst.Check(ctx); err != nil {
		t.Error(err)
	}
	// As-of works on the imported versions' times: of the six records
	// first seen by then, two (0 and 3) were edited later, and JSONL holds
	// only their newer version, which did not exist yet.
	var asOf bytes.Buffer
	if n, err := dst.Export(ctx, &asOf, archive.ExportOptions{AsOf: day.Add(5 * time.Minute)}); err != nil || n != 4 {
		t.Errorf("as-of export of imported records: %d %v", n, err)
	}
	// A later fetch joins the imported record with a fresh snapshot id.
	r := MustPut(t, dst, page("https://a.example/story/0", day.Add(96*time.Hour), "d9", "", "Story 0 (updated)", "Paragraph of 0 "+strings.Repeat("words ", 200)))
	if r.Outcome != archive.Unchanged {
		t.Errorf("put into imported archive: %+v", r)
	}
	a, err := dst.Record(ctx, "https://a.example/story/0")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, sn := range a.Snapshots {
		if seen[sn.ID] {
			t.Errorf("snapshot id %s used twice", sn.ID)
		}
		seen[sn.ID] = true
	}
	if id, _ := strconv.Atoi(r.SnapshotID); id <= 25 {
		t.Errorf("new snapshot id %s reuses an imported one", r.SnapshotID)
	}

	if _, err := dst.ImportJSONL(ctx, strings.NewReader(first.String())); !errors.Is(err, archive.ErrNotEmpty) {
		t.Errorf("import into a full archive: %v", err)
	}
}

func TestImportJSONLErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", "{\"url\":\"https://a.example/\"}\nnot json\n", "line 2"},
		{"no url", "\n{\"headline\":\"x\"}\n", "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := MustOpen(t, nil)
			_, err := s.ImportJSONL(context.Background(), strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to name %q", err, tt.want)
			}
		})
	}
}
