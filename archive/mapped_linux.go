package archive

import (
	"errors"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped tells the kernel the process no longer needs the pages of
// the file's memory map (see mapped.go). It runs inside a read
// transaction, which keeps bbolt from remapping the file meanwhile. The
// map is shared and read-only: MADV_DONTNEED drops the process's mapping
// of each page, never its contents, which the next access maps again
// from the page cache or the file.
func (s *Store) releaseMapped() { releaseMappedWith(s, s.view) }

// releaseMappedWith is releaseMapped in a read transaction of view: the
// Store's, or bbolt's own while the Store closes.
func releaseMappedWith(s *Store, view func(func(*bolt.Tx) error) error) {
	err := view(func(tx *bolt.Tx) error {
		addr, size := s.db.Info().Data, uintptr(tx.Size())
		if addr == 0 || size == 0 {
			return nil
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, size, syscall.MADV_DONTNEED); errno != 0 {
			return errno
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrClosed) {
		// Only memory is at stake: say so and go on.
		s.log.Warn("archive: releasing mapped pages", "path", s.path, "err", err)
	}
}
