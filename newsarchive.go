// Package newsarchive holds the domain types shared by the pipeline:
// a Page is one fetch of one URL (what the crawler produces and the archive
// stores as a snapshot), an Article is the record the extractor makes of a
// page (what the archive deduplicates, versions and exports).
//
// The package has no dependencies beyond the standard library. The packages
// that do the work live below it: crawler (fetching), extract (Page →
// Article), archive (storage) and cmd/newsarchive (the command line that
// wires them together).
package newsarchive

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// Page is one fetch of one URL: what the server answered, as it answered it.
type Page struct {
	// URL is the URL whose response Body is: after redirects, if any.
	URL string
	// RequestedURL is the URL that was asked for when a redirect led to URL;
	// empty when no redirect happened.
	RequestedURL string
	// FetchedAt is when the response arrived.
	FetchedAt time.Time
	// Status is the HTTP status code. 304 means the page did not change
	// since the validators sent (Body is then empty).
	Status int
	// Header is the response header.
	Header http.Header
	// Body is the raw response body, undecoded (its charset is whatever the
	// server sent).
	Body []byte

	// Hints are facts that a feed or a news sitemap gave for this URL
	// before it was fetched. The extractor uses them when the page itself
	// says nothing better.
	Hints []Hint

	// SiteBlocks, when set, counts on how many earlier pages of the same
	// host each text-block fingerprint (see Article.Blocks) was seen;
	// SitePages is how many pages were counted. A block that recurs on many
	// pages of a site is boilerplate. Filled by the archive from what it has
	// learned about the host; nil means no profile, and extraction works
	// from the page alone.
	SiteBlocks map[uint64]int
	SitePages  int
}

// Hint is one fact about a URL that came from outside the page.
type Hint struct {
	// Source names where the hint came from: "feed" or "sitemap".
	Source string
	// Headline is the title the feed or sitemap gave, or empty.
	Headline string
	// DatePublished is the publication time it gave (RFC 3339), or empty.
	DatePublished string
}

// Article is the record extracted from a page. Field names and JSON names
// follow schema.org's NewsArticle where one exists; see MarshalJSON for how
// absent values are written.
type Article struct {
	ID        string   // stable id, derived from the canonical URL
	URL       string   // canonical URL
	URLs      []string // every URL the article was fetched under (export only)
	Site      string   // host name
	IsArticle bool     // false for index, tag, search, 404 and paywall-stub pages

	Headline      string
	DatePublished string // RFC 3339, or "YYYY-MM-DD" when no time is known
	DateModified  string // RFC 3339, or empty
	DateSource    string // where DatePublished came from: json-ld | meta | time | text | url | feed | sitemap
	Authors       []string
	Section       string
	Language      string
	Description   string
	Image         string

	Captions   []Caption      // each distinct caption once, in page order
	Paragraphs []string       // body paragraphs in order
	Body       string         // Paragraphs joined by "\n\n"
	Related    []RelatedBlock // article-specific link blocks

	ContentHash string // hash of the normalised headline + paragraphs + captions

	// Archive fields, filled on export.
	Version   int
	FirstSeen time.Time
	LastSeen  time.Time
	Snapshots []SnapshotRef

	Extractor string // name/version of the extractor that made the record

	// File is the input file the record was extracted from (extract of many
	// files only); Error says why that file gave no record.
	File  string
	Error string

	// Blocks are fingerprints of the page's text blocks, for learning which
	// blocks repeat across a site. Not part of the record.
	Blocks []uint64
}

// Caption is an image caption.
type Caption struct {
	Text  string `json:"text"`
	Image string `json:"image"`
}

// RelatedBlock is an article-specific block of links, such as "Related
// Articles" or an in-body "See also".
type RelatedBlock struct {
	Label string `json:"label"`
	Links []Link `json:"links"`
}

