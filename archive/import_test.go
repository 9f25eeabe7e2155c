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

	"github.com/newsarchive/newsarchive"
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

// cutLines returns the first n lines of a JSONL export.
func cutLines(b []byte, n int) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	return bytes.Join(lines[:n], nil)
}

// cutWARC returns an uncompressed WARC up to the start of its n-th record
// (the warcinfo record is the 0th).
func cutWARC(b []byte, n int) []byte {
	at := 0
	for range n {
		i := bytes.Index(b[at+1:], []byte("WARC/1.1\r\n"))
		if i < 0 {
			return b
		}
		at += i + 1
	}
	return b[:at]
}

// TestImportResumes: an import stopped after some of its chunks were
// committed (here: a prefix of the file imported) is finished by running
// the same import again, and the archive then holds what one whole import
// would have stored, nothing twice.
func TestImportResumes(t *testing.T) {
	ctx := context.Background()
	src, _ := MustOpen(t, &fakeExtractor{})
	fillArchive(t, src)
	MustPut(t, src, &newsarchive.Page{URL: "https://a.example/story/0", FetchedAt: day.Add(100 * time.Hour), Status: 304})
	var jsonl, warc bytes.Buffer
	if _, err := src.Export(ctx, &jsonl, archive.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.ExportWARC(ctx, &warc, archive.WARCOptions{}); err != nil {
		t.Fatal(err)
	}
	jsonlImport := func(s *archive.Store, b []byte) (archive.ImportReport, error) {
		return s.ImportJSONL(ctx, bytes.NewReader(b))
	}
	warcImport := func(s *archive.Store, b []byte) (archive.ImportReport, error) {
		return s.ImportWARC(ctx, bytes.NewReader(b))
	}
	tests := []struct {
		name    string
		file    []byte
		prefix  []byte // what the stopped import committed
		imp     func(*archive.Store, []byte) (archive.ImportReport, error)
		records int // records the second run makes
	}{
		{"jsonl one line", jsonl.Bytes(), cutLines(jsonl.Bytes(), 1), jsonlImport, 11},
		{"jsonl half", jsonl.Bytes(), cutLines(jsonl.Bytes(), 6), jsonlImport, 6},
		{"jsonl whole", jsonl.Bytes(), jsonl.Bytes(), jsonlImport, 0},
		{"warc one response", warc.Bytes(), cutWARC(warc.Bytes(), 3), warcImport, 11},
		{"warc half", warc.Bytes(), cutWARC(warc.Bytes(), 40), warcImport, -1},
		{"warc whole", warc.Bytes(), warc.Bytes(), warcImport, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, _ := MustOpen(t, &fakeExtractor{})
			if _, err := tt.imp(want, tt.file); err != nil {
				t.Fatal(err)
			}
			dst, _ := MustOpen(t, &fakeExtractor{})
			if _, err := tt.imp(dst, tt.prefix); err != nil {
				t.Fatalf("first run: %v", err)
			}
			rep, err := tt.imp(dst, tt.file)
			if err != nil {
				t.Fatalf("second run: %v", err)
			}
			if tt.records >= 0 && rep.Records != tt.records {
				t.Errorf("second run made %d records, want %d (%+v)", rep.Records, tt.records, rep)
			}
			got, _ := dst.Stats(ctx)
			st, _ := want.Stats(ctx)
			if got.Snapshots != st.Snapshots || got.Records != st.Records || got.Versions != st.Versions ||
				got.Revisits != st.Revisits || got.Bodies != st.Bodies || got.Aliases != st.Aliases {
				t.Errorf("resumed import holds %+v, one import %+v", got, st)
			}
			var a, b bytes.Buffer
			want.Export(ctx, &a, archive.ExportOptions{})
			dst.Export(ctx, &b, archive.ExportOptions{})
			if a.String() != b.String() {
				t.Errorf("records differ from one import's:\n%.2000s\n---\n%.2000s", a.String(), b.String())
			}
			if err := dst.Check(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestImportJSONLRefuses: what a JSONL import still refuses, since its
// snapshot ids and record merges assume the archive holds nothing else.
func TestImportJSONLRefuses(t *testing.T) {
	ctx := context.Background()
	src, _ := MustOpen(t, &fakeExtractor{})
	fillArchive(t, src)
	var all bytes.Buffer
	if _, err := src.Export(ctx, &all, archive.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(all.Bytes(), []byte("\n"))
	other := bytes.Join(lines[3:], nil) // another file: its first line differs
	tests := []struct {
		name  string
		fill  func(*archive.Store)
		input []byte
	}{
		{"crawled archive", func(s *archive.Store) { fillArchive(t, s) }, all.Bytes()},
		{"imported, then crawled", func(s *archive.Store) {
			s.ImportJSONL(ctx, bytes.NewReader(lines[0]))
			MustPut(t, s, page("https://c.example/x", day, "d1", "", "X", "x"))
		}, all.Bytes()},
		{"imported from another file", func(s *archive.Store) { s.ImportJSONL(ctx, bytes.NewReader(lines[0])) }, other},
		{"empty file", func(s *archive.Store) { s.ImportJSONL(ctx, bytes.NewReader(lines[0])) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := MustOpen(t, &fakeExtractor{})
			tt.fill(s)
			before, _ := s.Stats(ctx)
			if _, err := s.ImportJSONL(ctx, bytes.NewReader(tt.input)); !errors.Is(err, archive.ErrNotEmpty) {
				t.Errorf("import: %v, want ErrNotEmpty", err)
			}
			if after, _ := s.Stats(ctx); after != before {
				t.Errorf("refused import changed the archive: %+v, was %+v", after, before)
			}
		})
	}
}
