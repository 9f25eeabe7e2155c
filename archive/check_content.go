package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"

	bolt "go.etcd.io/bbolt"
)

// checkContents verifies what the structural pass of Check does not read:
// every stored body decompresses to the bytes its snapshot's SHA-256 names
// (the evidence is intact, not only present), and every version holds a
// record that parses as JSON (so an export never writes a garbled line).
// bbolt keeps no checksums of its own, so this is where flipped bytes
// inside a value are found. report returns false once enough problems are
// listed.
func (s *Store) checkContents(ctx context.Context, tx *bolt.Tx, report func(string, ...any) bool) error {
	checked := make(map[uint64]bool)
	cur := tx.Bucket(bucketSnapshots).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		snap, err := decodeSnapshot(v)
		if err != nil || snap.BodyID == 0 || checked[snap.BodyID] {
			continue // an undecodable snapshot is reported by the structural pass
		}
		checked[snap.BodyID] = true
		raw, err := s.readBody(tx, snap.BodyID)
		if err != nil {
			if !report("snapshot %d: body %d does not decompress: %v", keyU64(k), snap.BodyID, err) {
				return nil
			}
			continue
		}
		if sum := sha256.Sum256(raw); !bytes.Equal(sum[:], snap.BodyHash[:]) {
			if !report("snapshot %d: body %d is not the bytes that were fetched (SHA-256 differs)", keyU64(k), snap.BodyID) {
				return nil
			}
		}
	}
	vc := tx.Bucket(bucketVersions).Cursor()
	for k, v := vc.First(); k != nil; k, v = vc.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		ver, err := decodeVersion(v)
		switch {
		case err != nil:
			if !report("record %d version %d: %v", keyU64(k[:8]), versionNumber(k), err) {
				return nil
			}
		case !json.Valid(ver.Article):
			if !report("record %d version %d: the stored record is not valid JSON", keyU64(k[:8]), versionNumber(k)) {
				return nil
			}
		}
	}
	return nil
}

// versionNumber reads the version number of a bucketVersions key.
func versionNumber(k []byte) int {
	if len(k) < 12 {
		return 0
	}
	return int(binary.BigEndian.Uint32(k[8:12]))
}
