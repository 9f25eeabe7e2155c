package crawler

import (
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzSeedParsers(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0"?><urlset><url><loc>https://a.example/1</loc><news:news><news:title>T</news:title><news:publication_date>2024-12-05</news:publication_date></news:news></url></urlset>`,
		`<sitemapindex><sitemap><loc>/s.xml</loc></sitemap></sitemapindex>`,
		`<rss version="2.0"><channel><item><link>/a</link><pubDate>Thu, 05 Dec 2024 09:30:00 GMT</pubDate></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/b"/><updated>2024-12-05T10:00:00Z</updated></entry></feed>`,
		`<?xml version="1.0" encoding="iso-8859-1"?><urlset><url><loc>/caf` + "\xe9" + `</loc></url></urlset>`,
		`<!doctype html><html></html>`, "", "\xef\xbb\xbf<urlset>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var entries []listed
		switch sniffXML(body) {
		case docSitemap:
			entries, _ = parseSitemap(body, false)
		case docSitemapIndex:
			entries, _ = parseSitemap(body, true)
		case docFeed:
			entries, _ = parseFeed(body)
		}
		for _, e := range entries {
			if e.URL == "" {
				t.Errorf("empty URL listed")
			}
			if e.Hint != nil && e.Hint.DatePublished != "" {
				if _, err := time.Parse(time.RFC3339, e.Hint.DatePublished); err != nil {
					if _, err := time.Parse("2006-01-02", e.Hint.DatePublished); err != nil {
						t.Errorf("hint date %q is neither RFC 3339 nor a date", e.Hint.DatePublished)
					}
				}
			}
			if e.Hint != nil && !utf8.ValidString(e.Hint.Headline) && utf8.Valid(body) {
				t.Errorf("hint headline %q not UTF-8 from a UTF-8 body", e.Hint.Headline)
			}
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "-1", "Sat, 18 Jan 2025 12:01:30 GMT", "1e9", ""} {
		f.Add(s)
	}
	now := time.Date(2025, 1, 18, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := retryAfter(v, now)
		if d < 0 || !ok && d != 0 {
			t.Errorf("retryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}
