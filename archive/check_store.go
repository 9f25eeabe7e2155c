package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Check verifies the whole archive: bbolt's own page checks, then that
// every snapshot's body and record exist, every record has all its
// versions and its aliases lead back to it, every snapshot ref points at a
// snapshot of the record, every body decompresses to the bytes its SHA-256
// names, every version is valid JSON, and the running totals match what is
// stored. It
// reads everything, in one read transaction; run it on a quiet archive. It
// returns nil or an ErrCorrupt error listing up to ten problems.
func (s *Store) Check(ctx context.Context) error {
	var problems []string
	report := func(format string, args ...any) bool {
		problems = append(problems, fmt.Sprintf(format, args...))
		return len(problems) < 10
	}
	err := s.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			if !report("bbolt: %v", err) {
				return nil
			}
		}
		c, err := txCounters(tx)
		if err != nil {
			return err
		}
		var got counters
		var bodyBytes, storedBytes uint64
		if err := tx.Bucket(bucketBodies).ForEach(func(k, v []byte) error {
			b, err := decodeBody(v)
			if err != nil {
				return err
			}
			got.Bodies++
			bodyBytes += uint64(b.RawLen)
			if b.Codec == codecZstdDict && tx.Bucket(bucketDicts).Get(dictKey(b.DictID)) == nil {
				report("body %d: dictionary %d missing", keyU64(k), b.DictID)
			}
			if b.Codec == codecDelta {
				bv := tx.Bucket(bucketBodies).Get(u64key(b.BaseID))
				if bv == nil {
					report("body %d: base %d missing", keyU64(k), b.BaseID)
				} else if bb, err := decodeBody(bv); err != nil || bb.Codec == codecDelta {
					report("body %d: base %d is not a whole body", keyU64(k), b.BaseID)
				}
			}
			storedBytes += uint64(len(v))
			return nil
		}); err != nil {
			return err
		}
		cur := tx.Bucket(bucketSnapshots).Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			snap, err := decodeSnapshot(v)
			if err != nil {
				return fmt.Errorf("snapshot %d: %w", keyU64(k), err)
			}
			got.Snapshots++
			if snap.RevisitOf != 0 {
				got.Revisits++
			}
			if snap.BodyID != 0 && tx.Bucket(bucketBodies).Get(u64key(snap.BodyID)) == nil {
				if !report("snapshot %d: body %d missing", keyU64(k), snap.BodyID) {
					return nil
				}
			}
			if snap.Record != 0 && tx.Bucket(bucketRefs).Get(refKey(snap.Record, keyU64(k))) == nil {
				if !report("snapshot %d: no ref in record %d", keyU64(k), snap.Record) {
					return nil
				}
			}
		}
		rc := tx.Bucket(bucketRecords).Cursor()
		for k, v := rc.First(); k != nil; k, v = rc.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			seq := keyU64(k)
			rec, err := decodeRecord(v)
			if err != nil {
				return fmt.Errorf("record %d: %w", seq, err)
			}
			got.Records++
			if tx.Bucket(bucketVersions).Get(versionKey(seq, rec.Versions)) == nil {
				report("record %s: latest version %d missing", rec.ID, rec.Versions)
			}
			if v := getKey(tx.Bucket(bucketRecordIDs), recordIDKey(rec.ID)); keyU64(v) != seq {
				report("record %s: id does not lead to it", rec.ID)
			}
			for _, a := range rec.Aliases {
				if e, err := getURL(tx, indexKey(normURL(a))); err != nil || e.Record != seq {
					report("record %s: URL %s does not lead to it", rec.ID, a)
				}
			}
			prefix := u64key(seq)
			vc := tx.Bucket(bucketVersions).Cursor()
			for vk, _ := vc.Seek(prefix); vk != nil && bytes.HasPrefix(vk, prefix); vk, _ = vc.Next() {
				got.Versions++
			}
			if len(problems) >= 10 {
				return nil
			}
		}
		uc := tx.Bucket(bucketURLs).Cursor()
		for k, v := uc.First(); k != nil; k, v = uc.Next() {
			e, err := decodeURLEntry(v)
			if err != nil {
				return fmt.Errorf("URL %q: %w", k, err)
			}
			if e.Record != 0 {
				got.Aliases++
			}
		}
		if len(problems) < 10 {
			if err := s.checkContents(ctx, tx, report); err != nil {
				return err
			}
		}
		if got.Snapshots != c.Snapshots || got.Records != c.Records || got.Bodies != c.Bodies ||
			got.Versions != c.Versions || got.Aliases != c.Aliases || got.Revisits != c.Revisits ||
			bodyBytes != c.BodyBytes || storedBytes != c.StoredBytes {
			report("totals say %+v, the buckets hold %+v (body bytes %d)", *c, got, bodyBytes)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			return fmt.Errorf("archive: check %s: %w", s.path, err)
		}
		return fmt.Errorf("archive: check %s: %w: %v", s.path, ErrCorrupt, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("archive: check %s: %w: %q", s.path, ErrCorrupt, problems)
	}
	return nil
}
