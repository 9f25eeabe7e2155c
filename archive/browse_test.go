package archive_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/extract"
	"github.com/newsarchive/newsarchive/fixtures"
)

// browseArchive fills a new archive with the four fixture captures of one
// article (two versions) and n small articles of another site, and returns
// it with the captures' snapshot ids.
func browseArchive(t *testing.T, n int) (*archive.Store, []string) {
	t.Helper()
	opts := archive.DefaultOptions()
	opts.Extract = extract.New(extract.DefaultOptions()).Extract
	s, err := archive.Open(filepath.Join(t.TempDir(), "browse.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	var ids []string
	for _, c := range fixtures.Captures() {
		r, err := s.Put(ctx, &newsarchive.Page{
			URL: c.URL, FetchedAt: c.FetchedAt, Status: 200,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: c.Body,
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.SnapshotID)
	}
	base := time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC) // after every publication date
	for i := 0; i < n; i++ {
		body := fmt.Sprintf(`<html><head><title>Story %d</title><meta property="article:published_time" content="2025-03-%02dT08:00:00Z"></head>
<body><article><h1>Story number %d about tides</h1><p>%s</p><p>Second paragraph of story %d, long enough to count as text.</p></article></body></html>`,
			i, i%28+1, i, strings.Repeat(fmt.Sprintf("Body words of story %d. ", i), 12), i)
		_, err := s.Put(ctx, &newsarchive.Page{
			URL: fmt.Sprintf("https://other.example/news/story-%d.html", i), FetchedAt: base.Add(time.Duration(i) * time.Hour),
			Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(body),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s, ids
}

func TestListRecords(t *testing.T) {
	s, _ := browseArchive(t, 7)
	ctx := context.Background()
	kelp := fixtures.Captures()[3].Headline
	tests := []struct {
		name string
		opts archive.ListOptions
		want int
	}{
		{"all", archive.ListOptions{}, 8},
		{"site", archive.ListOptions{Site: "WWW.other.example"}, 7},
		{"text", archive.ListOptions{Text: strings.ToUpper(kelp[:12])}, 1},
		{"text none", archive.ListOptions{Text: "no such words"}, 0},
		{"from", archive.ListOptions{Site: "other.example", From: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)}, 3},
		{"range", archive.ListOptions{Site: "other.example", From: time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC),
			To: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := s.ListRecords(ctx, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Records) != tt.want {
				t.Errorf("got %d records, want %d: %+v", len(l.Records), tt.want, l.Records)
			}
		})
	}

	// Paging walks every record once, newest first.
	var seen []string
	opts := archive.ListOptions{Limit: 3}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		l, err := s.ListRecords(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range l.Records {
			seen = append(seen, r.Headline)
		}
		if l.Next == "" {
			break
		}
		opts.Before = l.Next
	}
	if len(seen) != 8 || seen[0] != "Story 6" || seen[7] != kelp {
		t.Errorf("paged through %q", seen)
	}
	if _, err := s.ListRecords(ctx, archive.ListOptions{Before: "x"}); !errors.Is(err, archive.ErrBadCursor) {
		t.Errorf("bad cursor: %v, want ErrBadCursor", err)
	}
}

func TestSnapshotAndNearest(t *testing.T) {
	s, ids := browseArchive(t, 1)
	ctx := context.Background()
	caps := fixtures.Captures()
	snap, err := s.Snapshot(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if string(snap.Body) != string(caps[1].Body) || !snap.FetchedAt.Equal(caps[1].FetchedAt) || snap.RecordID == "" ||
		snap.Header.Get("Content-Type") == "" {
		t.Errorf("snapshot %s: %+v", ids[1], snap)
	}
	for _, id := range []string{"0", "x", "999"} {
		if _, err := s.Snapshot(ctx, id); !errors.Is(err, archive.ErrNotFound) {
			t.Errorf("Snapshot(%q): %v, want ErrNotFound", id, err)
		}
	}

	for i, c := range caps {
		// A little after each capture, and through a tracking-parameter
		// form of the URL, finds that capture.
		got, err := s.NearestSnapshot(ctx, c.URL+"?utm_source=x", c.FetchedAt.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != ids[i] {
			t.Errorf("nearest to capture %s: snapshot %s, want %s", c.Name, got.ID, ids[i])
		}
	}
	if got, err := s.NearestSnapshot(ctx, caps[0].URL, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || got.ID != ids[0] {
		t.Errorf("nearest to 1999: %v, %v", got, err)
	}
	if _, err := s.NearestSnapshot(ctx, "https://never.example/", time.Now()); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("never fetched: %v, want ErrNotFound", err)
	}
}

func TestNearestSnapshotNotArticle(t *testing.T) {
	s, _ := browseArchive(t, 0)
	ctx := context.Background()
	at := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := 0; i < 3; i++ {
		r, err := s.Put(ctx, &newsarchive.Page{
			URL: "https://www.harborledger.example/", FetchedAt: at.Add(time.Duration(i) * 24 * time.Hour), Status: 200,
			Header: http.Header{"Content-Type": {"text/html"}},
			Body:   []byte(fmt.Sprintf(`<html><body><ul><li><a href="/a">A</a></li></ul><p>front page %d</p></body></html>`, i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.SnapshotID)
	}
	got, err := s.NearestSnapshot(ctx, "https://www.harborledger.example", at.Add(30*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != ids[1] || got.RecordID != "" {
		t.Errorf("got snapshot %s (record %q), want %s", got.ID, got.RecordID, ids[1])
	}
}

// BenchmarkListRecords measures a page of the record list on an archive of
// 5,000 records: the newest page, and a headline search that matches one
// record in a hundred (so it scans the whole archive for a page).
func BenchmarkListRecords(b *testing.B) {
	opts := archive.DefaultOptions()
	opts.NoSync = true
	opts.Extract = func(p *newsarchive.Page) (*newsarchive.Article, error) {
		h := string(p.Body)
		id := fnv.New64a()
		id.Write([]byte(p.URL))
		return &newsarchive.Article{ID: fmt.Sprintf("%016x", id.Sum64()), URL: p.URL, URLs: []string{p.URL},
			Site: "bench.example", IsArticle: true, Headline: h, Paragraphs: []string{h}, Body: h, ContentHash: h}, nil
	}
	s, err := archive.Open(filepath.Join(b.TempDir(), "bench.db"), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 5000; i++ {
		headline := fmt.Sprintf("Story %d about the harbour", i)
		if i%100 == 0 {
			headline = fmt.Sprintf("Story %d about kelp", i)
		}
		_, err := s.Put(ctx, &newsarchive.Page{URL: fmt.Sprintf("https://bench.example/%d.html", i),
			FetchedAt: at.Add(time.Duration(i) * time.Minute), Status: 200, Body: []byte(headline)})
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name string
		opts archive.ListOptions
	}{
		{"newest", archive.ListOptions{}},
		{"search", archive.ListOptions{Text: "kelp"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := s.ListRecords(ctx, bc.opts)
				if err != nil || len(l.Records) != 50 {
					b.Fatal(len(l.Records), err)
				}
			}
		})
	}
}

// TestListRecordsHeadlineJSON checks the summary's headline and date are
// read right whatever they contain, and are not fooled by a URL that
// contains a JSON key.
func TestListRecordsHeadlineJSON(t *testing.T) {
	tests := []struct{ url, headline, date string }{
		{`https://x.example/a?q="headline":"fake"`, `Say "hi" \ to <script>alert(1)</script> – ünïcode`, "2025-01-02"},
		{"https://x.example/b", "", ""},
		{"https://x.example/c", `"headline":"nested"`, "2025-01-03T10:00:00Z"},
	}
	opts := archive.DefaultOptions()
	opts.Extract = func(p *newsarchive.Page) (*newsarchive.Article, error) {
		for i, tt := range tests {
			if tt.url == p.URL {
				return &newsarchive.Article{ID: fmt.Sprintf("%016x", i+1), URL: p.URL, Site: "x.example", IsArticle: true,
					Headline: tt.headline, DatePublished: tt.date, ContentHash: p.URL}, nil
			}
		}
		return nil, fmt.Errorf("unexpected %s", p.URL)
	}
	s, err := archive.Open(filepath.Join(t.TempDir(), "h.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for i, tt := range tests {
		if _, err := s.Put(ctx, &newsarchive.Page{URL: tt.url, Status: 200, Body: []byte{byte('a' + i)},
			FetchedAt: time.Date(2025, 2, 1, 0, 0, i, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := s.ListRecords(ctx, archive.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Records) != len(tests) {
		t.Fatalf("%d records", len(l.Records))
	}
	for i, r := range l.Records {
		tt := tests[len(tests)-1-i]
		if r.Headline != tt.headline || r.DatePublished != tt.date {
			t.Errorf("record %s: headline %q date %q, want %q %q", r.URL, r.Headline, r.DatePublished, tt.headline, tt.date)
		}
	}
}
