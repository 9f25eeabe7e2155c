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

// usedDict is a dictionary chosen for a body: its id (0: none), the hash
// of the body it is made of, and its content.
type usedDict struct {
	id      uint32
	src     [32]byte
	content []byte
}

// hostDict returns the dictionary to compress the host's next body with,
// or id 0.
func (s *Store) hostDict(host string) (usedDict, error) {
	if !s.dicts.enabled || host == "" {
		return usedDict{}, nil
	}
	s.dicts.mu.Lock()
	hd, ok := s.dicts.hosts[host]
	s.dicts.mu.Unlock()
	if ok {
		if c := s.codec.dict(hd.id); c != nil {
			return usedDict{hd.id, hd.src, c}, nil
		}
	}
	return s.storedDict(func(tx *bolt.Tx) []byte {
		return getKey(tx.Bucket(bucketHostDicts), indexKey(host))
	}, func(d usedDict) {
		s.dicts.mu.Lock()
		s.dicts.hosts[host] = hostDictEntry{id: d.id, src: d.src}
		s.dicts.mu.Unlock()
	})
}

// fallbackDict returns the dictionary for a host's first page: the
// archive's first host dictionary, or id 0 when there is none yet.
func (s *Store) fallbackDict() (usedDict, error) {
	if !s.dicts.enabled {
		return usedDict{}, nil
	}
	s.dicts.mu.Lock()
	fb := s.dicts.fallback
	s.dicts.mu.Unlock()
	if fb.id != 0 {
		if c := s.codec.dict(fb.id); c != nil {
			return usedDict{fb.id, fb.src, c}, nil
		}
	}
	return s.storedDict(func(tx *bolt.Tx) []byte {
		return tx.Bucket(bucketMeta).Get(metaFallbackDict)
	}, func(d usedDict) {
		s.dicts.mu.Lock()
		s.dicts.fallback = hostDictEntry{id: d.id, src: d.src}
		s.dicts.mu.Unlock()
	})
}

// storedDict reads the dictionary whose id key finds, with its content,
// and hands it to remember.
func (s *Store) storedDict(key func(tx *bolt.Tx) []byte, remember func(usedDict)) (usedDict, error) {
	var d usedDict
	err := s.view(func(tx *bolt.Tx) error {
		v := key(tx)
		if len(v) != 4 {
			return nil
		}
		d.id = binary.BigEndian.Uint32(v)
		copy(d.src[:], tx.Bucket(bucketDicts).Get(v))
		var err error
		d.content, err = s.dictBytes(tx, d.id)
		return err
	})
	if err != nil || d.id == 0 {
		return usedDict{}, err
	}
	remember(d)
	return d, nil
}

// dictBytes returns a stored dictionary's content, from the codec's cache
// or made again from the body it comes from.
func (s *Store) dictBytes(tx *bolt.Tx, id uint32) ([]byte, error) {
	if c := s.codec.dict(id); c != nil {
		return c, nil
	}
	v := tx.Bucket(bucketDicts).Get(dictKey(id))
	if len(v) != 32 {
		return nil, fmt.Errorf("%w: dictionary %d missing", ErrCorrupt, id)
	}
	bodyID, first, _, err := findBody(tx, [32]byte(v))
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, fmt.Errorf("%w: body of dictionary %d missing", ErrCorrupt, id)
	}
	raw, err := s.readBody(tx, bodyID)
	if err != nil {
		return nil, fmt.Errorf("dictionary %d: %w", id, err)
	}
	c := dictContent(raw)
	s.codec.addDict(id, c)
	return c, nil
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
	var content []byte
	switch b.Codec {
	case codecZstdDict:
		if content, err = s.dictBytes(tx, b.DictID); err != nil {
			return nil, err
		}
	case codecDelta:
		return s.readDelta(tx, id, b)
	}
	return s.codec.decompress(b, content)
}
