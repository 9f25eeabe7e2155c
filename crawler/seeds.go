package crawler

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"io"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"

	"github.com/newsarchive/newsarchive"
)

// docType is what a fetched seed turned out to be.
type docType int

const (
	docOther        docType = iota // not a sitemap or feed
	docSitemap                     // <urlset>
	docSitemapIndex                // <sitemapindex>
	docFeed                        // <rss>, <feed>, <rdf:RDF>
)

// sniffXML looks at the root element of an XML body. Bodies that do not
// start like XML are docOther without parsing.
func sniffXML(body []byte) docType {
	b := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) == 0 || b[0] != '<' {
		return docOther
	}
	// HTML documents are not worth an XML parse.
	if len(b) > 15 && (bytes.EqualFold(b[:9], []byte("<!doctype")) || bytes.EqualFold(b[:5], []byte("<html"))) {
		return docOther
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	for range 64 { // the root comes after at most a few prologue tokens
		tok, err := d.Token()
		if err != nil {
			return docOther
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch strings.ToLower(se.Name.Local) {
			case "urlset":
				return docSitemap
			case "sitemapindex":
				return docSitemapIndex
			case "rss", "feed", "rdf":
				return docFeed
			}
			return docOther
		}
	}
	return docOther
}

// gunzipFeed inflates a body that is still gzip, up to maxFeedBytes;
// false when it is not gzip or does not inflate.
func gunzipFeed(body []byte) ([]byte, bool) {
	if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		return nil, false
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxFeedBytes+1))
	if err != nil || len(out) > maxFeedBytes {
		return nil, false
	}
	return out, true
}

// listed is one URL a sitemap or feed listed, with what it said about it.
type listed struct {
	URL  string
	Hint *newsarchive.Hint
}

// parseSitemap streams the <url> (or, for an index, <sitemap>) entries of a
// sitemap. News sitemap entries give a Hint with their title and
// publication date. Entries are read one at a time, so a large sitemap
// costs one entry of memory beyond its body.
func parseSitemap(body []byte, index bool) ([]listed, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	entry := "url"
	if index {
		entry = "sitemap"
	}
	var out []listed
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != entry {
			continue
		}
		var e struct {
			Loc  string `xml:"loc"`
			News struct {
				Title           string `xml:"title"`
				PublicationDate string `xml:"publication_date"`
			} `xml:"news"`
		}
		if err := d.DecodeElement(&e, &se); err != nil {
			return out, err
		}
		loc := strings.TrimSpace(e.Loc)
		if loc == "" {
			continue
		}
		l := listed{URL: loc}
		title := strings.TrimSpace(e.News.Title)
		date := normalizeDate(e.News.PublicationDate)
		if title != "" || date != "" {
			l.Hint = &newsarchive.Hint{Source: "sitemap", Headline: title, DatePublished: date}
		}
		out = append(out, l)
	}
}

// parseFeed reads an RSS, Atom or RDF feed; each item's link comes with a
// Hint holding its title and publication date.
func parseFeed(body []byte) ([]listed, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	var out []listed
	for _, it := range f.Items {
		link := strings.TrimSpace(it.Link)
		if link == "" && len(it.Links) > 0 {
			link = strings.TrimSpace(it.Links[0])
		}
		if link == "" {
			continue
		}
		h := &newsarchive.Hint{Source: "feed", Headline: strings.TrimSpace(it.Title)}
		switch {
		case it.PublishedParsed != nil:
			h.DatePublished = it.PublishedParsed.Format(time.RFC3339)
		case it.UpdatedParsed != nil:
			h.DatePublished = it.UpdatedParsed.Format(time.RFC3339)
		}
		if h.Headline == "" && h.DatePublished == "" {
			h = nil
		}
		out = append(out, listed{URL: link, Hint: h})
	}
	return out, nil
}

// normalizeDate turns a W3C datetime (what sitemaps use) into RFC 3339, or
// "YYYY-MM-DD" when only a date is given; anything else gives "".
func normalizeDate(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("2006-01-02")
	}
	return ""
}
