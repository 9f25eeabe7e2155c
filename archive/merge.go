package archive

import (
	"slices"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	bolt "go.etcd.io/bbolt"
)

// This file files articles under records inside a Put's transaction: find
// the record (canonical URL, then the page's other URLs on the same site),
// make a record or a version, and add the snapshot ref and the URLs.

// revisitCurrent reports whether what an earlier snapshot says about its
// record still holds: it made no record, or the record's content is still
// the content that snapshot showed.
func revisitCurrent(tx *bolt.Tx, prev *snapshot) (bool, error) {
	if prev.Record == 0 {
		return true, nil
	}
	rec, err := getRecord(tx, prev.Record)
	if err != nil {
		return false, err
	}
	return rec.ContentHash == prev.ContentHash, nil
}

// revisitRecord adds a revisit snapshot to the record of the snapshot it
// revisits. A revisit never makes a version: it shows the record's latest
// version when that has the revisited content, else the version the
// revisited snapshot showed (a 304 of a URL whose record moved on through
// another URL or a replay; identical bodies in that case are extracted
// afresh before they get here).
func (in *ingest) revisitRecord(tx *bolt.Tx, c *counters, urls *urlEntries, seq uint64, snap, prev *snapshot) error {
	rec, err := getRecord(tx, prev.Record)
	if err != nil {
		return err
	}
	snap.Record, snap.Version = prev.Record, rec.Versions
	if prev.ContentHash != rec.ContentHash {
		snap.Version = prev.Version
	}
	in.res.RecordID, in.res.Version = rec.ID, snap.Version
	return in.touchRecord(tx, c, urls, prev.Record, rec, seq, snap, nil)
}

// touchRecord adds the snapshot ref and aliases to a record and saves it.
func (in *ingest) touchRecord(tx *bolt.Tx, c *counters, urls *urlEntries, recSeq uint64, rec *record, seq uint64, snap *snapshot, art *newsarchive.Article) error {
	if rec.FirstSeen.IsZero() || snap.FetchedAt.Before(rec.FirstSeen) {
		rec.FirstSeen = snap.FetchedAt
	}
	if snap.FetchedAt.After(rec.LastSeen) {
		rec.LastSeen = snap.FetchedAt
	}
	add := in.fetchedAs
	if art != nil {
		add = slices.Concat(in.aliases, in.fetchedAs)
	}
	for i, u := range add {
		if slices.Contains(add[:i], u) {
			continue // the canonical URL is most often the fetched one too
		}
		if err := addAlias(urls, c, recSeq, rec, u); err != nil {
			return err
		}
	}
	r := &ref{URL: snap.URL, FetchedAt: snap.FetchedAt, Status: snap.Status, ContentHash: snap.ContentHash, Version: snap.Version}
	if err := tx.Bucket(bucketRefs).Put(refKey(recSeq, seq), encodeRef(r)); err != nil {
		return err
	}
	snap.Record = recSeq
	return tx.Bucket(bucketRecords).Put(u64key(recSeq), encodeRecord(rec))
}

// addAlias makes the URL lead to the record (its normal form is the key)
// and lists it, as given, among the record's URLs: the URLs an article was
// fetched under are kept as fetched, tracking parameters and all. A URL
// whose normal form already leads to another record is left to that one.
// The caller flushes urls.
func addAlias(urls *urlEntries, c *counters, recSeq uint64, rec *record, u aliasURL) error {
	if u.raw == "" || u.norm == "" {
		return nil
	}
	e, err := urls.get(u.norm)
	if err != nil {
		return err
	}
	if e.Record == 0 {
		e.Record = recSeq
		if err := urls.set(u.norm, e); err != nil {
			return err
		}
		c.Aliases++
	} else if e.Record != recSeq {
		return nil
	}
	if !slices.Contains(rec.Aliases, u.raw) {
		rec.Aliases = append(rec.Aliases, u.raw)
	}
	return nil
}

