package archive

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// codec compresses and decompresses raw bodies. Encoders and decoders are
// safe for concurrent use (EncodeAll/DecodeAll). The ones bound to a
// dictionary, and the dictionaries' contents, are kept in small caches that
// drop the least recently used: an archive of many sites has many
// dictionaries, and an encoder with one costs megabytes. Callers hand the
// dictionary's content in when the cache may have dropped it.
type codec struct {
	level zstd.EncoderLevel
	plain *zstd.Encoder
	dec   *zstd.Decoder

	mu      sync.Mutex
	clock   uint64 // ticks on every use, for least-recently-used eviction
	encs    map[encKey]*cached[*zstd.Encoder]
	decs    map[uint32]*cached[*zstd.Decoder]
	content map[uint32]*cached[[]byte] // dictionary id → raw dictionary content
}

// encKey names an encoder with a dictionary: the dictionary and the level.
type encKey struct {
	dict  uint32
	level zstd.EncoderLevel
}

// cached is a cache entry with the time of its last use.
type cached[T any] struct {
	v    T
	used uint64
}

// Cache sizes, measured: a dictionary's content is up to 128 KB, an
// encoder with a dictionary about 3.5 MB per page it compresses at once
// (with the window below; 11 MB with zstd's default), a decoder with one
// about 0.2 MB. At most about 16 + 28 + 7 MB in all with one CPU, and
// 3.5 MB more per CPU for each encoder used on several CPUs at once.
const (
	maxCachedDicts    = 128
	maxCachedEncoders = 8
	maxCachedDecoders = 32
)

// dictWindow is the window of encoders with a dictionary: the dictionary
// (at most 128 KB) and a page fit; a bigger window costs memory, not ratio.
const dictWindow = 1 << 19

// errNoDict is returned when a dictionary is neither cached nor given.
var errNoDict = errors.New("dictionary not loaded")

func newCodec(level int) (*codec, error) {
	lv := zstd.SpeedDefault
	switch {
	case level == 1:
		lv = zstd.SpeedFastest
	case level == 3:
		lv = zstd.SpeedBetterCompression
	case level >= 4:
		lv = zstd.SpeedBestCompression
	}
	plain, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(lv), zstd.WithEncoderConcurrency(2))
	if err != nil {
		return nil, err
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(2), zstd.WithDecoderMaxMemory(1<<30))
	if err != nil {
		return nil, err
	}
	return &codec{
		level: lv, plain: plain, dec: dec,
		encs: map[encKey]*cached[*zstd.Encoder]{}, decs: map[uint32]*cached[*zstd.Decoder]{},
		content: map[uint32]*cached[[]byte]{},
	}, nil
}

// evict drops the least recently used entries of m until it has room for
// one more. Dropped encoders and decoders are not closed: another
// goroutine may still be using one; the garbage collector takes them.
func evict[K comparable, T any](m map[K]*cached[T], max int) {
	for len(m) >= max {
		var oldest K
		first := true
		var at uint64
		for id, e := range m {
			if first || e.used < at {
				oldest, at, first = id, e.used, false
			}
		}
		delete(m, oldest)
	}
}

// addDict caches a dictionary's content.
func (c *codec) addDict(id uint32, content []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	if e, ok := c.content[id]; ok {
		e.used = c.clock
		return
	}
	evict(c.content, maxCachedDicts)
	c.content[id] = &cached[[]byte]{v: content, used: c.clock}
}

// dict returns a cached dictionary's content, or nil.
func (c *codec) dict(id uint32) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.content[id]
	if !ok {
		return nil
	}
	c.clock++
	e.used = c.clock
	return e.v
}

// contentLocked returns the dictionary's content: the one given, else the
// cached one.
func (c *codec) contentLocked(id uint32, content []byte) ([]byte, error) {
	if content != nil {
		return content, nil
	}
	if e, ok := c.content[id]; ok {
		return e.v, nil
	}
	return nil, fmt.Errorf("dictionary %d: %w", id, errNoDict)
}

