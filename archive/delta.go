package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// A delta describes a body as copies from a base body (the first fetch of
// the same URL) and literal bytes: a page fetched again on another day
// differs from its first fetch in a header date, a few teasers and
// counters, so the delta is a few hundred bytes where the page compressed
// on its own is tens of kilobytes. The delta is then compressed with zstd
// like any body.
//
// Format: a sequence of (literal length, literal bytes, copy length, copy
// offset when the copy length is not 0), uvarints, until the end of input.

const (
	deltaWindow   = 16 // bytes hashed to find a match
	deltaStep     = 4  // base offsets indexed: every deltaStep bytes
	deltaMinMatch = 32 // shorter matches are written as literals
	deltaTableLog = 17
)

var errBadDelta = errors.New("bad delta")

func deltaHash(b []byte) uint32 {
	x := binary.LittleEndian.Uint64(b) * 0x9E3779B185EBCA87
	y := binary.LittleEndian.Uint64(b[8:]) * 0xC2B2AE3D27D4EB4F
	return uint32((x ^ y) >> (64 - deltaTableLog))
}

// makeDelta returns the delta that turns base into target.
func makeDelta(base, target []byte) []byte {
	out := make([]byte, 0, len(target)/16+64)
	if len(base) < deltaWindow || len(target) < deltaWindow {
		return appendDeltaOp(out, target, 0, 0)
	}
	table := make([]uint32, 1<<deltaTableLog) // base offset + 1
	for i := 0; i+deltaWindow <= len(base); i += deltaStep {
		table[deltaHash(base[i:])] = uint32(i + 1)
	}
	lit := 0 // start of the pending literal
	p := 0
	for p+deltaWindow <= len(target) {
		c := int(table[deltaHash(target[p:])]) - 1
		if c < 0 || !bytes.Equal(target[p:p+deltaWindow], base[c:c+deltaWindow]) {
			p++
			continue
		}
		// Extend the match both ways.
		s, cs := p, c
		for s > lit && cs > 0 && target[s-1] == base[cs-1] {
			s, cs = s-1, cs-1
		}
		e, ce := p+deltaWindow, c+deltaWindow
		for e < len(target) && ce < len(base) && target[e] == base[ce] {
			e, ce = e+1, ce+1
		}
		if e-s < deltaMinMatch {
			p++
			continue
		}
		out = appendDeltaOp(out, target[lit:s], e-s, cs)
		p, lit = e, e
	}
	return appendDeltaOp(out, target[lit:], 0, 0)
}

func appendDeltaOp(out, lit []byte, copyLen, copyOff int) []byte {
	out = binary.AppendUvarint(out, uint64(len(lit)))
	out = append(out, lit...)
	out = binary.AppendUvarint(out, uint64(copyLen))
	if copyLen > 0 {
		out = binary.AppendUvarint(out, uint64(copyOff))
	}
	return out
}

// applyDelta rebuilds the target of a delta; size is the target's length.
func applyDelta(base, delta []byte, size int) ([]byte, error) {
	out := make([]byte, 0, size)
	for len(delta) > 0 {
		n, k := binary.Uvarint(delta)
		if k <= 0 || n > uint64(len(delta)-k) || uint64(len(out))+n > uint64(size) {
			return nil, errBadDelta
		}
		delta = delta[k:]
		out = append(out, delta[:n]...)
		delta = delta[n:]
		cl, k := binary.Uvarint(delta)
		if k <= 0 {
			return nil, errBadDelta
		}
		delta = delta[k:]
		if cl == 0 {
			continue
		}
		off, k := binary.Uvarint(delta)
		if k <= 0 || off > uint64(len(base)) || cl > uint64(len(base))-off || uint64(len(out))+cl > uint64(size) {
			return nil, errBadDelta
		}
		delta = delta[k:]
		out = append(out, base[off:off+cl]...)
	}
	if len(out) != size {
		return nil, errBadDelta
	}
	return out, nil
}

// Bodies bigger than maxDeltaBase are not used as bases; bodies smaller
// than minDeltaBody are not worth a delta.
const (
	maxDeltaBase = 8 << 20
	minDeltaBody = 1 << 10
)

// deltaBase returns the body a new body of the URL can be a delta of: the
// body of the URL's latest snapshot, or the base of that body when it is a
// delta itself (so a body is never more than one delta away from a whole
// one). Zero when there is none.
func (s *Store) deltaBase(norm string) (uint64, []byte, error) {
	var id uint64
	var raw []byte
	err := s.view(func(tx *bolt.Tx) error {
		e, err := getURL(tx, indexKey(norm))
		if err != nil || e.Latest == 0 {
			return err
		}
		snap, err := getSnapshot(tx, e.Latest)
		if err != nil || snap.BodyID == 0 {
			return err
		}
		bv := tx.Bucket(bucketBodies).Get(u64key(snap.BodyID))
		if bv == nil {
			return fmt.Errorf("%w: body %d missing", ErrCorrupt, snap.BodyID)
		}
		b, err := decodeBody(bv)
		if err != nil {
			return err
		}
		id = snap.BodyID
		if b.Codec == codecDelta {
			id = b.BaseID
		}
		raw, err = s.readBody(tx, id)
		return err
	})
	if err != nil || len(raw) > maxDeltaBase {
		return 0, nil, err
	}
	return id, raw, nil
}

// compressDelta returns body as a delta of base when that is smaller than
// alt (the body compressed on its own), else alt.
func (s *Store) compressDelta(baseID uint64, base, raw []byte, alt *body) (*body, error) {
	d := makeDelta(base, raw)
	// Never store what cannot be read back.
	if back, err := applyDelta(base, d, len(raw)); err != nil || !bytes.Equal(back, raw) {
		return alt, nil
	}
	// Always a zstd frame, even when a tiny delta would be smaller bare.
	z := s.codec.plain.EncodeAll(d, make([]byte, 0, len(d)/2+64))
	if len(z) >= len(alt.Data) {
		return alt, nil
	}
	return &body{Codec: codecDelta, BaseID: baseID, RawLen: len(raw), Data: z}, nil
}

// readDelta rebuilds a body stored as a delta.
func (s *Store) readDelta(tx *bolt.Tx, id uint64, b *body) ([]byte, error) {
	bv := tx.Bucket(bucketBodies).Get(u64key(b.BaseID))
	if bv == nil {
		return nil, fmt.Errorf("%w: body %d: base %d missing", ErrCorrupt, id, b.BaseID)
	}
	bb, err := decodeBody(bv)
	if err != nil {
		return nil, err
	}
	if bb.Codec == codecDelta {
		return nil, fmt.Errorf("%w: body %d: base %d is a delta", ErrCorrupt, id, b.BaseID)
	}
	base, err := s.readBody(tx, b.BaseID)
	if err != nil {
		return nil, err
	}
	ops, err := s.codec.decompress(&body{Codec: codecZstd, RawLen: b.RawLen / 8, Data: b.Data}, nil)
	if err != nil {
		return nil, err
	}
	out, err := applyDelta(base, ops, b.RawLen)
	if err != nil {
		return nil, fmt.Errorf("%w: body %d: %v", ErrCorrupt, id, err)
	}
	return out, nil
}
