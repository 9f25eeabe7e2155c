package archive

import (
	"fmt"
	"strconv"

	"github.com/newsarchive/newsarchive"
	bolt "go.etcd.io/bbolt"
)

// commit returns the transaction function of a Put. It may run more than
// once (db.Batch retries), so it starts from the prepared state each time.
func (in *ingest) commit(s *Store) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		c, err := txCounters(tx)
		if err != nil {
			return err
		}
		if err := in.file(s, newLookups(tx), c); err != nil {
			return err
		}
		return putCounters(tx, c)
	}
}

// file stores the prepared page in look's transaction and counts it into
// c, which the caller reads from and writes back to the transaction (once
// for a whole batch).
func (in *ingest) file(s *Store, look *lookups, c *counters) error {
	tx := look.tx
	in.res, in.count, in.countBlocks, in.dictID, in.dictContent = PutResult{}, false, nil, 0, nil
	p := in.page
	snapB := tx.Bucket(bucketSnapshots)
	seq, err := snapB.NextSequence()
	if err != nil {
		return err
	}
	snap := &snapshot{
		URL: p.URL, RequestedURL: p.RequestedURL, FetchedAt: in.fetched, Status: p.Status,
		Header: p.Header, RawLen: len(p.Body), Hints: p.Hints,
	}
	in.res.SnapshotID = strconv.FormatUint(seq, 10)
	c.Snapshots++
	c.RawBytes += uint64(len(p.Body))
	urls := newURLEntries(look)
	ue, err := urls.get(in.norm)
	if err != nil {
		return err
	}
	firstFetch := ue.Latest == 0

	// Find the stored snapshot this one revisits, if any.
	var prev *snapshot
	var prevID uint64
	var hashKey []byte // where a new body's hash goes
	if !in.hasBody {
		if ue.Latest != 0 {
			prevID = ue.Latest
			if prev, err = getSnapshot(tx, prevID); err != nil {
				return err
			}
		}
	} else {
		var bodyID uint64
		if bodyID, prev, prevID, hashKey, err = lookupBody(look, in.hash); err != nil {
			return err
		}
		if prev != nil {
			prev.BodyID = bodyID
		}
	}

	var art *newsarchive.Article
	switch {
	case prev != nil:
		snap.BodyID, snap.BodyHash, snap.RevisitOf = prev.BodyID, prev.BodyHash, prevID
		if !in.hasBody {
			snap.RawLen = prev.RawLen
		}
		c.Revisits++
		current, err := revisitCurrent(tx, prev)
		if err != nil {
			return err
		}
		if !in.ran || (current && (prev.Extracted || !extractable(p.Status) || s.opts.Extract == nil)) {
			// The earlier body was extracted (this one may have been
			// too, when both were prepared before either was stored:
			// same bytes, same result): the snapshot shares the
			// earlier one's record.
			snap.Extracted, snap.IsArticle = prev.Extracted, prev.IsArticle
			snap.ContentHash, snap.ExtractErr = prev.ContentHash, prev.ExtractErr
			in.res.Outcome = Revisit
			if prev.Record != 0 {
				if err := in.revisitRecord(tx, c, urls, seq, snap, prev); err != nil {
					return err
				}
			}
			break
		}
		art = in.article
	case in.hasBody && len(p.Body) > 0:
		bodies := tx.Bucket(bucketBodies)
		bodyID, err := bodies.NextSequence()
		if err != nil {
			return err
		}
		enc := encodeBody(in.stored)
		if err := bodies.Put(u64key(bodyID), enc); err != nil {
			return err
		}
		if err := putBodyHash(tx, hashKey, bodyID, seq); err != nil {
			return err
		}
		snap.BodyID, snap.BodyHash = bodyID, in.hash
		c.Bodies++
		c.BodyBytes += uint64(len(p.Body))
		c.StoredBytes += uint64(len(enc))
		in.res.BodyBytes = len(enc)
		if in.stored.DictID != 0 {
			ok, err := ensureDict(tx, "", in.stored.DictID, in.dict.src)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: dictionary id %d taken by another body", ErrCorrupt, in.stored.DictID)
			}
		}
		if s.dicts.enabled && dictWorthy(p.Body) && in.host != "" &&
			getKey(tx.Bucket(bucketHostDicts), indexKey(in.host)) == nil {
			// The host's first HTML page becomes its dictionary.
			id := dictIDFor(in.hash)
			ok, err := ensureDict(tx, in.host, id, in.hash)
			if err != nil {
				return err
			}
			if ok {
				in.dictID, in.dictContent = id, dictContent(p.Body)
				meta := tx.Bucket(bucketMeta)
				if meta.Get(metaFallbackDict) == nil {
					if err := meta.Put(metaFallbackDict, dictKey(id)); err != nil {
						return err
					}
				}
			}
		}
		art = in.article
	default:
		// A 304 with nothing to revisit, or an empty body.
		in.res.Outcome = NotArticle
		if !in.hasBody {
			in.res.Outcome = Revisit
		}
	}

	if in.ran && in.res.Outcome == 0 {
		snap.Extracted = true
		if in.extErr != nil {
			snap.ExtractErr = in.extErr.Error()
			in.res.ExtractErr = in.extErr
		}
		if art != nil && art.IsArticle {
			snap.IsArticle, snap.ContentHash = true, art.ContentHash
			if err := in.mergeRecord(tx, c, urls, seq, snap, art); err != nil {
				return err
			}
		} else {
			in.res.Outcome = NotArticle
			c.NotArticles++
			if art != nil && firstFetch {
				in.count, in.countBlocks = true, art.Blocks
			}
		}
	}
	if in.res.Outcome == 0 {
		in.res.Outcome = NotArticle
	}
	if snap.BodyID != 0 && extractable(p.Status) && in.norm != "" {
		// Read again: filing the article may have made the URL an alias.
		if ue, err = urls.get(in.norm); err != nil {
			return err
		}
		ue.Latest = seq
		if err := urls.set(in.norm, ue); err != nil {
			return err
		}
	}
	if err := urls.flush(); err != nil {
		return err
	}
	if err := snapB.Put(u64key(seq), encodeSnapshot(snap)); err != nil {
		return err
	}
	return nil
}

