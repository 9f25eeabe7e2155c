package archive

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
// while memory allows; the process does not need them mapped. So after
// every releaseEvery bytes of pages written (bbolt's page allocations, a
// measure of what later transactions read back), the archive tells the
// kernel it no longer needs the mapped pages (madvise MADV_DONTNEED, where
// the system has it). The next read of a page maps it again, from the page
// cache when it is still there: nothing is lost, and what the process
// holds stays about flat however long a scheduled crawl runs.

// releaseEvery is how many bytes of pages may be written between two
// releases of the mapped pages. The crawl's random lookups (the visited
// set, the URL index, for every link of every page) and bbolt's
// copy-on-write, which moves every page it changes, keep touching new
// parts of the file: in the 100,000-page crawl the map's resident part
// grew by tens of MB a second, to 130 MB between releases every 64 MiB of
// stored bodies and to 90 MB every 32 MiB of pages written.
const releaseEvery = 16 << 20

// maybeReleaseMapped releases the mapped pages when releaseEvery bytes of
// pages were written since the last release.
func (s *Store) maybeReleaseMapped() {
	st := s.db.Stats()
	alloc := st.TxStats.GetPageAlloc()
	last := s.released.Load()
	if alloc-last < releaseEvery || !s.released.CompareAndSwap(last, alloc) {
		return
	}
	s.releaseMapped()
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
