package archive

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt reads pages through a memory map. A file cut short (a copy that
// stopped half-way, a full disk) makes it touch pages past the end of the
// file, which kills the process with SIGSEGV/SIGBUS instead of returning an
// error. precheck reads bbolt's two meta pages itself before Open and
// refuses a file whose meta page points past its end.
//
// The layout read here is bbolt's on-disk format (version 2), which is
// stable: a page header of 16 bytes (id 8, flags 2, count 2, overflow 4),
// then the meta: magic 4, version 4, pageSize 4, flags 4, root bucket 16,
// freelist page 8, high-water page 8, txid 8, checksum 8 (FNV-64a of the
// meta fields before it), little-endian.

const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	boltPageHeader = 16
	boltMetaSum    = 56 // bytes of meta covered by the checksum

	boltFreelistFlag = 0x10 // page header flags of a freelist page
)

type boltMeta struct {
	pageSize uint32
	freelist uint64
	pgid     uint64
	txid     uint64
}

func parseBoltMeta(b []byte) (boltMeta, bool) {
	if len(b) < boltPageHeader+boltMetaSum+8 {
		return boltMeta{}, false
	}
	m := b[boltPageHeader:]
	le := binary.LittleEndian
	if le.Uint32(m) != boltMagic || le.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(m[:boltMetaSum])
	if h.Sum64() != le.Uint64(m[boltMetaSum:]) {
		return boltMeta{}, false
	}
	return boltMeta{pageSize: le.Uint32(m[8:]), freelist: le.Uint64(m[32:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
}

// precheck returns ErrCorrupt when the file at path is empty and to be
// opened read-only, or is a bbolt file whose pages reach
// past its end or whose freelist page is not one. Files it cannot make sense of are left to
// bbolt, which reports them without crashing.
func precheck(path string, readOnly bool) error {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 {
		if readOnly {
			// bbolt would try to write a new file's pages into it.
			return fmt.Errorf("%w: file is empty (0 bytes), not an archive", ErrCorrupt)
		}
		return nil // a new archive is made in it
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	m0, ok0 := parseBoltMeta(head[:n])
	var m1 boltMeta
	ok1 := false
	ps := int64(4096)
	if ok0 {
		ps = int64(m0.pageSize)
	}
	if ps >= 1024 && ps <= 1<<20 {
		second := make([]byte, 4096)
		if n, _ := f.ReadAt(second, ps); n > 0 {
			m1, ok1 = parseBoltMeta(second[:n])
		}
	}
	var m boltMeta
	switch {
	case ok0 && ok1:
		m = m0
		if m1.txid > m0.txid {
			m = m1
		}
	case ok0:
		m = m0
	case ok1:
		m = m1
	default:
		if size < 2*4096 {
			return fmt.Errorf("%w: file is %d bytes, too small to be an archive (truncated?)", ErrCorrupt, size)
		}
		return nil // bbolt reports it
	}
	need := int64(m.pgid) * int64(m.pageSize)
	if m.pgid > 1<<40 || need > size {
		return fmt.Errorf("%w: file is %d bytes but its pages need %d (truncated?)", ErrCorrupt, size, need)
	}
	if m.freelist != ^uint64(0) {
		if m.freelist >= m.pgid {
			return fmt.Errorf("%w: freelist page %d past the end (%d pages)", ErrCorrupt, m.freelist, m.pgid)
		}
		hdr := make([]byte, boltPageHeader)
		if _, err := f.ReadAt(hdr, int64(m.freelist)*int64(m.pageSize)); err != nil {
			return fmt.Errorf("%w: freelist page unreadable: %v", ErrCorrupt, err)
		}
		// bbolt panics in Open (writable) on a freelist page that is not
		// one: zeroed or overwritten.
		if id, flags := binary.LittleEndian.Uint64(hdr), binary.LittleEndian.Uint16(hdr[8:]); id != m.freelist || flags != boltFreelistFlag {
			return fmt.Errorf("%w: freelist page %d is not a freelist page (id %d, flags %#x)", ErrCorrupt, m.freelist, id, flags)
		}
		overflow := uint64(binary.LittleEndian.Uint32(hdr[12:]))
		if m.freelist+overflow+1 > m.pgid {
			return fmt.Errorf("%w: freelist runs past the end of the file", ErrCorrupt)
		}
	}
	return nil
}
