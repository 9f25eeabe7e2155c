package archive

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	bolt "go.etcd.io/bbolt"
)

// ExportOptions filter Export. The zero value exports every record as it
// stands now.
type ExportOptions struct {
	// Since keeps records seen (LastSeen) at or after Since. Zero keeps all.
	Since time.Time
	// Site keeps records of one host ("www." and letter case ignored).
	// Empty keeps all.
	Site string
	// AsOf exports each record as it stood at AsOf: the version current
	// then, the snapshots fetched until then, the URLs fetched until then,
	// LastSeen then; records first seen after AsOf are left out. Zero
	// exports the latest state.
	AsOf time.Time
}

// exportChunk is how many records one read transaction of Export covers:
// short transactions keep writers (whose file may need to grow) moving.
const exportChunk = 512

// Export writes one JSON record per line (newsarchive.Article's JSON with
// the archive fields urls, version, firstSeen, lastSeen and snapshots) in
// the order the records were made, and returns how many it wrote. It
// streams: memory does not grow with the archive, and it reads in short
// transactions, so it runs while another goroutine of this process Puts.
// The records are the ones filed as articles: pages the extractor said are
// not articles have snapshots, not records.
func (s *Store) Export(ctx context.Context, w io.Writer, opts ExportOptions) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	site := strings.TrimPrefix(strings.ToLower(opts.Site), "www.")
	n := 0
	err := s.eachRecord(ctx, func(tx *bolt.Tx, seq uint64, rec *record, buf *bytes.Buffer) error {
		if site != "" && strings.TrimPrefix(strings.ToLower(rec.Site), "www.") != site &&
			urlnorm.Host(rec.URL) != site {
			return nil
		}
		if opts.AsOf.IsZero() && !opts.Since.IsZero() && rec.LastSeen.Before(opts.Since) {
			return nil
		}
		rv, err := viewRecord(tx, seq, rec, 0, opts.AsOf)
		if err != nil || rv == nil {
			return err
		}
		if !opts.Since.IsZero() && rv.lastSeen.Before(opts.Since) {
			return nil
		}
		if err := rv.appendJSON(buf); err != nil {
			return err
		}
		buf.WriteByte('\n')
		n++
		return nil
	}, func(buf []byte) error {
		_, err := bw.Write(buf)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("archive: export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("archive: export: %w", err)
	}
	return n, nil
}

// eachRecord calls fn for every record in order, exportChunk records per
// read transaction; what fn writes to buf is handed to flush after the
// transaction ended.
func (s *Store) eachRecord(ctx context.Context, fn func(tx *bolt.Tx, seq uint64, rec *record, buf *bytes.Buffer) error,
	flush func([]byte) error) error {
	var after uint64
	var buf bytes.Buffer
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		buf.Reset()
		done := true
		err := s.view(func(tx *bolt.Tx) error {
			cur := tx.Bucket(bucketRecords).Cursor()
			k, v := cur.Seek(u64key(after + 1))
			for i := 0; k != nil; k, v = cur.Next() {
				if i == exportChunk {
					done = false
					return nil
				}
				i++
				seq := keyU64(k)
				after = seq
				rec, err := decodeRecord(v)
				if err != nil {
					return fmt.Errorf("record %d: %w", seq, err)
				}
				if err := fn(tx, seq, rec, &buf); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		s.chunkRead()
		if buf.Len() > 0 {
			if err := flush(buf.Bytes()); err != nil {
				return err
			}
		}
		if done {
			return nil
		}
	}
}

// recordView is a record as it stood at some time: the version current
// then and the snapshots fetched until then.
type recordView struct {
	rec       *record
	ver       *version
	version   int
	lastSeen  time.Time
	urls      []string // the record's URLs (as of the view's time)
	snapshots []newsarchive.SnapshotRef
}

// viewRecord reads version want of a record (0: the latest, or the one
// current at asOf when asOf is set) with its snapshot refs. It returns nil
// when the record did not exist at asOf.
func viewRecord(tx *bolt.Tx, seq uint64, rec *record, want int, asOf time.Time) (*recordView, error) {
	vb := tx.Bucket(bucketVersions)
	var ver *version
	switch {
	case want > 0:
		if want > rec.Versions {
			return nil, fmt.Errorf("record %s version %d: %w", rec.ID, want, ErrNotFound)
		}
	case asOf.IsZero():
		want = rec.Versions
	default:
		if rec.FirstSeen.After(asOf) {
			return nil, nil
		}
		prefix := u64key(seq)
		cur := vb.Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			cand, err := decodeVersion(v)
			if err != nil {
				return nil, err
			}
			if !cand.ValidFrom.After(asOf) {
				ver, want = cand, int(keyU32(k[8:]))
			}
		}
		if ver == nil {
			return nil, nil
		}
	}
	if ver == nil {
		v := vb.Get(versionKey(seq, want))
		if v == nil {
			return nil, fmt.Errorf("%w: record %s version %d missing", ErrCorrupt, rec.ID, want)
		}
		var err error
		if ver, err = decodeVersion(v); err != nil {
			return nil, err
		}
	}
	rv := &recordView{rec: rec, ver: ver, version: want, lastSeen: rec.LastSeen, urls: rec.Aliases}
	// As of asOf: the URLs fetched by then (as fetched and normalised),
	// and every URL ever fetched, to tell fetched URLs from the others.
	var rawSeen, normSeen, fetched map[string]bool
	if !asOf.IsZero() {
		rv.lastSeen = time.Time{}
		rawSeen, normSeen, fetched = map[string]bool{rec.URL: true}, map[string]bool{normURL(rec.URL): true}, map[string]bool{}
	}
	prefix := u64key(seq)
	cur := tx.Bucket(bucketRefs).Cursor()
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		r, err := decodeRef(v)
		if err != nil {
			return nil, err
		}
		if !asOf.IsZero() {
			fetched[r.URL] = true
			if r.FetchedAt.After(asOf) {
				continue
			}
			if r.FetchedAt.After(rv.lastSeen) {
				rv.lastSeen = r.FetchedAt
			}
			rawSeen[r.URL], normSeen[normURL(r.URL)] = true, true
		}
		rv.snapshots = append(rv.snapshots, newsarchive.SnapshotRef{
			ID: strconv.FormatUint(keyU64(k[8:]), 10), URL: r.URL, FetchedAt: r.FetchedAt,
			Status: r.Status, ContentHash: r.ContentHash,
		})
	}
	if rawSeen != nil {
		// A fetched URL counts when it was fetched by then; another (one
		// the extractor named) when its normal form was.
		rv.urls = nil
		for _, u := range rec.Aliases {
			if rawSeen[u] || (!fetched[u] && normSeen[normURL(u)]) {
				rv.urls = append(rv.urls, u)
			}
		}
	}
	return rv, nil
}

// article decodes the view into the record as export writes it.
func (rv *recordView) article() (*newsarchive.Article, error) {
	a := &newsarchive.Article{}
	if err := a.UnmarshalJSON(rv.ver.Article); err != nil {
		return nil, fmt.Errorf("%w: record %s version %d: %v", ErrCorrupt, rv.rec.ID, rv.version, err)
	}
	a.ID, a.URL = rv.rec.ID, rv.rec.URL
	if a.Site == "" {
		a.Site = rv.rec.Site
	}
	a.URLs = append([]string(nil), rv.urls...)
	a.Version = rv.version
	a.FirstSeen, a.LastSeen = rv.rec.FirstSeen, rv.lastSeen
	a.Snapshots = rv.snapshots
	return a, nil
}

// exportTail holds the archive fields export appends to a stored version.
type exportTail struct {
	URLs      []string                  `json:"urls,omitempty"`
	Version   int                       `json:"version"`
	FirstSeen time.Time                 `json:"firstSeen"`
	LastSeen  time.Time                 `json:"lastSeen"`
	Snapshots []newsarchive.SnapshotRef `json:"snapshots,omitempty"`
}

// appendJSON appends the record's JSON line (without newline) to buf.
// Versions stored with the record's id, url and site and no archive fields
// are not decoded: the archive fields are appended to their JSON.
func (rv *recordView) appendJSON(buf *bytes.Buffer) error {
	js := rv.ver.Article
	if !rv.ver.Splice || len(js) < 2 || js[len(js)-1] != '}' {
		a, err := rv.article()
		if err != nil {
			return err
		}
		out, err := a.MarshalJSON()
		if err != nil {
			return err
		}
		buf.Write(out)
		return nil
	}
	// Written like Article.MarshalJSON: no HTML escaping, so a URL's &
	// reads as & in both halves of the line.
	var tail bytes.Buffer
	enc := json.NewEncoder(&tail)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(exportTail{URLs: rv.urls, Version: rv.version,
		FirstSeen: rv.rec.FirstSeen, LastSeen: rv.lastSeen, Snapshots: rv.snapshots}); err != nil {
		return err
	}
	buf.Write(js[:len(js)-1])
	buf.WriteByte(',')
	buf.Write(bytes.TrimSuffix(tail.Bytes()[1:], []byte("\n")))
	return nil
}

// buildArticle returns a record as export writes it: version want (0: the
// latest, or the one current at asOf when asOf is set) with the archive
// fields filled. It returns nil when the record did not exist at asOf.
func (s *Store) buildArticle(tx *bolt.Tx, seq uint64, rec *record, want int, asOf time.Time) (*newsarchive.Article, error) {
	rv, err := viewRecord(tx, seq, rec, want, asOf)
	if err != nil || rv == nil {
		return nil, err
	}
	return rv.article()
}

// Validators returns the ETag and Last-Modified of the latest stored
// response for url (normalised), for a conditional GET; empty strings when
// the URL was never fetched or the server sent none.
func (s *Store) Validators(url string) (etag, lastModified string) {
	_ = s.view(func(tx *bolt.Tx) error {
		e, err := getURL(tx, indexKey(normURL(url)))
		if err != nil || e.Latest == 0 {
			return err
		}
		snap, err := getSnapshot(tx, e.Latest)
		if err != nil {
			return err
		}
		etag, lastModified = snap.Header.Get("Etag"), snap.Header.Get("Last-Modified")
		return nil
	})
	return etag, lastModified
}
