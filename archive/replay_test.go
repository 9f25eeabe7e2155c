package archive_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
)

// Replay extracts on every CPU, one page per CPU at once, and reports as
// it would one page at a time.
func TestReplayExtractsOnEveryCPU(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	for i := range 12 {
		MustPut(t, s, page(fmt.Sprintf("https://a.example/%d", i), day, "d1", "", fmt.Sprint("H", i), "p"))
	}
	slow, most := slowCounted(f.Extract)
	rep, err := s.Replay(context.Background(), archive.ReplayOptions{}, slow)
	if err != nil {
		t.Fatal(err)
	}
	if m := most(); m != 2 {
		t.Errorf("%d pages extracted at once, want 2 (GOMAXPROCS)", m)
	}
	if rep.Records != 12 || rep.Snapshots != 12 || rep.Changed != 0 || rep.Errors != 0 {
		t.Errorf("report %+v, want 12 records and snapshots replayed, nothing changed", rep)
	}
}

func TestReplay(t *testing.T) {
	ctx := context.Background()
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	MustPut(t, s, page("https://a.example/1", day, "d1", "", "One", "p1"))
	MustPut(t, s, page("https://a.example/1", day.Add(time.Hour), "d2", "", "One", "p1"))
	MustPut(t, s, page("https://a.example/2", day, "d1", "", "Two", "p2"))
	MustPut(t, s, page("https://b.example/3", day, "d1", "", "Three", "p3"))
	MustPut(t, s, page("https://a.example/stub", day, "d1", "", "", "teaser only"))

	// The new extractor dates every article, rewrites article 2's body
	// and recognises the stub as an article.
	v2 := func(p *newsarchive.Page) (*newsarchive.Article, error) {
		a, err := f.Extract(p)
		if err != nil {
			return nil, err
		}
		a.DatePublished = "2024-12-02"
		a.Extractor = "fake/2"
		if strings.HasSuffix(p.URL, "/2") {
			a.Paragraphs = []string{"p2 without the teaser"}
			a.ContentHash = "changed"
		}
		if strings.HasSuffix(p.URL, "/stub") {
			a.IsArticle, a.Headline, a.ContentHash = true, "Stub", "stub"
		}
		return a, nil
	}
	dry, err := s.Replay(ctx, archive.ReplayOptions{DryRun: true}, v2)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Replay(ctx, archive.ReplayOptions{}, v2)
	if err != nil {
		t.Fatal(err)
	}
	want := archive.ReplayReport{Records: 3, Snapshots: 4, Changed: 3, NewVersions: 1, Updated: 2, NewRecords: 1}
	for name, got := range map[string]archive.ReplayReport{"dry run": dry, "replay": rep} {
		if got.Records != want.Records || got.Snapshots != want.Snapshots || got.Changed != want.Changed ||
			got.NewVersions != want.NewVersions || got.Updated != want.Updated || got.NewRecords != want.NewRecords {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
		if got.Fields["datePublished"] != 3 || got.Fields["paragraphs"] != 1 || got.Fields["headline"] != 0 {
			t.Errorf("%s: fields %v", name, got.Fields)
		}
	}
	recs := exportAll(t, s, archive.ExportOptions{})
	if len(recs) != 4 {
		t.Fatalf("%d records after replay, want 4", len(recs))
	}
	for _, a := range recs {
		if a.DatePublished != "2024-12-02" || a.Extractor != "fake/2" {
			t.Errorf("%s not replayed: %+v", a.URL, a)
		}
	}
	if vs, _ := s.Versions(ctx, "https://a.example/2"); len(vs) != 2 || vs[0].Extractor != "fake/1" {
		t.Errorf("article 2 versions %+v, want the old one kept", vs)
	}
	if vs, _ := s.Versions(ctx, "https://a.example/1"); len(vs) != 1 {
		t.Errorf("article 1 versions %+v, want one (only dates changed)", vs)
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
	// A second replay finds nothing to do.
	again, err := s.Replay(ctx, archive.ReplayOptions{}, v2)
	if err != nil || again.Changed != 0 || again.NewRecords != 0 {
		t.Errorf("second replay %+v %v", again, err)
	}
	// Filters.
	site, err := s.Replay(ctx, archive.ReplayOptions{Site: "b.example"}, f.Extract)
	if err != nil || site.Records != 1 {
		t.Errorf("site filter: %+v %v", site, err)
	}
	since, err := s.Replay(ctx, archive.ReplayOptions{Since: day.Add(30 * time.Minute)}, f.Extract)
	if err != nil || since.Records != 1 {
		t.Errorf("since filter: %+v %v", since, err)
	}
}

// TestReplayKeepsHints: the dates and titles a feed or news sitemap gave
// for a URL are stored with its snapshot, so that extracting it again
// sees them as the crawl's extraction did; without them, replay drops a
// date that only the feed knew.
func TestReplayKeepsHints(t *testing.T) {
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	hints := []newsarchive.Hint{
		{Source: "feed", Headline: "One", DatePublished: "2025-06-03T08:15:00Z"},
		{Source: "sitemap", DatePublished: "2025-06-03"},
	}
	p := page("https://a.example/1", day, "d1", "", "One", "p1")
	p.Hints = hints
	MustPut(t, s, p)
	MustPut(t, s, page("https://a.example/2", day, "d1", "", "Two", "p2"))
	var mu sync.Mutex
	seen := map[string][]newsarchive.Hint{}
	rec := func(p *newsarchive.Page) (*newsarchive.Article, error) {
		mu.Lock()
		seen[p.URL] = p.Hints
		mu.Unlock()
		return f.Extract(p)
	}
	if _, err := s.Replay(context.Background(), archive.ReplayOptions{DryRun: true}, rec); err != nil {
		t.Fatal(err)
	}
	if got := seen["https://a.example/1"]; !slices.Equal(got, hints) {
		t.Errorf("replay gave the extractor hints %+v, want %+v", got, hints)
	}
	if got := seen["https://a.example/2"]; len(got) != 0 {
		t.Errorf("a page without hints replayed with %+v", got)
	}
}
