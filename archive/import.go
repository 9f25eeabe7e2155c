package archive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	bolt "go.etcd.io/bbolt"
)

// ImportReport says what an import stored.
type ImportReport struct {
	Records   int `json:"records"`   // records made
	Snapshots int `json:"snapshots"` // snapshots (WARC) or snapshot refs (JSONL) stored
	Revisits  int `json:"revisits"`  // WARC revisit records stored as revisits
	Skipped   int `json:"skipped"`   // input records left out (duplicates, already in the archive, unsupported WARC types)
}

// importChunk is how many records one import transaction writes.
const importChunk = 1000

// ImportJSONL reads records as Export writes them (one JSON object per
// line) into an empty archive, so that exporting it again gives the same
// lines: each record keeps its id, URL, urls, version number, firstSeen,
// lastSeen and snapshot refs. Only the version in the file is stored (a
// JSONL export holds no older versions) and there are no snapshot bodies
// (it holds none): Replay and WARC export have nothing to work on for
// imported records. A record whose id is already imported is skipped.
//
// An import that was stopped (killed, or failed on a bad line) can be run
// again on the same file: the records its committed chunks stored are
// skipped and the rest are added. The archive remembers which file it was
// imported from by the SHA-256 of the file's first line; a file with
// another first line, or any file once the archive holds snapshots (a
// crawl or a WARC import stored pages, whose snapshot ids the file's could
// take), returns ErrNotEmpty.
func (s *Store) ImportJSONL(ctx context.Context, r io.Reader) (ImportReport, error) {
	var rep ImportReport
	empty, snapshots, mark, err := s.importState()
	if err != nil {
		return rep, err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	var batch []*importItem
	// checked: the file may go into this archive (an empty one, or one
	// this file's first line was imported into).
	checked := false
	check := func(first []byte) error {
		checked = true
		sum := sha256Sum(bytes.TrimSpace(first))
		if empty {
			mark = &sum
			return nil
		}
		if mark == nil || *mark != sum {
			return s.notEmpty(snapshots)
		}
		return nil
	}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		// Decoding and encoding run in parallel, the writes in one
		// transaction.
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(batch)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < len(batch); i = int(next.Add(1)) - 1 {
					batch[i].decode()
				}
			}()
		}
		wg.Wait()
		for _, it := range batch {
			if it.err != nil {
				return fmt.Errorf("line %d: %w", it.line, it.err)
			}
		}
		var got ImportReport
		err := s.update(func(tx *bolt.Tx) error {
			got = ImportReport{}
			c, err := txCounters(tx)
			if err != nil {
				return err
			}
			if empty {
				if err := tx.Bucket(bucketMeta).Put(metaImportJSONL, encodeImportMark(*mark)); err != nil {
					return err
				}
			}
			for _, it := range batch {
				ok, refs, err := importRecord(tx, c, it)
				if err != nil {
					return fmt.Errorf("line %d: %w", it.line, err)
				}
				if !ok {
					got.Skipped++
					continue
				}
				got.Records++
				got.Snapshots += refs
			}
			return putCounters(tx, c)
		})
		if err != nil {
			return err
		}
		empty = false // the mark is written
		rep.Records += got.Records
		rep.Snapshots += got.Snapshots
		rep.Skipped += got.Skipped
		batch = batch[:0]
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			line++
			if !checked {
				if err := check(b); err != nil {
					return rep, err
				}
			}
			batch = append(batch, &importItem{raw: b, line: line})
			if len(batch) == importChunk {
				if err := flush(); err != nil {
					return rep, fmt.Errorf("archive: import: %w", err)
				}
			}
		} else if len(b) > 0 {
			line++
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("archive: import: line %d: %w", line+1, err)
		}
	}
	if !checked && !empty {
		return rep, s.notEmpty(snapshots)
	}
	if err := flush(); err != nil {
		return rep, fmt.Errorf("archive: import: %w", err)
	}
	return rep, nil
}

// importItem is one JSONL line on its way into the archive.
type importItem struct {
	raw  []byte
	line int

	a         *newsarchive.Article
	rec       *record // the record as the line describes it, without its URLs
	aliases   []aliasURL
	versionJS []byte
	versionZ  *packedArticle // versionJS packed, outside the transaction
	err       error
}

// decode parses the line and encodes its version.
func (it *importItem) decode() {
	a := &newsarchive.Article{}
	if err := a.UnmarshalJSON(it.raw); err != nil {
		it.err = err
		return
	}
	it.raw = nil
	if a.URL == "" {
		it.err = errors.New("record without url")
		return
	}
	canonical := normURL(a.URL)
	rec := &record{ID: a.ID, URL: canonical, Site: a.Site, FirstSeen: a.FirstSeen, LastSeen: a.LastSeen,
		Versions: max(a.Version, 1), ContentHash: a.ContentHash}
	if rec.ID == "" {
		rec.ID = urlnorm.ID(canonical)
	}
	if rec.Site == "" {
		rec.Site = urlnorm.Host(canonical)
	}
	for _, u := range append([]string{canonical}, a.URLs...) {
		it.aliases = append(it.aliases, aliasURL{u, normURL(u)})
	}
	it.a, it.rec = a, rec
	if it.versionJS, it.err = versionJSON(a, rec); it.err == nil {
		it.versionZ = packArticle(it.versionJS)
	}
}