// findRecord returns the sequence of the record an article belongs to, or
// 0: the record of its canonical URL, else the record one of its other URLs
// leads to when that record is on the same site.
func findRecord(tx *bolt.Tx, urls *urlEntries, canonical string, others ...[]aliasURL) (uint64, error) {
	if e, err := urls.get(canonical); err != nil || e.Record != 0 {
		return e.Record, err
	}
	seen := []string{canonical}
	for _, u := range slices.Concat(others...) {
		if u.norm == "" || slices.Contains(seen, u.norm) {
			continue
		}
		seen = append(seen, u.norm)
		e, err := urls.get(u.norm)
		if err != nil {
			return 0, err
		}
		if e.Record == 0 {
			continue
		}
		rec, err := getRecord(tx, e.Record)
		if err != nil {
			return 0, err
		}
		if urlnorm.SameSite(rec.URL, canonical) {
			return e.Record, nil
		}
	}
	return 0, nil
}

// versionJSON is how a version stores an article (format 2): the
// extractor's output with the record's id, URL and site, and without the
// archive's fields, which export appends.
func versionJSON(a *newsarchive.Article, rec *record) ([]byte, error) {
	c := *a
	c.ID, c.URL = rec.ID, rec.URL
	if c.Site == "" {
		c.Site = rec.Site
	}
	c.URLs, c.Version, c.FirstSeen, c.LastSeen, c.Snapshots, c.Blocks = nil, 0, time.Time{}, time.Time{}, nil, nil
	if js, ok := appendVersionJSON(make([]byte, 0, versionJSONSize(&c)), &c); ok {
		return js, nil
	}
	return c.MarshalJSON() // not json.Marshal: it would check and compact the output again
}

// mergeRecord files an article under its record: a new record, a new
// version, or a snapshot of an unchanged one. The caller flushes urls.
func (in *ingest) mergeRecord(tx *bolt.Tx, c *counters, urls *urlEntries, seq uint64, snap *snapshot, art *newsarchive.Article) error {
	if in.guess == nil {
		// Not prepared (a replayed snapshot): do it here.
		if err := in.prepareArticle(art); err != nil {
			return err
		}
	}
	canonical := in.canonical
	recSeq, err := findRecord(tx, urls, canonical, in.fetchedAs, in.aliases)
	if err != nil {
		return err
	}
	ids := tx.Bucket(bucketRecordIDs)
	id := in.guess.ID
	idKey := recordIDKey(id)
	if recSeq == 0 {
		if v := urls.look.recordID(idKey); v != nil {
			recSeq = keyU64(v)
		}
	}
	var rec *record
	if recSeq == 0 {
		if recSeq, err = tx.Bucket(bucketRecords).NextSequence(); err != nil {
			return err
		}
		if err := ids.Put(idKey, u64key(recSeq)); err != nil {
			return err
		}
		rec = &record{ID: id, URL: canonical, Site: in.guess.Site}
		c.Records++
		in.res.Outcome = NewRecord
		in.count, in.countBlocks = true, art.Blocks
	} else {
		if rec, err = getRecord(tx, recSeq); err != nil {
			return err
		}
		in.res.Outcome = Unchanged
	}
	if rec.Versions == 0 || rec.ContentHash != art.ContentHash {
		js, packed := in.versionJS, in.versionZ
		if rec.ID != in.guess.ID || rec.URL != in.guess.URL || rec.Site != in.guess.Site {
			if js, err = versionJSON(art, rec); err != nil {
				return err
			}
			packed = nil
		}
		rec.Versions++
		rec.ContentHash = art.ContentHash
		v := &version{ValidFrom: snap.FetchedAt, Snapshot: seq, Article: js, Splice: true, packed: packed}
		if err := tx.Bucket(bucketVersions).Put(versionKey(recSeq, rec.Versions), encodeVersion(v)); err != nil {
			return err
		}
		c.Versions++
		if in.res.Outcome == Unchanged {
			in.res.Outcome = NewVersion
		}
	}
	snap.Version = rec.Versions
	in.res.RecordID, in.res.Version = rec.ID, rec.Versions
	return in.touchRecord(tx, c, urls, recSeq, rec, seq, snap, art)
}
