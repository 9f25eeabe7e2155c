package archive

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/procstat"
)

// rssFileKiB is the process's resident file-backed memory, in KiB.
func rssFileKiB(t *testing.T) int64 {
	t.Helper()
	kb := procstat.StatusKiB("RssFile")
	if kb == 0 {
		t.Skip("no RssFile in /proc/self/status")
	}
	return kb
}

// TestReleaseMapped reads every body of an archive through bbolt's map,
// releases the mapped pages, and checks that the process's file-backed RSS
// fell by about the archive's size and that every body still reads back
// byte for byte.
func TestReleaseMapped(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "a.db"), Options{Timeout: time.Second, NoSync: true, NoDictionary: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	const n, size = 200, 64 << 10 // 12.5 MiB that does not compress
	bodies := make(map[string][]byte, n)
	var pages []*newsarchive.Page
	for i := range n {
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		pages = append(pages, &newsarchive.Page{URL: "https://example.com/" + strconv.Itoa(i), Status: 200, Body: b})
	}
	res, err := s.PutBatch(ctx, pages)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		bodies[r.SnapshotID] = pages[i].Body
	}
	// The Store's own releaser runs once more after the writes: let it,
	// so that it does not release the pages read below before they are
	// measured.
	time.Sleep(3 * releaseInterval)
	readAll := func() {
		t.Helper()
		for id, want := range bodies {
			snap, err := s.Snapshot(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(snap.Body, want) {
				t.Fatalf("snapshot %s: body differs after releasing the map", id)
			}
		}
	}
	readAll()
	before := rssFileKiB(t)
	s.releaseMapped()
	after := rssFileKiB(t)
	if drop := before - after; drop < n*size/1024/2 {
		t.Errorf("RssFile %d KiB -> %d KiB after release: want a drop of about %d KiB", before, after, n*size/1024)
	}
	readAll() // the pages come back from the page cache or the file
}