// Link is one link of a RelatedBlock.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// SnapshotRef points at one stored fetch of an article.
type SnapshotRef struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	FetchedAt   time.Time `json:"fetchedAt"`
	Status      int       `json:"status"`
	ContentHash string    `json:"contentHash"`
}

// articleJSON is the wire form of Article: absent strings are null, absent
// lists are [], archive-only fields are left out when unset.
type articleJSON struct {
	ID            string         `json:"id"`
	URL           string         `json:"url"`
	URLs          []string       `json:"urls,omitempty"`
	Site          string         `json:"site"`
	IsArticle     bool           `json:"isArticle"`
	Headline      *string        `json:"headline"`
	DatePublished *string        `json:"datePublished"`
	DateModified  *string        `json:"dateModified"`
	DateSource    *string        `json:"dateSource"`
	Authors       []string       `json:"authors"`
	Section       *string        `json:"section"`
	Language      *string        `json:"language"`
	Description   *string        `json:"description"`
	Image         *string        `json:"image"`
	Captions      []Caption      `json:"captions"`
	Paragraphs    []string       `json:"paragraphs"`
	Body          string         `json:"body"`
	Related       []RelatedBlock `json:"related"`
	ContentHash   string         `json:"contentHash"`
	Version       int            `json:"version,omitempty"`
	FirstSeen     *time.Time     `json:"firstSeen,omitempty"`
	LastSeen      *time.Time     `json:"lastSeen,omitempty"`
	Snapshots     []SnapshotRef  `json:"snapshots,omitempty"`
	Extractor     string         `json:"extractor"`
	File          string         `json:"file,omitempty"`
	Error         string         `json:"error,omitempty"`
}

// MarshalJSON writes the record with the field names of MISSION.md: an
// absent string is null and an absent list is [], never an invented value.
func (a Article) MarshalJSON() ([]byte, error) {
	w := articleJSON{
		ID: a.ID, URL: a.URL, URLs: a.URLs, Site: a.Site, IsArticle: a.IsArticle,
		Headline: nullable(a.Headline), DatePublished: nullable(a.DatePublished),
		DateModified: nullable(a.DateModified), DateSource: nullable(a.DateSource),
		Authors: orEmpty(a.Authors), Section: nullable(a.Section), Language: nullable(a.Language),
		Description: nullable(a.Description), Image: nullable(a.Image),
		Captions: orEmpty(a.Captions), Paragraphs: orEmpty(a.Paragraphs), Body: a.Body,
		Related: orEmpty(a.Related), ContentHash: a.ContentHash,
		Version: a.Version, Snapshots: a.Snapshots, Extractor: a.Extractor,
		File: a.File, Error: a.Error,
	}
	if !a.FirstSeen.IsZero() {
		w.FirstSeen = &a.FirstSeen
	}
	if !a.LastSeen.IsZero() {
		w.LastSeen = &a.LastSeen
	}
	// Not json.Marshal: records are data, not HTML, and a URL's & should
	// read as & (an Encoder's own SetEscapeHTML cannot undo it here).
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (a *Article) UnmarshalJSON(b []byte) error {
	var w articleJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = Article{
		ID: w.ID, URL: w.URL, URLs: w.URLs, Site: w.Site, IsArticle: w.IsArticle,
		Headline: deref(w.Headline), DatePublished: deref(w.DatePublished),
		DateModified: deref(w.DateModified), DateSource: deref(w.DateSource),
		Authors: w.Authors, Section: deref(w.Section), Language: deref(w.Language),
		Description: deref(w.Description), Image: deref(w.Image),
		Captions: w.Captions, Paragraphs: w.Paragraphs, Body: w.Body, Related: w.Related,
		ContentHash: w.ContentHash, Version: w.Version, Snapshots: w.Snapshots,
		Extractor: w.Extractor, File: w.File, Error: w.Error,
	}
	if w.FirstSeen != nil {
		a.FirstSeen = *w.FirstSeen
	}
	if w.LastSeen != nil {
		a.LastSeen = *w.LastSeen
	}
	return nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
