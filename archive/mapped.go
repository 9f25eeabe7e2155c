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
// every dropEvery bytes of bodies stored, the archive tells the kernel it
// no longer needs the mapped pages (madvise MADV_DONTNEED, where the system
// has it). The next read of a page maps it again, from the page cache when
// it is still there: nothing is lost, and what the process holds stays
// about flat however long a scheduled crawl runs.

// dropEvery is how many bytes of stored bodies may be written between two
// releases of the mapped pages.
const dropEvery = 64 << 20

// noteStored counts n bytes of stored bodies and releases the mapped pages
// when dropEvery bytes were stored since the last release.
func (s *Store) noteStored(n int) {
	if n <= 0 || s.stored.Add(int64(n)) < dropEvery {
		return
	}
	s.stored.Store(0)
	s.releaseMapped()
}
