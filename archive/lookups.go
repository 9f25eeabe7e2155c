package archive

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// lookups looks keys up in the indexes a write transaction files pages
// into (URLs, body hashes, record ids) through one cursor per index, reused
// from lookup to lookup and from page to page of a batch: bbolt's Get
// allocates a cursor and grows its stack every time. Every Seek starts
// again from the bucket's root, so Puts between two lookups do not disturb
// the cursor. Make one for each run of a transaction function.
type lookups struct {
	tx                          *bolt.Tx
	urls, bodyHashes, recordIDs *bolt.Cursor // made on first use
}

func newLookups(tx *bolt.Tx) *lookups { return &lookups{tx: tx} }

// url is tx.Bucket(bucketURLs).Get(key), nil for a nil key.
func (l *lookups) url(key []byte) []byte { return l.get(&l.urls, bucketURLs, key) }

// bodyHash is tx.Bucket(bucketBodyHashes).Get(key).
func (l *lookups) bodyHash(key []byte) []byte { return l.get(&l.bodyHashes, bucketBodyHashes, key) }

// recordID is tx.Bucket(bucketRecordIDs).Get(key), nil for a nil key.
func (l *lookups) recordID(key []byte) []byte { return l.get(&l.recordIDs, bucketRecordIDs, key) }

func (l *lookups) get(c **bolt.Cursor, bucket, key []byte) []byte {
	if key == nil {
		return nil
	}
	if *c == nil {
		*c = l.tx.Bucket(bucket).Cursor()
	}
	// Seek finds the key or the next one; these buckets hold no nested
	// buckets, whose values Seek (like Get) would return as nil.
	if k, v := (*c).Seek(key); bytes.Equal(k, key) {
		return v
	}
	return nil
}
