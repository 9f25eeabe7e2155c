package archive

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	bolt "go.etcd.io/bbolt"
)

// ReplayOptions choose what Replay re-extracts. The zero value replays
// everything.
type ReplayOptions struct {
	// Since keeps records seen (LastSeen) at or after Since, and snapshots
	// without a record fetched at or after Since. Zero keeps all.
	Since time.Time
	// Site keeps one host ("www." and letter case ignored). Empty keeps all.
	Site string
	// DryRun reports what would change without writing anything.
	DryRun bool
}

// ReplayReport says what a Replay found and did.
type ReplayReport struct {
	Records     int `json:"records"`     // records re-extracted
	Snapshots   int `json:"snapshots"`   // snapshots re-extracted
	Changed     int `json:"changed"`     // records whose extraction differs in some field
	NewVersions int `json:"newVersions"` // records that got a new version (content hash changed)
	Updated     int `json:"updated"`     // records whose latest version was rewritten in place (content unchanged: metadata, or only how the hash is computed)
	NewRecords  int `json:"newRecords"`  // snapshots without a record that now make one
	// NotArticles counts records whose latest snapshot the extractor now
	// says is not an article. They are left as they are and reported.
	NotArticles int `json:"notArticles"`
	Errors      int `json:"errors"`  // snapshots the extractor failed on (left as they are)
	Skipped     int `json:"skipped"` // records a concurrent Put changed during the replay
	// Fields counts, per record field (JSON name, "contentHash" included),
	// how many records the new extraction changed.
	Fields map[string]int `json:"fields"`
}

// replayChunk is how many records one replay step reads, extracts and
// writes (in one write transaction).
const replayChunk = 64

// replayItem is one record (or one record-less snapshot) being replayed.
type replayItem struct {
	seq      uint64 // record sequence, 0 for a snapshot without a record
	versions int    // the record's version count when read
	old      *newsarchive.Article
	snapID   uint64
	snap     *snapshot
	body     []byte
	art      *newsarchive.Article
	// newVersion: the article's content (the hashed fields) changed, not
	// only its metadata or the way its hash is computed.
	newVersion bool
}

// contentChanged reports whether the changed fields include the ones the
// content hash covers.
func contentChanged(fields []string) bool {
	for _, f := range fields {
		switch f {
		case "headline", "paragraphs", "captions":
			return true
		}
	}
	return false
}

// Replay runs stored snapshots through extract (the current extractor) and
// updates the records: for each record, the latest snapshot of it is
// re-extracted; changed content (headline, paragraphs or captions, with a
// new content hash) adds a version (old versions stay); other changes
// (dates, authors, a new way of hashing the same content) rewrite the
// latest version in place, so later fetches compare against the current
// extractor's hash. Snapshots that made no record are re-extracted too, and make one
// when they are now articles. Snapshots themselves are never changed,
// except for the record they point at. Site knowledge is read, not counted.
func (s *Store) Replay(ctx context.Context, opts ReplayOptions, extract func(*newsarchive.Page) (*newsarchive.Article, error)) (ReplayReport, error) {
	rep := ReplayReport{Fields: map[string]int{}}
	if extract == nil {
		return rep, fmt.Errorf("archive: replay: no extractor")
	}
	if s.opts.ReadOnly && !opts.DryRun {
		return rep, fmt.Errorf("archive: replay: %w", ErrReadOnly)
	}
	site := strings.TrimPrefix(strings.ToLower(opts.Site), "www.")
	keepHost := func(u string) bool { return site == "" || urlnorm.Host(u) == site }

	var items []*replayItem
	apply := func() error {
		err := s.replayApply(ctx, items, &rep, opts.DryRun, extract)
		items = items[:0]
		return err
	}
	// Records, in chunks.
	err := s.scanChunks(ctx, bucketRecords, replayChunk, func(tx *bolt.Tx, seq uint64, v []byte) (bool, error) {
		rec, err := decodeRecord(v)
		if err != nil {
			return false, err
		}
		if !keepHost(rec.URL) || (!opts.Since.IsZero() && rec.LastSeen.Before(opts.Since)) {
			return false, nil
		}
		it, err := s.replayRecord(tx, seq, rec)
		if err != nil || it == nil {
			return false, err
		}
		items = append(items, it)
		return true, nil
	}, apply)
	if err != nil {
		return rep, fmt.Errorf("archive: replay: %w", err)
	}

	// Snapshots that made no record.
	err = s.scanChunks(ctx, bucketSnapshots, replayChunk, func(tx *bolt.Tx, id uint64, v []byte) (bool, error) {
		snap, err := decodeSnapshot(v)
		if err != nil {
			return false, err
		}
		if snap.Record != 0 || snap.BodyID == 0 || snap.RevisitOf != 0 || !extractable(snap.Status) ||
			!keepHost(snap.URL) || (!opts.Since.IsZero() && snap.FetchedAt.Before(opts.Since)) {
			return false, nil
		}
		body, err := s.readBody(tx, snap.BodyID)
		if err != nil {
			return false, err
		}
		items = append(items, &replayItem{snapID: id, snap: snap, body: body})
		return true, nil
	}, apply)
	if err != nil {
		return rep, fmt.Errorf("archive: replay: %w", err)
	}
	return rep, nil
}

