package archive_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
)

func TestRecordVersionsDiff(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, &fakeExtractor{})
	const u = "https://news.example/story"
	r := MustPut(t, s, page(u, day, "d1", "", "Mayor opens bridge", "The bridge opened on Monday.", "It cost ten million."))
	MustPut(t, s, page(u, day.Add(time.Hour), "d2", "", "Mayor opens bridge", "The bridge opened on Tuesday.", "It cost ten million."))
	MustPut(t, s, page(u, day.Add(2*time.Hour), "d3", "", "Mayor opens new bridge", "The bridge opened on Tuesday.", "It cost ten million."))

	for _, key := range []string{r.RecordID, u, u + "?utm_medium=rss#top"} {
		a, err := s.Record(ctx, key)
		if err != nil {
			t.Fatalf("Record(%q): %v", key, err)
		}
		if a.Version != 3 || a.Headline != "Mayor opens new bridge" || len(a.Snapshots) != 3 {
			t.Errorf("Record(%q): version %d %q, %d snapshots", key, a.Version, a.Headline, len(a.Snapshots))
		}
	}
	v1, err := s.RecordVersion(ctx, r.RecordID, 1)
	if err != nil || v1.Paragraphs[0] != "The bridge opened on Monday." {
		t.Fatalf("version 1: %+v %v", v1, err)
	}
	vs, err := s.Versions(ctx, r.RecordID)
	if err != nil || len(vs) != 3 || vs[0].Version != 1 || !vs[2].ValidFrom.Equal(day.Add(2*time.Hour)) {
		t.Fatalf("versions %+v %v", vs, err)
	}
	d, err := s.Diff(ctx, r.RecordID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Fields) != 1 || d.Fields[0].Field != "paragraphs" {
		t.Fatalf("diff 1→2: %+v", d)
	}
	if got := d.String(); !strings.Contains(got, "[-Monday-]{+Tuesday+}") {
		t.Errorf("diff text:\n%s", got)
	}
	d, err = s.Diff(ctx, u, 0, 0)
	if err != nil || d.From != 2 || d.To != 3 || len(d.Fields) != 1 || !strings.Contains(d.String(), "{+new +}") {
		t.Errorf("diff latest: %v\n%s", err, d)
	}
	for _, key := range []string{"nope", "https://news.example/other"} {
		if _, err := s.Record(ctx, key); !errors.Is(err, archive.ErrNotFound) {
			t.Errorf("Record(%q): %v", key, err)
		}
	}
	if _, err := s.RecordVersion(ctx, u, 9); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("version 9: %v", err)
	}
	if _, err := s.Diff(ctx, u, 0, 1); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("diff before version 1: %v", err)
	}
}

func TestDiffArticles(t *testing.T) {
	tests := []struct {
		name string
		a, b newsarchive.Article
		want string
	}{
		{"same", newsarchive.Article{Headline: "x"}, newsarchive.Article{Headline: "x"}, "(no differences)"},
		{"word changed", newsarchive.Article{Paragraphs: []string{"a b c"}}, newsarchive.Article{Paragraphs: []string{"a x c"}}, "a [-b-]{+x+} c"},
		{"paragraph added", newsarchive.Article{Paragraphs: []string{"one"}}, newsarchive.Article{Paragraphs: []string{"one", "two"}}, "one{+\n\ntwo+}"},
		{"authors", newsarchive.Article{Authors: []string{"A"}}, newsarchive.Article{Authors: []string{"A", "B"}}, "--- authors\nA{+; B+}"},
		{"from empty", newsarchive.Article{}, newsarchive.Article{DatePublished: "2024-12-02"}, "{+2024-12-02+}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := archive.DiffArticles(&tt.a, &tt.b).String()
			if !strings.Contains(got, tt.want) {
				t.Errorf("got\n%s\nwant it to contain %q", got, tt.want)
			}
		})
	}
}

