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
