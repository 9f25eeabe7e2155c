//go:build !linux

package archive

// releaseMapped does nothing here: the kernel reclaims the mapped pages
// when it needs the memory (see mapped.go).
func (s *Store) releaseMapped() {}
