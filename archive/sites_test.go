package archive

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	bolt "go.etcd.io/bbolt"
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

// A flush is split into transactions of at most flushTxKeys block counts,
// keys in order, every pending count in exactly one of them and each
// host's page count with its first part.
func TestPlanFlush(t *testing.T) {
	counts := func(n int, from uint64) *siteDelta {
		d := &siteDelta{pages: 1, counts: map[uint64]int{}}
		for i := range n {
			d.counts[from+uint64(i)*7919] = 1
		}
		return d
	}
	for _, sizes := range [][]int{{0}, {1}, {flushTxKeys}, {flushTxKeys + 1}, {3, 0, flushTxKeys - 3, 5}, {5000, 2, 700}} {
		pending := map[string]*siteDelta{}
		var hosts []string
		for i, n := range sizes {
			h := fmt.Sprintf("h%d.example", i)
			hosts = append(hosts, h)
			pending[h] = counts(n, uint64(i))
		}
		txs := planFlush(hosts, pending)
		seen := map[string]map[uint64]bool{}
		firsts := map[string]int{}
		var last string
		var lastFP uint64
		for i, parts := range txs {
			keys := 0
			inTx := map[string]bool{}
			for _, part := range parts {
				keys += len(part.fps)
				if inTx[part.host] {
					t.Errorf("%v: tx %d: two parts of %s (flushSites keeps one result per host and transaction)", sizes, i, part.host)
				}
				inTx[part.host] = true
				if part.first {
					firsts[part.host]++
					if seen[part.host] != nil {
						t.Errorf("%v: tx %d: first part of %s after another", sizes, i, part.host)
					}
				}
				if seen[part.host] == nil {
					seen[part.host] = map[uint64]bool{}
				}
				for _, fp := range part.fps {
					if part.host < last || part.host == last && fp <= lastFP {
						t.Errorf("%v: tx %d: %s %d out of order", sizes, i, part.host, fp)
					}
					last, lastFP = part.host, fp
					if seen[part.host][fp] {
						t.Errorf("%v: %s %d written twice", sizes, part.host, fp)
					}
					seen[part.host][fp] = true
				}
			}
			if keys > flushTxKeys {
				t.Errorf("%v: tx %d of %d keys, want at most %d", sizes, i, keys, flushTxKeys)
			}
		}
		for _, h := range hosts {
			if firsts[h] != 1 || len(seen[h]) != len(pending[h].counts) {
				t.Errorf("%v: %s: %d first parts, %d of %d counts", sizes, h, firsts[h], len(seen[h]), len(pending[h].counts))
			}
		}
		total := 0
		for _, n := range sizes {
			total += n
		}
		if want := max(1, (total+flushTxKeys-1)/flushTxKeys); len(txs) != want {
			t.Errorf("%v: %d transactions, want %d", sizes, len(txs), want)
		}
	}
}

// When a transaction of a flush fails, what it and the ones after it
// would have written is put back, and what the ones before wrote is not:
// the next flush leaves every count exact, nothing lost or counted twice.
func TestFlushFailurePutsBackTheRest(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "a.db"), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const hosts, perHost = 3, flushTxKeys + 40 // several transactions
	blocks := make([]uint64, perHost)
	for i := range blocks {
		blocks[i] = uint64(i+1) * 104729
	}
	for range 2 {
		for h := range hosts {
			c := s.sites
			c.mu.Lock()
			d := c.pending[fmt.Sprint("h", h)]
			if d == nil {
				d = &siteDelta{counts: map[uint64]int{}}
				c.pending[fmt.Sprint("h", h)] = d
			}
			d.pages++
			c.pendingPages++
			for _, fp := range blocks {
				d.counts[fp]++
			}
			c.mu.Unlock()
		}
	}
	boom := errors.New("disk full")
	calls := 0
	failing := func(fn func(*bolt.Tx) error) error {
		calls++
		if calls == 2 {
			return boom
		}
		return s.update(fn)
	}
	if err := s.flushSites(failing, s.view); !errors.Is(err, boom) {
		t.Fatalf("flush: %v, want %v", err, boom)
	}
	if s.sites.pendingPages == 0 || s.sites.pendingPages == 2*hosts {
		t.Errorf("%d pages pending after a flush failed in its second transaction: want some, not all", s.sites.pendingPages)
	}
	if err := s.flushSites(s.update, s.view); err != nil {
		t.Fatal(err)
	}
	s.sites.reset()
	for h := range hosts {
		p, err := s.profile(fmt.Sprint("h", h))
		if err != nil {
			t.Fatal(err)
		}
		if p.pages != 2 {
			t.Errorf("h%d: %d pages, want 2", h, p.pages)
		}
		for _, fp := range blocks {
			if p.blocks[fp] != 2 {
				t.Errorf("h%d: block %d counted %d times, want 2", h, fp, p.blocks[fp])
				break
			}
		}
	}
}