func (c *codec) encoder(id uint32, content []byte, level zstd.EncoderLevel) (*zstd.Encoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	key := encKey{id, level}
	if e, ok := c.encs[key]; ok {
		e.used = c.clock
		return e.v, nil
	}
	content, err := c.contentLocked(id, content)
	if err != nil {
		return nil, err
	}
	// One encoder per CPU: Store.cpu lets a page per CPU compress at
	// once, and a site's pages share its dictionary's encoder.
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(level), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
		zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(dictWindow), zstd.WithEncoderDictRaw(id, content))
	if err != nil {
		return nil, err
	}
	evict(c.encs, maxCachedEncoders)
	c.encs[key] = &cached[*zstd.Encoder]{v: e, used: c.clock}
	return e, nil
}

func (c *codec) decoder(id uint32, content []byte) (*zstd.Decoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	if d, ok := c.decs[id]; ok {
		d.used = c.clock
		return d.v, nil
	}
	content, err := c.contentLocked(id, content)
	if err != nil {
		return nil, err
	}
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30),
		zstd.WithDecoderDictRaw(id, content))
	if err != nil {
		return nil, err
	}
	evict(c.decs, maxCachedDecoders)
	c.decs[id] = &cached[*zstd.Decoder]{v: d, used: c.clock}
	return d, nil
}

// compress returns the stored form of a raw body, against dictionary dictID
// (whose content is given, or cached) when it is not zero. own says the
// dictionary was made from a page of the body's own host: the body is then
// compressed at zstd's fastest level, which against its own site's page
// stores nearly the same bytes as the default level (same-site benchmark:
// 0.084 against 0.083 of gzip) in a third of the time (0.35 against 1.1 ms
// for a 140 KB page). Other bodies get the configured level, where the
// fastest would lose (unrelated pages: 1.003 against 0.949 of gzip).
func (c *codec) compress(raw []byte, dictID uint32, content []byte, own bool) (*body, error) {
	b := &body{RawLen: len(raw)}
	if len(raw) == 0 {
		b.Codec = codecRaw
		return b, nil
	}
	enc := c.plain
	b.Codec = codecZstd
	if dictID != 0 {
		level := c.level
		if own {
			level = zstd.SpeedFastest
		}
		e, err := c.encoder(dictID, content, level)
		if err != nil {
			return nil, err
		}
		enc = e
		b.Codec = codecZstdDict
		b.DictID = dictID
	}
	b.Data = enc.EncodeAll(raw, make([]byte, 0, len(raw)/4+64))
	if len(b.Data) >= len(raw) {
		b.Codec, b.DictID, b.Data = codecRaw, 0, raw
	}
	return b, nil
}

// decompress returns the raw body of a stored one; content is the
// dictionary's for codecZstdDict (nil: the cached one).
func (c *codec) decompress(b *body, content []byte) ([]byte, error) {
	switch b.Codec {
	case codecRaw:
		return append([]byte(nil), b.Data...), nil
	case codecZstd:
		out, err := c.dec.DecodeAll(b.Data, make([]byte, 0, b.RawLen))
		if err != nil {
			return nil, fmt.Errorf("%w: body: %v", ErrCorrupt, err)
		}
		return out, nil
	case codecZstdDict:
		d, err := c.decoder(b.DictID, content)
		if err != nil {
			return nil, err
		}
		out, err := d.DecodeAll(b.Data, make([]byte, 0, b.RawLen))
		if err != nil {
			return nil, fmt.Errorf("%w: body: %v", ErrCorrupt, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: body codec %d", ErrCorrupt, b.Codec)
}

func (c *codec) close() {
	c.plain.Close()
	c.dec.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.encs {
		e.v.Close()
	}
	for _, d := range c.decs {
		d.v.Close()
	}
}
