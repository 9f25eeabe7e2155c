package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/newsarchive/newsarchive"
	bolt "go.etcd.io/bbolt"
)

// VersionInfo describes one stored version of a record.
type VersionInfo struct {
	Version     int       `json:"version"`
	ValidFrom   time.Time `json:"validFrom"`  // fetch time of the snapshot that first showed it
	SnapshotID  string    `json:"snapshotId"` // that snapshot
	ContentHash string    `json:"contentHash"`
	Headline    string    `json:"headline"`
	Extractor   string    `json:"extractor"`
}

// lookupRecord finds a record by id or by any of its URLs.
func lookupRecord(tx *bolt.Tx, idOrURL string) (uint64, *record, error) {
	var seq uint64
	if v := getKey(tx.Bucket(bucketRecordIDs), recordIDKey(idOrURL)); v != nil {
		seq = keyU64(v)
	} else if e, err := getURL(tx, indexKey(normURL(idOrURL))); err != nil {
		return 0, nil, err
	} else if e.Record != 0 {
		seq = e.Record
	} else {
		return 0, nil, fmt.Errorf("record %q: %w", idOrURL, ErrNotFound)
	}
	rec, err := getRecord(tx, seq)
	return seq, rec, err
}

// Record returns the latest version of the record with the given id, or
// the record one of whose URLs is idOrURL (any form that normalises to it),
// with the archive fields (urls, version, firstSeen, lastSeen, snapshots)
// filled as Export writes them. ErrNotFound when there is none.
func (s *Store) Record(ctx context.Context, idOrURL string) (*newsarchive.Article, error) {
	return s.RecordVersion(ctx, idOrURL, 0)
}

// RecordVersion is Record for one version (1 is the first); 0 means the
// latest. ErrNotFound when the record or the version does not exist.
func (s *Store) RecordVersion(ctx context.Context, idOrURL string, version int) (*newsarchive.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var a *newsarchive.Article
	err := s.view(func(tx *bolt.Tx) error {
		seq, rec, err := lookupRecord(tx, idOrURL)
		if err != nil {
			return err
		}
		if version > 0 && tx.Bucket(bucketVersions).Get(versionKey(seq, version)) == nil {
			return fmt.Errorf("record %s version %d: %w", rec.ID, version, ErrNotFound)
		}
		a, err = s.buildArticle(tx, seq, rec, version, time.Time{})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return a, nil
}

// Versions lists the stored versions of a record, oldest first.
func (s *Store) Versions(ctx context.Context, idOrURL string) ([]VersionInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []VersionInfo
	err := s.view(func(tx *bolt.Tx) error {
		seq, _, err := lookupRecord(tx, idOrURL)
		if err != nil {
			return err
		}
		prefix := u64key(seq)
		cur := tx.Bucket(bucketVersions).Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			ver, err := decodeVersion(v)
			if err != nil {
				return err
			}
			var a newsarchive.Article
			if err := json.Unmarshal(ver.Article, &a); err != nil {
				return fmt.Errorf("%w: version: %v", ErrCorrupt, err)
			}
			out = append(out, VersionInfo{
				Version: int(keyU32(k[8:])), ValidFrom: ver.ValidFrom,
				SnapshotID: strconv.FormatUint(ver.Snapshot, 10), ContentHash: a.ContentHash,
				Headline: a.Headline, Extractor: a.Extractor,
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return out, nil
}

// Diff compares two versions of a record word by word; from and to are
// version numbers (0 for to means the latest, 0 for from the one before
// to).
func (s *Store) Diff(ctx context.Context, idOrURL string, from, to int) (*Diff, error) {
	b, err := s.RecordVersion(ctx, idOrURL, to)
	if err != nil {
		return nil, err
	}
	if from == 0 {
		from = b.Version - 1
	}
	if from < 1 {
		return nil, fmt.Errorf("archive: record %s has no version before %d: %w", b.ID, b.Version, ErrNotFound)
	}
	a, err := s.RecordVersion(ctx, idOrURL, from)
	if err != nil {
		return nil, err
	}
	return DiffArticles(a, b), nil
}
