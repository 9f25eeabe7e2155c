package archive

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// codec compresses and decompresses raw bodies. Encoders and decoders are
// safe for concurrent use (EncodeAll/DecodeAll); the ones bound to a
// dictionary are made on first use and kept.
type codec struct {
	level zstd.EncoderLevel
	plain *zstd.Encoder
	dec   *zstd.Decoder

	mu      sync.Mutex
	encs    map[uint32]*zstd.Encoder
	decs    map[uint32]*zstd.Decoder
	content map[uint32][]byte // dictionary id → raw dictionary content
}

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
		encs: map[uint32]*zstd.Encoder{}, decs: map[uint32]*zstd.Decoder{}, content: map[uint32][]byte{},
	}, nil
}

// addDict makes a dictionary known to the codec.
func (c *codec) addDict(id uint32, content []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.content[id]; !ok {
		c.content[id] = content
	}
}

func (c *codec) hasDict(id uint32) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.content[id]
	return ok
}

func (c *codec) encoder(id uint32) (*zstd.Encoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.encs[id]; ok {
		return e, nil
	}
	content, ok := c.content[id]
	if !ok {
		return nil, fmt.Errorf("%w: dictionary %d missing", ErrCorrupt, id)
	}
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(c.level), zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderDictRaw(id, content))
	if err != nil {
		return nil, err
	}
	c.encs[id] = e
	return e, nil
}

func (c *codec) decoder(id uint32) (*zstd.Decoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.decs[id]; ok {
		return d, nil
	}
	content, ok := c.content[id]
	if !ok {
		return nil, fmt.Errorf("%w: dictionary %d missing", ErrCorrupt, id)
	}
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30),
		zstd.WithDecoderDictRaw(id, content))
	if err != nil {
		return nil, err
	}
	c.decs[id] = d
	return d, nil
}

// compress returns the stored form of a raw body, against dictionary dictID
// when it is not zero.
func (c *codec) compress(raw []byte, dictID uint32) (*body, error) {
	b := &body{RawLen: len(raw)}
	if len(raw) == 0 {
		b.Codec = codecRaw
		return b, nil
	}
	enc := c.plain
	b.Codec = codecZstd
	if dictID != 0 {
		e, err := c.encoder(dictID)
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

// decompress returns the raw body of a stored one.
func (c *codec) decompress(b *body) ([]byte, error) {
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
		d, err := c.decoder(b.DictID)
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
		e.Close()
	}
	for _, d := range c.decs {
		d.Close()
	}
}
