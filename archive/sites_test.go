package archive

import (
	"path/filepath"
	"runtime"
	"testing"
)

// Counting a page of a host with thousands of known blocks must not copy
// the host's profile every time: the extractor reads the profile without
// locks, so each change publishes a new map, and a map of n blocks costs
// ~50 bytes a block to copy.
func TestCountPageCostIsBounded(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "a.db"), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const known = 4096
	blocks := make([]uint64, known)
	for i := range blocks {
		blocks[i] = uint64(i + 1)
	}
	page := blocks[:64] // a page shows a few dozen of the known blocks
	// Two pages showing every block make all of them known (counted twice).
	for range 2 {
		if err := s.countPage("big.example", blocks); err != nil {
			t.Fatal(err)
		}
	}
	const n = 200
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		if err := s.countPage("big.example", page); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	perPage := (after.TotalAlloc - before.TotalAlloc) / n
	t.Logf("%d bytes allocated a page", perPage)
	// A copy of the profile is ~200 KB; what a page counts, a few KB.
	if perPage > 32<<10 {
		t.Errorf("counting a page allocated %d bytes on a host of %d known blocks, want at most 32 KiB", perPage, known)
	}
	p, err := s.profile("big.example")
	if err != nil {
		t.Fatal(err)
	}
	if lag := 2 + n - p.pages; lag < 0 || lag > known/publishEntries {
		t.Errorf("profile of %d pages after %d counted: lag %d, want at most %d", p.pages, 2+n, lag, known/publishEntries)
	}
	if got := p.blocks[page[0]]; got != p.pages {
		t.Errorf("a block on every page counted on %d pages in a profile of %d pages", got, p.pages)
	}
}