// An article that goes back to its first bytes after an edit gets a new
// version again (extracted afresh), not a revisit of the first fetch.
func TestRevertIsAVersion(t *testing.T) {
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	const u = "https://news.example/revert"
	first := page(u, day, "d", "", "Title", "Original text.")
	MustPut(t, s, first)
	MustPut(t, s, page(u, day.Add(time.Hour), "d", "", "Title", "Edited text."))
	again := *first
	again.FetchedAt = day.Add(2 * time.Hour)
	r := MustPut(t, s, &again)
	if r.Outcome != archive.NewVersion || r.Version != 3 {
		t.Errorf("revert: %v version %d, want a third version", r.Outcome, r.Version)
	}
	a, _ := s.Record(context.Background(), u)
	if a.Paragraphs[0] != "Original text." {
		t.Errorf("latest %q", a.Paragraphs)
	}
	// Byte-identical to the latest now: a plain revisit.
	again2 := again
	again2.FetchedAt = day.Add(3 * time.Hour)
	if r := MustPut(t, s, &again2); r.Outcome != archive.Revisit || r.Version != 3 {
		t.Errorf("revisit after revert: %v version %d", r.Outcome, r.Version)
	}
}

// After a replay, an old body fetched again is read with the archive's
// extractor, not filed under what the old extractor said.
func TestRevisitAfterReplay(t *testing.T) {
	ctx := context.Background()
	f := &fakeExtractor{}
	s, path := MustOpen(t, f)
	const u = "https://news.example/replayed"
	p := page(u, day, "d", "", "Title", "Text.")
	MustPut(t, s, p)
	v2 := func(p *newsarchive.Page) (*newsarchive.Article, error) {
		a, err := f.Extract(p)
		if a != nil {
			a.Headline += " (v2)"
			a.ContentHash += "-v2"
		}
		return a, err
	}
	if rep, err := s.Replay(ctx, archive.ReplayOptions{}, v2); err != nil || rep.NewVersions != 1 {
		t.Fatalf("replay %+v %v", rep, err)
	}
	s.Close()
	opts := archive.DefaultOptions()
	opts.Extract = v2
	s2, err := archive.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	again := *p
	again.FetchedAt = day.Add(time.Hour)
	r, err := s2.Put(ctx, &again)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 || (r.Outcome != archive.Revisit && r.Outcome != archive.Unchanged) {
		t.Errorf("old bytes after replay: %v version %d, want version 2 kept", r.Outcome, r.Version)
	}
}

// A 304 after a replay keeps the replayed version.
func TestNotModifiedAfterReplay(t *testing.T) {
	ctx := context.Background()
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	const u = "https://news.example/nm"
	MustPut(t, s, page(u, day, "d", "", "Title", "Text."))
	MustPut(t, s, page(u+"?ref=x", day.Add(time.Hour), "d", u, "Title", "Text."))
	v2 := func(p *newsarchive.Page) (*newsarchive.Article, error) {
		a, err := f.Extract(p)
		if a != nil {
			a.Headline += " (v2)"
			a.ContentHash += "-v2"
		}
		return a, err
	}
	if rep, err := s.Replay(ctx, archive.ReplayOptions{}, v2); err != nil || rep.NewVersions != 1 {
		t.Fatalf("replay %+v %v", rep, err)
	}
	// The first URL's latest snapshot still says what the old extractor
	// made of it; its 304 must not bring that back.
	r := MustPut(t, s, &newsarchive.Page{URL: u, FetchedAt: day.Add(2 * time.Hour), Status: 304})
	if r.Outcome != archive.Revisit {
		t.Errorf("304: %v", r.Outcome)
	}
	vs, _ := s.Versions(ctx, u)
	a, _ := s.Record(ctx, u)
	if len(vs) != 2 || a.Version != 2 || len(a.Snapshots) != 3 {
		t.Errorf("after 304: %d versions, latest %d, %d snapshots", len(vs), a.Version, len(a.Snapshots))
	}
}
