package archive_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/extract"
	"github.com/newsarchive/newsarchive/fixtures"
)

// The archive's acceptance case, with the real extractor: one article
// fetched on three days (other header dates, other teasers) and once after
// an edit is one record with two versions and four snapshots.
func TestFixtureCaptures(t *testing.T) {
	ctx := context.Background()
	opts := archive.DefaultOptions()
	opts.Extract = extract.New(extract.DefaultOptions()).Extract
	s, err := archive.Open(t.TempDir()+"/captures.db", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	caps := fixtures.Captures()
	if len(caps) != 4 {
		t.Fatalf("%d captures", len(caps))
	}
	want := map[string]archive.Outcome{"day1": archive.NewRecord, "day2": archive.Unchanged, "day3": archive.Unchanged, "edited": archive.NewVersion}
	var id string
	for _, c := range caps {
		r, err := s.Put(ctx, &newsarchive.Page{
			URL: c.URL, FetchedAt: c.FetchedAt, Status: 200,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: c.Body,
		})
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome != want[c.Name] {
			t.Errorf("%s: %v, want %v", c.Name, r.Outcome, want[c.Name])
		}
		if id == "" {
			id = r.RecordID
		} else if r.RecordID != id {
			t.Errorf("%s: record %s, want %s", c.Name, r.RecordID, id)
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 1 || st.Versions != 2 || st.Snapshots != 4 {
		t.Errorf("stats %+v, want 1 record, 2 versions, 4 snapshots", st)
	}
	a, err := s.Record(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != 2 || len(a.Snapshots) != 4 || a.Headline != caps[3].Headline {
		t.Errorf("record: version %d, %d snapshots, headline %q", a.Version, len(a.Snapshots), a.Headline)
	}
	v1, err := s.RecordVersion(ctx, id, 1)
	if err != nil || v1.Headline != caps[0].Headline {
		t.Errorf("version 1: %v %v", v1, err)
	}
	d, err := s.Diff(ctx, id, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	changed := map[string]bool{}
	for _, f := range d.Fields {
		changed[f.Field] = true
	}
	if !changed["headline"] || !changed["paragraphs"] {
		t.Errorf("diff fields %v, want headline and paragraphs:\n%s", changed, d)
	}
	for _, c := range caps[:3] {
		for _, teaser := range c.Teasers {
			for _, p := range a.Paragraphs {
				if p == teaser {
					t.Errorf("teaser %q in the body", teaser)
				}
			}
		}
	}
}
