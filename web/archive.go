package web

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/newsarchive/newsarchive"
)

// Archive is what the server reads: the archive, adapted by cmd. Methods
// return an error wrapping ErrNotFound when nothing matches, and one
// wrapping ErrUnavailable when the archive cannot be read right now. They
// must be safe for concurrent use.
type Archive interface {
	// Records lists records newest first, filtered and paged by q.
	Records(ctx context.Context, q Query) (RecordList, error)
	// Record returns a record (id, or any URL of it) with its archive
	// fields (urls, version, firstSeen, lastSeen, snapshots): version
	// 1 is the first, 0 the latest.
	Record(ctx context.Context, id string, version int) (*newsarchive.Article, error)
	// Versions lists a record's versions, oldest first.
	Versions(ctx context.Context, id string) ([]Version, error)
	// Diff compares two versions of a record word by word (0 for to means
	// the latest, 0 for from the one before to).
	Diff(ctx context.Context, id string, from, to int) (*Diff, error)
	// Snapshot returns one stored fetch with its raw body.
	Snapshot(ctx context.Context, id string) (*Snapshot, error)
	// NearestSnapshot returns the stored fetch of url (any form of it)
	// nearest to at, with its raw body.
	NearestSnapshot(ctx context.Context, url string, at time.Time) (*Snapshot, error)
	// Export writes the records q selects to w as JSONL, one per line,
	// streaming, and returns how many it wrote.
	Export(ctx context.Context, w io.Writer, q ExportQuery) (int, error)
}

// Query filters and pages Archive.Records. The zero value asks for the
// newest records.
type Query struct {
	Site string    // host; empty: all
	Text string    // words in the headline (letter case ignored); empty: all
	From time.Time // published on or after this day; zero: unbounded
	To   time.Time // published on or before this day; zero: unbounded
	// Before is the cursor of a page (RecordList.Next); empty: newest.
	Before string
	// Limit is the page size; zero lets the archive choose.
	Limit int
}

// RecordSummary is one line of the record list.
type RecordSummary struct {
	ID            string    `json:"id"`
	URL           string    `json:"url"`
	Site          string    `json:"site"`
	Headline      string    `json:"headline"`
	DatePublished string    `json:"datePublished"`
	FirstSeen     time.Time `json:"firstSeen"`
	LastSeen      time.Time `json:"lastSeen"`
	Versions      int       `json:"versions"`
}

// RecordList is one page of records.
type RecordList struct {
	Records []RecordSummary `json:"records"`
	// Next is the Query.Before of the next (older) page; empty on the
	// last page.
	Next string `json:"next"`
}

// Version describes one stored version of a record.
type Version struct {
	Version     int       `json:"version"`
	ValidFrom   time.Time `json:"validFrom"`
	SnapshotID  string    `json:"snapshotId"`
	ContentHash string    `json:"contentHash"`
	Headline    string    `json:"headline"`
	Extractor   string    `json:"extractor"`
}

// Diff is the word-level difference between two versions of a record.
type Diff struct {
	ID     string      `json:"id"`
	From   int         `json:"from"`
	To     int         `json:"to"`
	Fields []FieldDiff `json:"fields"` // only the fields that differ
}

// FieldDiff is the difference in one field (its JSON name).
type FieldDiff struct {
	Field string   `json:"field"`
	Ops   []DiffOp `json:"ops"`
}

// DiffOp is a run of text in both versions (Kind "="), only in the newer
// ("+") or only in the older ("-").
type DiffOp struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Snapshot is one stored fetch.
type Snapshot struct {
	ID           string      `json:"id"`
	URL          string      `json:"url"`
	RequestedURL string      `json:"requestedUrl,omitempty"`
	FetchedAt    time.Time   `json:"fetchedAt"`
	Status       int         `json:"status"`
	Header       http.Header `json:"header"`
	RevisitOf    string      `json:"revisitOf,omitempty"`
	RecordID     string      `json:"recordId,omitempty"`
	Version      int         `json:"version,omitempty"`
	ContentHash  string      `json:"contentHash,omitempty"`
	IsArticle    bool        `json:"isArticle"`
	ExtractErr   string      `json:"extractError,omitempty"`
	// Body is the raw body, as the server sent it.
	Body []byte `json:"-"`
}
