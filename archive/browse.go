package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// This file holds the read-only queries of the browsing UI (newsarchive
// serve): a filtered, paged list of records, one snapshot with its raw body,
// and the snapshot of a URL nearest a time. Like Export, they read in short
// transactions and copy everything out before the transaction ends, so they
// run while another goroutine of this process Puts.

// ErrBadCursor is returned by ListRecords when ListOptions.Before is not a
// cursor it gave out. (It lives here rather than in errors.go only because
// this file was added while errors.go was being edited.)
var ErrBadCursor = errors.New("bad record list cursor")

// browseChunk is how many records or snapshots one read transaction of a
// browsing query scans before it lets a writer in.
const browseChunk = 1024

// ListOptions filter and page ListRecords. The zero value lists the newest
// records first, DefaultListLimit of them.
type ListOptions struct {
	// Site keeps records of one host ("www." and letter case ignored).
	// Empty keeps all.
	Site string
	// Text keeps records whose latest headline contains Text (letter case
	// ignored). Empty keeps all.
	Text string
	// From and To keep records published in [From, To] (whole days,
	// compared on the date part of datePublished; a record without a
	// publication date is compared by its firstSeen day). Zero means
	// unbounded.
	From, To time.Time
	// Before is the cursor of a page: RecordList.Next of the previous
	// page. Empty starts with the newest record.
	Before string
	// Limit is how many records a page holds. Zero or less means
	// DefaultListLimit; more than MaxListLimit means MaxListLimit.
	Limit int
}

// Limits of ListOptions.Limit.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
)

// RecordSummary is one line of a record list: the record's head and the
// latest version's headline and publication date.
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

// RecordList is one page of ListRecords.
type RecordList struct {
	Records []RecordSummary `json:"records"`
	// Next is the ListOptions.Before of the next (older) page, or empty
	// when this page is the last.
	Next string `json:"next"`
}

// ListRecords lists records newest first (in the order they were made,
// reversed), filtered by opts, one page at a time. It scans in short read
// transactions: its cost grows with the records it skips, not with the
// archive.
func (s *Store) ListRecords(ctx context.Context, opts ListOptions) (RecordList, error) {
	limit := opts.Limit
	switch {
	case limit <= 0:
		limit = DefaultListLimit
	case limit > MaxListLimit:
		limit = MaxListLimit
	}
	var before uint64 // 0: start after the newest record
	if opts.Before != "" {
		n, err := strconv.ParseUint(opts.Before, 10, 64)
		if err != nil || n == 0 {
			return RecordList{}, fmt.Errorf("archive: list records: %w %q", ErrBadCursor, opts.Before)
		}
		before = n
	}
	site := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(opts.Site)), "www.")
	text := strings.ToLower(strings.TrimSpace(opts.Text))
	from, to := dayOf(opts.From), dayOf(opts.To)
	out := RecordList{Records: []RecordSummary{}}
	for {
		if err := ctx.Err(); err != nil {
			return RecordList{}, err
		}
		done := true
		err := s.view(func(tx *bolt.Tx) error {
			cur := tx.Bucket(bucketRecords).Cursor()
			var k, v []byte
			if before == 0 {
				k, v = cur.Last()
			} else {
				if k, _ = cur.Seek(u64key(before)); k == nil {
					k, v = cur.Last() // every key is older than the cursor
				} else {
					k, v = cur.Prev()
				}
			}
			for scanned := 0; k != nil; k, v = cur.Prev() {
				seq := keyU64(k)
				if len(out.Records) == limit {
					// There is at least one older record: the page
					// ends here.
					out.Next = strconv.FormatUint(before, 10)
					return nil
				}
				if scanned == browseChunk {
					done = false
					return nil
				}
				scanned++
				before = seq
				rec, err := decodeRecord(v)
				if err != nil {
					return fmt.Errorf("record %d: %w", seq, err)
				}
				if site != "" && strings.TrimPrefix(strings.ToLower(rec.Site), "www.") != site {
					continue
				}
				sum, err := summarize(tx, seq, rec)
				if err != nil {
					return err
				}
				if text != "" && !strings.Contains(strings.ToLower(sum.Headline), text) {
					continue
				}
				if from != "" || to != "" {
					day := sum.DatePublished
					if len(day) >= 10 {
						day = day[:10]
					} else {
						day = dayOf(rec.FirstSeen)
					}
					if (from != "" && day < from) || (to != "" && day > to) {
						continue
					}
				}
				out.Records = append(out.Records, sum)
			}
			return nil
		})
		if err != nil {
			return RecordList{}, fmt.Errorf("archive: list records: %w", err)
		}
		if done {
			return out, nil
		}
	}
}