// importState says whether the archive is empty (no snapshots, no
// records), whether it holds snapshots, and, when it holds records only,
// the mark of the JSONL file they were imported from (nil: none).
func (s *Store) importState() (empty, snapshots bool, mark *[32]byte, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketSnapshots).Cursor().First(); k != nil {
			snapshots = true
			return nil
		}
		if k, _ := tx.Bucket(bucketRecords).Cursor().First(); k == nil {
			empty = true
			return nil
		}
		if v := tx.Bucket(bucketMeta).Get(metaImportJSONL); v != nil {
			sum, err := decodeImportMark(v)
			if err != nil {
				return err
			}
			mark = &sum
		}
		return nil
	})
	if err != nil {
		return false, false, nil, fmt.Errorf("archive: import into %s: %w", s.path, err)
	}
	return empty, snapshots, mark, nil
}

// notEmpty is the error of a JSONL import the archive cannot take.
func (s *Store) notEmpty(snapshots bool) error {
	why := "its records come from another file"
	if snapshots {
		why = "it holds snapshots"
	}
	return fmt.Errorf("archive: import into %s: %w: %s (import into a new archive file)", s.path, ErrNotEmpty, why)
}

// importRecord stores one exported record; false when its id is taken.
func importRecord(tx *bolt.Tx, c *counters, it *importItem) (bool, int, error) {
	a := it.a
	rec := *it.rec
	rec.Aliases = nil
	ids := tx.Bucket(bucketRecordIDs)
	if getKey(ids, recordIDKey(rec.ID)) != nil {
		return false, 0, nil
	}
	seq, err := tx.Bucket(bucketRecords).NextSequence()
	if err != nil {
		return false, 0, err
	}
	if err := ids.Put(recordIDKey(rec.ID), u64key(seq)); err != nil {
		return false, 0, err
	}
	ver := rec.Versions
	urls := newURLEntries(newLookups(tx))
	for _, u := range it.aliases {
		if err := addAlias(urls, c, seq, &rec, u); err != nil {
			return false, 0, err
		}
	}
	if err := urls.flush(); err != nil {
		return false, 0, err
	}
	// The version is valid from the first snapshot that showed its content.
	v := &version{ValidFrom: a.FirstSeen}
	snaps := tx.Bucket(bucketSnapshots)
	for i, sr := range a.Snapshots {
		sid, err := strconv.ParseUint(sr.ID, 10, 64)
		if err != nil || sid == 0 {
			sid = 1<<62 + uint64(i) + snaps.Sequence()
		}
		if sid > snaps.Sequence() && sid < 1<<62 {
			// Later Puts must not reuse the ids of imported snapshots.
			if err := snaps.SetSequence(sid); err != nil {
				return false, 0, err
			}
		}
		r := &ref{URL: sr.URL, FetchedAt: sr.FetchedAt, Status: sr.Status, ContentHash: sr.ContentHash}
		if sr.ContentHash == a.ContentHash {
			r.Version = ver
			if v.Snapshot == 0 || sr.FetchedAt.Before(v.ValidFrom) {
				v.Snapshot, v.ValidFrom = sid, sr.FetchedAt
			}
		}
		if err := tx.Bucket(bucketRefs).Put(refKey(seq, sid), encodeRef(r)); err != nil {
			return false, 0, err
		}
		if rec.FirstSeen.IsZero() || sr.FetchedAt.Before(rec.FirstSeen) {
			rec.FirstSeen = sr.FetchedAt
		}
		if sr.FetchedAt.After(rec.LastSeen) {
			rec.LastSeen = sr.FetchedAt
		}
	}
	if rec.FirstSeen.IsZero() {
		rec.FirstSeen = time.Unix(0, 1).UTC()
	}
	if rec.LastSeen.IsZero() {
		rec.LastSeen = rec.FirstSeen
	}
	if v.ValidFrom.IsZero() {
		v.ValidFrom = rec.FirstSeen
	}
	v.Article, v.Splice, v.packed = it.versionJS, true, it.versionZ
	if err := tx.Bucket(bucketVersions).Put(versionKey(seq, ver), encodeVersion(v)); err != nil {
		return false, 0, err
	}
	c.Records++
	c.Versions++
	return true, len(a.Snapshots), tx.Bucket(bucketRecords).Put(u64key(seq), encodeRecord(&rec))
}
