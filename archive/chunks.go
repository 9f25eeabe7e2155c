package archive

import (
	"context"

	bolt "go.etcd.io/bbolt"
)

// scanChunks reads a bucket keyed by 8-byte sequence numbers in key order,
// in short read transactions, so that a long scan never holds back a
// writer or keeps freed pages from being reused. visit is called in the
// transaction for each entry and says whether it kept something; once
// chunk entries are kept the transaction ends and flush runs outside it
// (to write what was kept, say), then the scan resumes after the last key
// visited. flush runs once more at the end, and also after a chunk that
// kept nothing.
func (s *Store) scanChunks(ctx context.Context, bucket []byte, chunk int,
	visit func(tx *bolt.Tx, id uint64, v []byte) (kept bool, err error), flush func() error) error {
	var after uint64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		kept, more := 0, false
		err := s.view(func(tx *bolt.Tx) error {
			cur := tx.Bucket(bucket).Cursor()
			for k, v := cur.Seek(u64key(after + 1)); k != nil; k, v = cur.Next() {
				if kept == chunk {
					more = true
					return nil
				}
				after = keyU64(k)
				ok, err := visit(tx, after, v)
				if err != nil {
					return err
				}
				if ok {
					kept++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		s.chunkRead()
		if err := flush(); err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}
