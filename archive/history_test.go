package archive_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
)

func TestHistory(t *testing.T) {
	s, _ := MustOpen(t, &fakeExtractor{})
	ctx := context.Background()
	url := "https://news.example/a/story.html"
	if _, _, ok := s.History(url); ok {
		t.Fatal("History of a URL never fetched: ok")
	}
	t2 := day.Add(72 * time.Hour)
	for _, p := range []struct {
		at   time.Time
		date string
	}{{day, "Saturday"}, {t2, "Tuesday"}} {
		if _, err := s.Put(ctx, page(url+"?utm_source=x", p.at, p.date, "", "Story", "One.")); err != nil {
			t.Fatal(err)
		}
	}
	first, last, ok := s.History(url)
	if !ok || !first.Equal(day) || !last.Equal(t2) {
		t.Errorf("History = %v, %v, %v; want %v, %v, true", first, last, ok, day, t2)
	}
	// A URL too long for a bbolt key is found all the same.
	long := "https://news.example/a/" + strings.Repeat("very-long-slug-", 400) + ".html"
	if _, err := s.Put(ctx, page(long, day, "Saturday", "", "Long", "Body.")); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.History(long); !ok {
		t.Error("History of a long URL: not found")
	}
	// A page that makes no record (no headline) has the time of its
	// latest snapshot.
	index := "https://news.example/world/"
	if _, err := s.Put(ctx, page(index, day, "Saturday", "", "")); err != nil {
		t.Fatal(err)
	}
	if first, last, ok := s.History(index); !ok || !first.Equal(day) || !last.Equal(day) {
		t.Errorf("History(index) = %v, %v, %v", first, last, ok)
	}
}

// TestStoredBody: the crawler follows the links of a page that answered
// 304 from the body stored for it, found under any form of its URL, and
// still there after the 304 is stored.
func TestStoredBody(t *testing.T) {
	s, _ := MustOpen(t, &fakeExtractor{})
	ctx := context.Background()
	url := "https://news.example/world/"
	if b := s.StoredBody(url); b != nil {
		t.Fatalf("StoredBody of a URL never fetched: %q", b)
	}
	first := page(url, day, "Saturday", "", "", "Index of the world section.")
	if _, err := s.Put(ctx, first); err != nil {
		t.Fatal(err)
	}
	notModified := &newsarchive.Page{URL: url, FetchedAt: day.Add(time.Hour), Status: http.StatusNotModified, Header: http.Header{}}
	if _, err := s.Put(ctx, notModified); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{url, url + "?utm_source=x"} {
		if got := s.StoredBody(u); !bytes.Equal(got, first.Body) {
			t.Errorf("StoredBody(%s) = %q, want the body of the first fetch", u, got)
		}
	}
}