// getKey is b.Get that finds nothing under a nil key.
func getKey(b *bolt.Bucket, key []byte) []byte {
	if key == nil {
		return nil
	}
	return b.Get(key)
}

// getSnapshot reads one snapshot.
func getSnapshot(tx *bolt.Tx, id uint64) (*snapshot, error) {
	v := tx.Bucket(bucketSnapshots).Get(u64key(id))
	if v == nil {
		return nil, fmt.Errorf("%w: snapshot %d missing", ErrCorrupt, id)
	}
	return decodeSnapshot(v)
}

// findBody looks a raw body up by its SHA-256: the id of the stored body,
// and the first snapshot that had it (decoded) with its id; a nil snapshot
// when no stored body has that hash.
func findBody(tx *bolt.Tx, hash [32]byte) (bodyID uint64, first *snapshot, firstID uint64, err error) {
	bodyID, first, firstID, _, err = lookupBody(newLookups(tx), hash)
	return bodyID, first, firstID, err
}

// lookupBody is findBody that also returns, when no stored body has the
// hash, the key putBodyHash files it under: a new body costs one lookup
// of its hash, not two.
func lookupBody(look *lookups, hash [32]byte) (bodyID uint64, first *snapshot, firstID uint64, free []byte, err error) {
	for _, key := range [][]byte{hash[:bodyHashPrefix], hash[:]} {
		v := look.bodyHash(key)
		if v == nil {
			return 0, nil, 0, key, nil
		}
		if bodyID, firstID, err = decodeBodyHashValue(v); err != nil {
			return 0, nil, 0, nil, err
		}
		if first, err = getSnapshot(look.tx, firstID); err != nil {
			return 0, nil, 0, nil, err
		}
		if first.BodyHash == hash {
			return bodyID, first, firstID, nil, nil
		}
	}
	// The full hash leads to a snapshot of another body.
	return 0, nil, 0, nil, fmt.Errorf("%w: body hash %x leads to snapshot %d of another body", ErrCorrupt, hash, firstID)
}

// putBodyHash files a new body under its hash: under the key lookupBody
// found free in the same transaction, the hash's prefix, or its full hash
// when another body has the prefix.
func putBodyHash(tx *bolt.Tx, key []byte, bodyID, firstSnap uint64) error {
	return tx.Bucket(bucketBodyHashes).Put(key, bodyHashValue(bodyID, firstSnap))
}

// getRecord reads one record.
func getRecord(tx *bolt.Tx, seq uint64) (*record, error) {
	v := tx.Bucket(bucketRecords).Get(u64key(seq))
	if v == nil {
		return nil, fmt.Errorf("%w: record %d missing", ErrCorrupt, seq)
	}
	return decodeRecord(v)
}
