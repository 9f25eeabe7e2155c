package archive

import (
	"encoding/binary"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Per-host compression dictionaries. Pages of one site share most of their
// markup (head, navigation, sidebars, footer), which a body compressed on its
// own pays for again and again. The first body of a host of at least
// minDictBody bytes becomes the host's raw zstd dictionary (its first and
// last bytes when it is long); later bodies of the host are compressed
// against it. A dictionary is stored once, in bucketDicts, and never
// changes, so every body compressed with it stays readable.

const (
	minDictBody = 2 << 10
	maxDictHead = 96 << 10
	maxDictTail = 32 << 10
)

// dictState caches which dictionary each host uses.
type dictState struct {
	enabled bool
	mu      sync.Mutex
	hosts   map[string]uint32 // 0: host has none yet
}

func newDictState(enabled bool) *dictState {
	return &dictState{enabled: enabled, hosts: map[string]uint32{}}
}

// dictContent makes a dictionary out of a raw body.
func dictContent(raw []byte) []byte {
	if len(raw) <= maxDictHead+maxDictTail {
		return append([]byte(nil), raw...)
	}
	out := make([]byte, 0, maxDictHead+maxDictTail)
	out = append(out, raw[:maxDictHead]...)
	return append(out, raw[len(raw)-maxDictTail:]...)
}

func dictKey(id uint32) []byte { return binary.BigEndian.AppendUint32(nil, id) }

// hostDict returns the dictionary id to compress the host's next body with,
// or 0.
func (s *Store) hostDict(host string) (uint32, error) {
	if !s.dicts.enabled || host == "" {
		return 0, nil
	}
	s.dicts.mu.Lock()
	id, ok := s.dicts.hosts[host]
	s.dicts.mu.Unlock()
	if ok && (id == 0 || s.codec.hasDict(id)) {
		return id, nil
	}
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketHostDicts).Get([]byte(host))
		if len(v) != 4 {
			id = 0
			return nil
		}
		id = binary.BigEndian.Uint32(v)
		return s.loadDict(tx, id)
	})
	if err != nil {
		return 0, err
	}
	if id != 0 {
		s.dicts.mu.Lock()
		s.dicts.hosts[host] = id
		s.dicts.mu.Unlock()
	}
	return id, nil
}

// loadDict makes a stored dictionary known to the codec.
func (s *Store) loadDict(tx *bolt.Tx, id uint32) error {
	if s.codec.hasDict(id) {
		return nil
	}
	v := tx.Bucket(bucketDicts).Get(dictKey(id))
	if v == nil {
		return fmt.Errorf("%w: dictionary %d missing", ErrCorrupt, id)
	}
	s.codec.addDict(id, append([]byte(nil), v...))
	return nil
}

// newHostDict stores raw as the host's dictionary inside tx when the host
// has none. It returns the new id and content, or 0.
func newHostDict(tx *bolt.Tx, host string, raw []byte) (uint32, []byte, error) {
	if host == "" || len(raw) < minDictBody {
		return 0, nil, nil
	}
	hb := tx.Bucket(bucketHostDicts)
	if hb.Get([]byte(host)) != nil {
		return 0, nil, nil
	}
	db := tx.Bucket(bucketDicts)
	seq, err := db.NextSequence()
	if err != nil {
		return 0, nil, err
	}
	id := uint32(seq)
	content := dictContent(raw)
	if err := db.Put(dictKey(id), content); err != nil {
		return 0, nil, err
	}
	if err := hb.Put([]byte(host), dictKey(id)); err != nil {
		return 0, nil, err
	}
	return id, content, nil
}

// publishDict makes a committed dictionary usable.
func (s *Store) publishDict(host string, id uint32, content []byte) {
	if id == 0 {
		return
	}
	s.codec.addDict(id, content)
	s.dicts.mu.Lock()
	s.dicts.hosts[host] = id
	s.dicts.mu.Unlock()
}

// readBody returns the raw body with the given id.
func (s *Store) readBody(tx *bolt.Tx, id uint64) ([]byte, error) {
	if id == 0 {
		return nil, nil
	}
	v := tx.Bucket(bucketBodies).Get(u64key(id))
	if v == nil {
		return nil, fmt.Errorf("%w: body %d missing", ErrCorrupt, id)
	}
	b, err := decodeBody(v)
	if err != nil {
		return nil, err
	}
	if b.Codec == codecZstdDict {
		if err := s.loadDict(tx, b.DictID); err != nil {
			return nil, err
		}
	}
	return s.codec.decompress(b)
}
