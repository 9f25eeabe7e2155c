//go:build !linux

package archive

import bolt "go.etcd.io/bbolt"

// releaseMapped does nothing here: the kernel reclaims the mapped pages
// when it needs the memory (see mapped.go).
func (s *Store) releaseMapped() {}

// releaseMappedWith does nothing either.
func releaseMappedWith(*Store, func(func(*bolt.Tx) error) error) {}
