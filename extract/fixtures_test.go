package extract_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/extract"
	"github.com/newsarchive/newsarchive/fixtures"
)

// fetch gets one page of the demo site as the crawler would.
func fetch(t *testing.T, base, path string) *newsarchive.Page {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &newsarchive.Page{
		URL: base + path, Status: resp.StatusCode, Header: resp.Header, Body: body,
		// The day the site's header shows as "today".
		FetchedAt: time.Date(2025, 1, 18, 9, 0, 0, 0, time.UTC),
	}
}

// TestDemoSite extracts every article of the bundled demo site and checks
// it against the site's manifest.
func TestDemoSite(t *testing.T) {
	srv := fixtures.NewServer(t)
	x := extract.New(extract.DefaultOptions())
	teasers := fixtures.Teasers()
	for _, want := range fixtures.Articles() {
		t.Run(want.Path, func(t *testing.T) {
			a, err := x.Extract(fetch(t, srv.URL, want.Path))
			if err != nil {
				t.Fatal(err)
			}
			if !a.IsArticle {
				t.Error("not an article")
			}
			if a.Headline != want.Headline {
				t.Errorf("headline = %q, want %q", a.Headline, want.Headline)
			}
			if len(a.DatePublished) < 10 || a.DatePublished[:10] != want.DatePublished {
				t.Errorf("datePublished = %q (%s), want %s (in %s)", a.DatePublished, a.DateSource, want.DatePublished, want.Metadata)
			}
			if a.URL != srv.URL+want.Path {
				t.Errorf("url = %q, want %q", a.URL, srv.URL+want.Path)
			}
			if len(a.Captions) != 1 || normSpace(a.Captions[0].Text) != normSpace(want.Caption) {
				t.Errorf("captions = %+v, want once %q", a.Captions, want.Caption)
			}
			for _, c := range a.Captions {
				if strings.Contains(a.Body, c.Text) {
					t.Errorf("caption %q in body", c.Text)
				}
			}
			for _, s := range teasers {
				if s != "" && strings.Contains(a.Body, s) {
					t.Errorf("teaser text %q in body", s)
				}
			}
			if len(a.Related) == 0 {
				t.Errorf("no related block, want %v", want.Related)
			} else {
				var got []string
				for _, l := range a.Related[0].Links {
					got = append(got, strings.TrimPrefix(l.URL, srv.URL))
				}
				if strings.Join(got, " ") != strings.Join(want.Related, " ") {
					t.Errorf("related = %v, want %v", got, want.Related)
				}
			}
			if strings.Join(a.Paragraphs, "\n") != strings.Join(want.Paragraphs, "\n") {
				t.Errorf("paragraphs differ:\n got %q\nwant %q", a.Paragraphs, want.Paragraphs)
			}
		})
	}
}

// TestDemoSiteNonArticles: home, section, tag and about pages are not
// articles.
func TestDemoSiteNonArticles(t *testing.T) {
	srv := fixtures.NewServer(t)
	x := extract.New(extract.DefaultOptions())
	for _, path := range append(fixtures.NonArticles(), "/no-such-page.html") {
		a, err := x.Extract(fetch(t, srv.URL, path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if a.IsArticle || a.Body != "" {
			t.Errorf("%s: isArticle %v (%d paragraphs)", path, a.IsArticle, len(a.Paragraphs))
		}
	}
}

// TestCaptures: the same article under other header dates and teasers has
// one content hash; the edited capture another.
func TestCaptures(t *testing.T) {
	x := extract.New(extract.DefaultOptions())
	hashes := map[string]string{}
	for _, c := range fixtures.Captures() {
		a, err := x.Extract(&newsarchive.Page{URL: c.URL, Status: 200, FetchedAt: c.FetchedAt, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: c.Body})
		if err != nil {
			t.Fatal(err)
		}
		if a.Headline != c.Headline {
			t.Errorf("%s: headline %q, want %q", c.Name, a.Headline, c.Headline)
		}
		for _, s := range c.Teasers {
			if strings.Contains(a.Body, s) {
				t.Errorf("%s: teaser %q in body", c.Name, s)
			}
		}
		hashes[c.Name] = a.ContentHash
	}
	if hashes["day1"] != hashes["day2"] || hashes["day2"] != hashes["day3"] {
		t.Errorf("one article seen three times has hashes %v", hashes)
	}
	if hashes["edited"] == hashes["day1"] {
		t.Error("the edited capture has the same hash")
	}
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
