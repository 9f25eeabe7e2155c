package archive

import (
	"context"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestScanChunks: every entry is visited once, in key order, across
// chunks; flush sees at most chunk kept entries at a time, and entries that
// are not kept do not count against the chunk.
func TestScanChunks(t *testing.T) {
	opts := DefaultOptions()
	opts.NoSync = true
	s, err := Open(filepath.Join(t.TempDir(), "c.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bucket := []byte("scan-test")
	if err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucket)
		if err != nil {
			return err
		}
		for i := uint64(1); i <= 11; i++ {
			if err := b.Put(u64key(i), []byte{byte(i % 2)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var visited, kept []uint64
	var flushes []int
	pending := 0
	err = s.scanChunks(context.Background(), bucket, 2, func(_ *bolt.Tx, id uint64, v []byte) (bool, error) {
		visited = append(visited, id)
		if v[0] == 1 { // odd ids are kept
			kept = append(kept, id)
			pending++
			return true, nil
		}
		return false, nil
	}, func() error {
		flushes = append(flushes, pending)
		pending = 0
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(visited) != 11 || visited[0] != 1 || visited[10] != 11 {
		t.Errorf("visited %v, want 1..11 once each", visited)
	}
	if len(kept) != 6 {
		t.Errorf("kept %v, want the 6 odd ids", kept)
	}
	for _, n := range flushes {
		if n > 2 {
			t.Errorf("a flush saw %d kept entries, more than the chunk of 2: %v", n, flushes)
		}
	}
	if len(flushes) != 3 {
		t.Errorf("flushes %v, want 3 (2+2+2)", flushes)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.scanChunks(ctx, bucket, 2, func(*bolt.Tx, uint64, []byte) (bool, error) { return true, nil }, func() error { return nil }); err == nil {
		t.Error("a cancelled scan returned no error")
	}
}
