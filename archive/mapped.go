package archive

import "time"

// The archive's share of the process's memory.
//
// bbolt reads the file through a shared, read-only memory map, and every
// page it reads stays mapped into the process, counted in its RSS, until
// the kernel wants the memory back. Reads are not the half of it: a write
// transaction that adds a key to a leaf copies the leaf's values out of the
// map to write the leaf anew, so in a crawl nearly every stored body is
// read back through the map once. A crawl of 100,000 pages reached 1.2 GB
// of RSS that way, while the process's own memory stayed under 80 MB.
//
// Those pages are clean copies of the file, which the page cache keeps
// while memory allows; the process does not need them mapped. So while
// the archive is written to, and during long reads, it tells the kernel
// every so often that it no longer needs the mapped pages (madvise
// MADV_DONTNEED, where the system has it). The next read of a page maps it again, from the page
// cache when it is still there: nothing is lost, and what the process
// holds stays about flat however long a scheduled crawl runs.

// releaseInterval is how often the mapped pages are released while the
// archive is written to. Counting what was written between releases did
// not bound what was read: a lookup touches one page, but the kernel maps
// the pages around it that are in the page cache too (fault-around, 64 KB
// by default, whatever bbolt's MADV_RANDOM says), and a crawl's archive is
// all in the page cache. Sampled every 50 ms, the map's resident part
// reached 96 MB between releases four times a second; ten times a second
// it stays within a few tens of MB. The cost is mapping the hot pages
// (branches, the leaves being appended to) again: minor faults, no I/O.
const releaseInterval = 100 * time.Millisecond

// releaser releases the mapped pages every releaseInterval while a write
// transaction runs or has run since the last tick, until stop is closed.
func (s *Store) releaser(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(releaseInterval)
	defer t.Stop()
	var last int64
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		st := s.db.Stats()
		alloc := st.TxStats.GetPageAlloc()
		if alloc != last || s.writes.Load() > 0 {
			last = alloc
			s.releaseMapped()
		}
	}
}

// releaseChunks is how many chunks of a long read (an export, a WARC
// export, a replay: a few hundred records or a few dozen snapshots each,
// a few MB) may pass between two releases of the mapped pages: such a
// read goes through the whole file once.
const releaseChunks = 8

// chunkRead counts one chunk of a long read and releases the mapped pages
// every releaseChunks chunks.
func (s *Store) chunkRead() {
	if s.chunks.Add(1)%releaseChunks == 0 {
		s.releaseMapped()
	}
}
