package archive

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Per-host compression dictionaries. Pages of one site share most of their
// markup (head, navigation, sidebars, footer), which a body compressed on its
// own pays for again and again. The first HTML body of a host of at least
// minDictBody bytes becomes the host's raw zstd dictionary (its first and
// last bytes when it is long); later bodies of the host are compressed
// against it. A dictionary costs no extra storage: bucketDicts keeps only
// the SHA-256 of the body it is made of, and its id is derived from that
// hash, so the same body always gives the same dictionary. Dictionaries never
// change, so every body compressed with one stays readable.

const (
	minDictBody = 2 << 10
	maxDictHead = 96 << 10
	maxDictTail = 32 << 10
)

// dictState caches which dictionary each host uses.
type dictState struct {
	enabled bool
	mu      sync.Mutex
	hosts   map[string]hostDictEntry

	fallback hostDictEntry // the dictionary of hosts without one; id 0 until known
}

// hostDictEntry is a host's dictionary: its id and the hash of its body.
type hostDictEntry struct {
	id  uint32
	src [32]byte
}

func newDictState(enabled bool) *dictState {
	return &dictState{enabled: enabled, hosts: map[string]hostDictEntry{}}
}

// dictWorthy reports whether a body may become its host's dictionary: an
// HTML page of some size (a feed, a sitemap or an image would make a poor
// dictionary for the host's pages).
func dictWorthy(raw []byte) bool {
	return len(raw) >= minDictBody && strings.HasPrefix(http.DetectContentType(raw), "text/html")
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

// hostDict returns the dictionary to compress the host's next body with
// and the hash of the body it is made of, or 0.
func (s *Store) hostDict(host string) (uint32, [32]byte, error) {
	var src [32]byte
	if !s.dicts.enabled || host == "" {
		return 0, src, nil
	}
	s.dicts.mu.Lock()
	hd, ok := s.dicts.hosts[host]
	s.dicts.mu.Unlock()
	if ok && s.codec.hasDict(hd.id) {
		return hd.id, hd.src, nil
	}
	var id uint32
	err := s.view(func(tx *bolt.Tx) error {
		v := getKey(tx.Bucket(bucketHostDicts), indexKey(host))
		if len(v) != 4 {
			return nil
		}
		id = binary.BigEndian.Uint32(v)
		copy(src[:], tx.Bucket(bucketDicts).Get(v))
		return s.loadDict(tx, id)
	})
	if err != nil || id == 0 {
		return 0, src, err
	}
	s.dicts.mu.Lock()
	s.dicts.hosts[host] = hostDictEntry{id: id, src: src}
	s.dicts.mu.Unlock()
	return id, src, nil
}

// fallbackDict returns the dictionary for a host's first page: the
// archive's first host dictionary, or 0 when there is none yet.
func (s *Store) fallbackDict() (uint32, [32]byte, error) {
	var src [32]byte
	if !s.dicts.enabled {
		return 0, src, nil
	}
	s.dicts.mu.Lock()
	fb := s.dicts.fallback
	s.dicts.mu.Unlock()
	if fb.id != 0 && s.codec.hasDict(fb.id) {
		return fb.id, fb.src, nil
	}
	var id uint32
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMeta).Get(metaFallbackDict)
		if len(v) != 4 {
			return nil
		}
		id = binary.BigEndian.Uint32(v)
		copy(src[:], tx.Bucket(bucketDicts).Get(v))
		return s.loadDict(tx, id)
	})
	if err != nil || id == 0 {
		return 0, src, err
	}
	s.dicts.mu.Lock()
	s.dicts.fallback = hostDictEntry{id: id, src: src}
	s.dicts.mu.Unlock()
	return id, src, nil
}

// loadDict makes a stored dictionary known to the codec.
func (s *Store) loadDict(tx *bolt.Tx, id uint32) error {
	if s.codec.hasDict(id) {
		return nil
	}
	v := tx.Bucket(bucketDicts).Get(dictKey(id))
	if len(v) != 32 {
		return fmt.Errorf("%w: dictionary %d missing", ErrCorrupt, id)
	}
	hv := tx.Bucket(bucketBodyHashes).Get(v)
	if hv == nil {
		return fmt.Errorf("%w: body of dictionary %d missing", ErrCorrupt, id)
	}
	bodyID, _, err := decodeBodyHashValue(hv)
	if err != nil {
		return err
	}
	raw, err := s.readBody(tx, bodyID)
	if err != nil {
		return fmt.Errorf("dictionary %d: %w", id, err)
	}
	s.codec.addDict(id, dictContent(raw))
	return nil
}

// dictIDFor is the id of the dictionary made of the body with this hash.
func dictIDFor(hash [32]byte) uint32 { return binary.BigEndian.Uint32(hash[:4]) | 1 }

// ensureDict records, inside tx, that dictionary id is made of the body
// with hash src, and makes it the host's dictionary when the host has
// none. It returns false when id is taken by another body (a hash prefix
// collision), in which case nothing is written.
func ensureDict(tx *bolt.Tx, host string, id uint32, src [32]byte) (bool, error) {
	db := tx.Bucket(bucketDicts)
	if v := db.Get(dictKey(id)); v != nil {
		if !bytes.Equal(v, src[:]) {
			return false, nil
		}
	} else if err := db.Put(dictKey(id), src[:]); err != nil {
		return false, err
	}
	hb := tx.Bucket(bucketHostDicts)
	if key := indexKey(host); key != nil && hb.Get(key) == nil {
		if err := hb.Put(key, dictKey(id)); err != nil {
			return false, err
		}
	}
	return true, nil
}

// publishDict makes a committed dictionary usable. The host's entry is
// loaded on next use (it may have got another dictionary first).
func (s *Store) publishDict(host string, id uint32, content []byte) {
	if id == 0 {
		return
	}
	s.codec.addDict(id, content)
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
	switch b.Codec {
	case codecZstdDict:
		if err := s.loadDict(tx, b.DictID); err != nil {
			return nil, err
		}
	case codecDelta:
		return s.readDelta(tx, id, b)
	}
	return s.codec.decompress(b)
}