// replayRecord reads what replaying one record needs: its latest version
// and the latest snapshot of it that has a body. Nil when it has none
// (an imported record, say).
func (s *Store) replayRecord(tx *bolt.Tx, seq uint64, rec *record) (*replayItem, error) {
	prefix := u64key(seq)
	var bestID uint64
	var best *snapshot
	cur := tx.Bucket(bucketRefs).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		id := keyU64(k[8:])
		v := tx.Bucket(bucketSnapshots).Get(u64key(id))
		if v == nil {
			continue // imported ref without a snapshot
		}
		snap, err := decodeSnapshot(v)
		if err != nil {
			return nil, err
		}
		if snap.BodyID == 0 || !extractable(snap.Status) {
			continue
		}
		if best == nil || !snap.FetchedAt.Before(best.FetchedAt) {
			best, bestID = snap, id
		}
	}
	if best == nil {
		return nil, nil
	}
	old, err := s.buildArticle(tx, seq, rec, rec.Versions, time.Time{})
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(tx, best.BodyID)
	if err != nil {
		return nil, err
	}
	return &replayItem{seq: seq, versions: rec.Versions, old: old, snapID: bestID, snap: best, body: body}, nil
}

// replayExtract extracts the items' snapshots on all CPUs (one page per
// CPU at once, with Puts; see Store.cpu) and sets each item's art, nil
// when the extractor failed. It drops the bodies.
func (s *Store) replayExtract(ctx context.Context, items []*replayItem,
	extract func(*newsarchive.Page) (*newsarchive.Article, error)) error {
	pages := make([]*newsarchive.Page, len(items))
	for i, it := range items {
		prof, err := s.profile(urlnorm.Host(normURL(it.snap.URL)))
		if err != nil {
			return err
		}
		pages[i] = &newsarchive.Page{
			URL: it.snap.URL, RequestedURL: it.snap.RequestedURL, FetchedAt: it.snap.FetchedAt,
			Status: it.snap.Status, Header: it.snap.Header, Body: it.body,
			Hints: it.snap.Hints, SiteBlocks: prof.blocks, SitePages: prof.pages,
		}
		it.body = nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(cap(s.cpu), len(items)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(items) && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				s.cpu <- struct{}{}
				art, err := safeExtract(extract, pages[i])
				<-s.cpu
				if err == nil {
					items[i].art = art
				}
				pages[i] = nil
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// replayApply extracts a chunk and writes what changed in one transaction.
func (s *Store) replayApply(ctx context.Context, items []*replayItem, rep *ReplayReport, dry bool,
	extract func(*newsarchive.Page) (*newsarchive.Article, error)) error {
	if err := s.replayExtract(ctx, items, extract); err != nil {
		return err
	}
	var todo []*replayItem
	for _, it := range items {
		rep.Snapshots++
		art := it.art
		if art == nil {
			rep.Errors++
			continue
		}
		if it.seq == 0 {
			if art.IsArticle {
				todo = append(todo, it)
			}
			continue
		}
		rep.Records++
		if !art.IsArticle {
			rep.NotArticles++
			rep.Changed++
			rep.Fields["isArticle"]++
			continue
		}
		cmp := *art
		cmp.Version = it.old.Version
		fields := changedFields(it.old, &cmp)
		if art.ContentHash != it.old.ContentHash {
			fields = append(fields, "contentHash")
		}
		if len(fields) == 0 {
			continue
		}
		it.newVersion = art.ContentHash != it.old.ContentHash && contentChanged(fields)
		rep.Changed++
		for _, f := range fields {
			rep.Fields[f]++
		}
		todo = append(todo, it)
	}
	if dry || len(todo) == 0 {
		if dry {
			for _, it := range todo {
				if it.seq == 0 {
					rep.NewRecords++
				} else if it.newVersion {
					rep.NewVersions++
				} else {
					rep.Updated++
				}
			}
		}
		return nil
	}
	var newVersions, updated, newRecords, skipped int
	err := s.update(func(tx *bolt.Tx) error {
		newVersions, updated, newRecords, skipped = 0, 0, 0, 0
		c, err := txCounters(tx)
		if err != nil {
			return err
		}
		for _, it := range todo {
			if it.seq == 0 {
				made, err := s.replayNewRecord(tx, c, it)
				if err != nil {
					return err
				}
				if made {
					newRecords++
				}
				continue
			}
			rec, err := getRecord(tx, it.seq)
			if err != nil {
				return err
			}
			if rec.Versions != it.versions {
				skipped++
				continue
			}
			js, err := versionJSON(it.art, rec)
			if err != nil {
				return err
			}
			vb := tx.Bucket(bucketVersions)
			if it.newVersion {
				rec.Versions++
				rec.ContentHash = it.art.ContentHash
				v := &version{ValidFrom: it.snap.FetchedAt, Snapshot: it.snapID, Article: js, Splice: true}
				if err := vb.Put(versionKey(it.seq, rec.Versions), encodeVersion(v)); err != nil {
					return err
				}
				c.Versions++
				newVersions++
			} else {
				raw := vb.Get(versionKey(it.seq, rec.Versions))
				if raw == nil {
					return fmt.Errorf("%w: record %s version %d missing", ErrCorrupt, rec.ID, rec.Versions)
				}
				v, err := decodeVersion(raw)
				if err != nil {
					return err
				}
				v.Article, v.Splice = js, true
				rec.ContentHash = it.art.ContentHash
				if err := vb.Put(versionKey(it.seq, rec.Versions), encodeVersion(v)); err != nil {
					return err
				}
				updated++
			}
			// The replayed snapshot now shows the latest version.
			if err := relinkSnapshot(tx, it.snapID, it.seq, rec.Versions, rec.ContentHash); err != nil {
				return err
			}
			if err := tx.Bucket(bucketRecords).Put(u64key(it.seq), encodeRecord(rec)); err != nil {
				return err
			}
		}
		return putCounters(tx, c)
	})
	if err != nil {
		return err
	}
	if newRecords > 0 {
		s.sites.reset() // the new records' site counts reach the cache on reload
	}
	rep.NewVersions += newVersions
	rep.Updated += updated
	rep.NewRecords += newRecords
	rep.Skipped += skipped
	return nil
}

// relinkSnapshot points a snapshot and its ref at a record version.
func relinkSnapshot(tx *bolt.Tx, id, rec uint64, version int, contentHash string) error {
	snap, err := getSnapshot(tx, id)
	if err != nil {
		return err
	}
	snap.Record, snap.Version, snap.ContentHash = rec, version, contentHash
	snap.Extracted, snap.IsArticle, snap.ExtractErr = true, true, ""
	if err := tx.Bucket(bucketSnapshots).Put(u64key(id), encodeSnapshot(snap)); err != nil {
		return err
	}
	rk := refKey(rec, id)
	v := tx.Bucket(bucketRefs).Get(rk)
	if v == nil {
		return nil
	}
	r, err := decodeRef(v)
	if err != nil {
		return err
	}
	r.Version, r.ContentHash = version, contentHash
	return tx.Bucket(bucketRefs).Put(rk, encodeRef(r))
}

// replayNewRecord files a snapshot that made no record and now is an
// article.
func (s *Store) replayNewRecord(tx *bolt.Tx, c *counters, it *replayItem) (bool, error) {
	snap, err := getSnapshot(tx, it.snapID)
	if err != nil {
		return false, err
	}
	if snap.Record != 0 {
		return false, nil // a concurrent Put got there first
	}
	in := s.newIngest(&newsarchive.Page{URL: snap.URL, RequestedURL: snap.RequestedURL, FetchedAt: snap.FetchedAt, Status: snap.Status})
	snap.Extracted, snap.IsArticle, snap.ContentHash, snap.ExtractErr = true, true, it.art.ContentHash, ""
	urls := newURLEntries(newLookups(tx))
	if err := in.mergeRecord(tx, c, urls, it.snapID, snap, it.art); err != nil {
		return false, err
	}
	if err := urls.flush(); err != nil {
		return false, err
	}
	if err := tx.Bucket(bucketSnapshots).Put(u64key(it.snapID), encodeSnapshot(snap)); err != nil {
		return false, err
	}
	return in.res.Outcome == NewRecord, nil
}