// dayOf returns t's UTC date as "YYYY-MM-DD", or "" for the zero time.
func dayOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// summarize reads a record's latest headline and publication date.
func summarize(tx *bolt.Tx, seq uint64, rec *record) (RecordSummary, error) {
	sum := RecordSummary{
		ID: rec.ID, URL: rec.URL, Site: rec.Site,
		FirstSeen: rec.FirstSeen, LastSeen: rec.LastSeen, Versions: rec.Versions,
	}
	v := tx.Bucket(bucketVersions).Get(versionKey(seq, rec.Versions))
	if v == nil {
		return sum, fmt.Errorf("%w: record %s version %d missing", ErrCorrupt, rec.ID, rec.Versions)
	}
	ver, err := decodeVersion(v)
	if err != nil {
		return sum, err
	}
	if sum.Headline, sum.DatePublished, err = headlineAndDate(ver.Article); err != nil {
		return sum, fmt.Errorf("%w: record %s version %d: %v", ErrCorrupt, rec.ID, rec.Versions, err)
	}
	return sum, nil
}

// headlineAndDate reads the headline and datePublished of an article's
// JSON without decoding the rest: a headline search reads every record.
// The keys are found by their text: in valid JSON a quote inside a string
// is escaped, so `"headline":` can only be a key, and no object nested in
// an article has a key of either name.
func headlineAndDate(js []byte) (headline, date string, err error) {
	if headline, err = jsonStringField(js, "headline"); err != nil {
		return "", "", err
	}
	date, err = jsonStringField(js, "datePublished")
	return headline, date, err
}

// jsonStringField returns the value of the string (or null) field key of
// the JSON object js; "" when the field is absent or null.
func jsonStringField(js []byte, key string) (string, error) {
	i := bytes.Index(js, []byte(`"`+key+`":`))
	if i < 0 {
		return "", nil
	}
	rest := bytes.TrimLeft(js[i+len(key)+3:], " \t\r\n")
	if bytes.HasPrefix(rest, []byte("null")) {
		return "", nil
	}
	if len(rest) == 0 || rest[0] != '"' {
		return "", fmt.Errorf("field %s is not a string", key)
	}
	escaped := false
	for j := 1; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return string(rest[1:j]), nil
			}
			var v string
			err := json.Unmarshal(rest[:j+1], &v)
			return v, err
		}
	}
	return "", fmt.Errorf("field %s: unterminated string", key)
}

// Snapshot is one stored fetch with its raw body, as the browsing UI
// replays it.
type Snapshot struct {
	ID           string      `json:"id"`
	URL          string      `json:"url"`                    // URL the body came from
	RequestedURL string      `json:"requestedUrl,omitempty"` // URL asked for before redirects
	FetchedAt    time.Time   `json:"fetchedAt"`
	Status       int         `json:"status"`
	Header       http.Header `json:"header"`
	// RevisitOf is the earlier snapshot whose body this one shares (an
	// identical body, or a 304), or empty. The Header of a 304 is the
	// revisited response's when the 304 carried no Content-Type.
	RevisitOf   string `json:"revisitOf,omitempty"`
	RecordID    string `json:"recordId,omitempty"` // record the snapshot belongs to
	Version     int    `json:"version,omitempty"`  // record version it showed
	ContentHash string `json:"contentHash,omitempty"`
	IsArticle   bool   `json:"isArticle"`
	ExtractErr  string `json:"extractError,omitempty"`
	// Body is the raw body, undecoded; nil when the fetch had none.
	Body []byte `json:"-"`
}

// Snapshot returns the snapshot with the given id (the id of PutResult and
// of an exported record's snapshots) with its raw body. ErrNotFound when
// there is none.
func (s *Store) Snapshot(ctx context.Context, id string) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 {
		return nil, fmt.Errorf("archive: snapshot %q: %w", id, ErrNotFound)
	}
	var out *Snapshot
	err = s.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSnapshots).Get(u64key(n)) == nil {
			return fmt.Errorf("snapshot %s: %w", id, ErrNotFound)
		}
		out, err = s.loadSnapshot(tx, n)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return out, nil
}

// loadSnapshot reads snapshot n and its body inside tx, copying everything
// out.
func (s *Store) loadSnapshot(tx *bolt.Tx, n uint64) (*Snapshot, error) {
	snap, err := getSnapshot(tx, n)
	if err != nil {
		return nil, err
	}
	out := &Snapshot{
		ID: strconv.FormatUint(n, 10), URL: snap.URL, RequestedURL: snap.RequestedURL,
		FetchedAt: snap.FetchedAt, Status: snap.Status, Header: snap.Header.Clone(),
		Version: snap.Version, ContentHash: snap.ContentHash, IsArticle: snap.IsArticle,
		ExtractErr: snap.ExtractErr,
	}
	if out.Header == nil {
		out.Header = http.Header{}
	}
	if snap.RevisitOf != 0 {
		out.RevisitOf = strconv.FormatUint(snap.RevisitOf, 10)
		if out.Header.Get("Content-Type") == "" {
			if prev, err := getSnapshot(tx, snap.RevisitOf); err == nil && prev.Header.Get("Content-Type") != "" {
				out.Header.Set("Content-Type", prev.Header.Get("Content-Type"))
			}
		}
	}
	if snap.Record != 0 {
		rec, err := getRecord(tx, snap.Record)
		if err != nil {
			return nil, err
		}
		out.RecordID = rec.ID
	}
	if out.Body, err = s.readBody(tx, snap.BodyID); err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", n, err)
	}
	return out, nil
}

// NearestSnapshot returns the snapshot of url (any form that normalises to
// it, or any URL of the record it belongs to) fetched nearest to at, with
// its raw body: the wayback rule for /web/<timestamp>/<url>. Times are
// compared to the second; of two equally near, the earlier wins. Only
// snapshots with a body are considered. ErrNotFound when the URL was never
// fetched with a body.
//
// A URL of an article record is found through the record's snapshot refs;
// any other URL (an index page, a 404) by scanning the snapshots, in short
// transactions: that costs time in proportion to the archive.
func (s *Store) NearestSnapshot(ctx context.Context, url string, at time.Time) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	norm := normURL(url)
	at = at.Truncate(time.Second)
	var best uint64
	var bestAt time.Time
	consider := func(id uint64, fetched time.Time) {
		if best == 0 || nearer(fetched, bestAt, at) {
			best, bestAt = id, fetched
		}
	}
	found := false
	err := s.view(func(tx *bolt.Tx) error {
		e, err := getURL(tx, indexKey(norm))
		if err != nil || e.Record == 0 {
			return err
		}
		found = true
		prefix := u64key(e.Record)
		cur := tx.Bucket(bucketRefs).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			id := keyU64(k[8:])
			snap, err := getSnapshot(tx, id)
			if err != nil {
				return err
			}
			if snap.BodyID == 0 {
				continue
			}
			consider(id, snap.FetchedAt)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive: snapshot of %s: %w", url, err)
	}
	if !found || best == 0 {
		if err := s.scanSnapshots(ctx, norm, consider); err != nil {
			return nil, fmt.Errorf("archive: snapshot of %s: %w", url, err)
		}
	}
	if best == 0 {
		return nil, fmt.Errorf("archive: snapshot of %s: %w", url, ErrNotFound)
	}
	var out *Snapshot
	err = s.view(func(tx *bolt.Tx) error {
		out, err = s.loadSnapshot(tx, best)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return out, nil
}

// scanSnapshots calls consider for every snapshot with a body whose URL or
// requested URL normalises to norm, browseChunk snapshots per transaction.
func (s *Store) scanSnapshots(ctx context.Context, norm string, consider func(uint64, time.Time)) error {
	var after uint64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		done := true
		err := s.view(func(tx *bolt.Tx) error {
			cur := tx.Bucket(bucketSnapshots).Cursor()
			n := 0
			for k, v := cur.Seek(u64key(after + 1)); k != nil; k, v = cur.Next() {
				if n == browseChunk {
					done = false
					return nil
				}
				n++
				after = keyU64(k)
				snap, err := decodeSnapshot(v)
				if err != nil {
					return fmt.Errorf("snapshot %d: %w", after, err)
				}
				if snap.BodyID == 0 {
					continue
				}
				if normURL(snap.URL) == norm || (snap.RequestedURL != "" && normURL(snap.RequestedURL) == norm) {
					consider(after, snap.FetchedAt)
				}
			}
			return nil
		})
		if err != nil || done {
			return err
		}
	}
}

// nearer reports whether a is strictly nearer to at than b, to the
// second; on a tie the earlier time wins.
func nearer(a, b, at time.Time) bool {
	da, db := absDur(a.Truncate(time.Second).Sub(at)), absDur(b.Truncate(time.Second).Sub(at))
	if da != db {
		return da < db
	}
	return a.Before(b)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
