package archive

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/klauspost/compress/s2"

	"github.com/newsarchive/newsarchive"
)

// This file holds every encoding of a bbolt key or value. Each value starts
// with a one-byte format version so the layout can evolve; decoders reject
// versions they do not know with ErrCorrupt.

const (
	snapshotFormat = 1
	recordFormat   = 1
	refFormat      = 1
	// Version formats: 1: Article JSON as the extractor made it; 2: with
	// the record's id, url and site and no archive fields; 3: format 2
	// compressed with S2 (stateless, so decoding needs no codec).
	versionFormat  = 3
	bodyFormat     = 1
	countersFormat = 1
	siteFormat     = 1
	importFormat   = 1
)

// encodeImportMark is the value of metaImportJSONL: the SHA-256 of the
// first line of the JSONL file an import started from.
func encodeImportMark(sum [32]byte) []byte {
	return append([]byte{importFormat}, sum[:]...)
}

// decodeImportMark reads a value of encodeImportMark.
func decodeImportMark(b []byte) ([32]byte, error) {
	var sum [32]byte
	if len(b) != 1+len(sum) || b[0] != importFormat {
		return sum, fmt.Errorf("%w: import mark of %d bytes, format %v", ErrCorrupt, len(b), b[:min(len(b), 1)])
	}
	copy(sum[:], b[1:])
	return sum, nil
}

// Body codecs.
const (
	codecRaw      = 0 // stored as is (empty or incompressible bodies)
	codecZstd     = 1 // zstd frame, no dictionary
	codecZstdDict = 2 // zstd frame against dictionary dictID
	codecDelta    = 3 // zstd frame of a delta (delta.go) against body BaseID
)

// u64key is the 8-byte big-endian key of a sequence number.
func u64key(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// keyU64 reads an 8-byte big-endian key.
func keyU64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// versionKey is the key of one version of a record.
func versionKey(rec uint64, version int) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint64(b, rec)
	binary.BigEndian.PutUint32(b[8:], uint32(version))
	return b
}

// refKey is the key of one snapshot ref of a record.
func refKey(rec, snap uint64) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, rec)
	binary.BigEndian.PutUint64(b[8:], snap)
	return b
}

// maxIndexKey is the longest URL, host or id stored as a key as it is;
// longer ones (bbolt refuses keys over 32 KB, and hostile sites make such
// URLs) are stored as their SHA-256, behind a 0 byte no URL starts with.
const maxIndexKey = 2048

// indexKey is the key of a URL, host or record id in the lookup buckets,
// nil for the empty string (which is never stored).
func indexKey(s string) []byte {
	if s == "" {
		return nil
	}
	if len(s) <= maxIndexKey {
		return []byte(s)
	}
	h := sha256.Sum256([]byte(s))
	return append([]byte("\x00sha256:"), h[:]...)
}

// siteBlockKey is the key of one block fingerprint of a host.
func siteBlockKey(host string, fp uint64) []byte {
	b := append(siteBlockPrefix(host), make([]byte, 0, 8)...)
	return binary.BigEndian.AppendUint64(b, fp)
}

// siteBlockPrefix is the prefix of all block keys of a host.
func siteBlockPrefix(host string) []byte {
	return append(indexKey(host), 0)
}

// enc appends fields to a byte slice.
type enc struct{ b []byte }

func (e *enc) byte(v byte)      { e.b = append(e.b, v) }
func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) bytes(v []byte)   { e.uvarint(uint64(len(v))); e.b = append(e.b, v...) }
func (e *enc) str(v string)     { e.uvarint(uint64(len(v))); e.b = append(e.b, v...) }
func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.varint(0)
		return
	}
	e.varint(t.UnixNano())
}
func (e *enc) strs(v []string) {
	e.uvarint(uint64(len(v)))
	for _, s := range v {
		e.str(s)
	}
}

// dec reads fields written by enc; the first error sticks.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated value", ErrCorrupt)
	}
	d.b = nil
}

func (d *dec) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes returns a copy, so values stay valid after the transaction.
func (d *dec) bytes() []byte {
	n := d.uvarint()
	if uint64(len(d.b)) < n {
		d.fail()
		return nil
	}
	v := append([]byte(nil), d.b[:n]...)
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string {
	n := d.uvarint()
	if uint64(len(d.b)) < n {
		d.fail()
		return ""
	}
	v := string(d.b[:n])
	d.b = d.b[n:]
	return v
}

func (d *dec) time() time.Time {
	n := d.varint()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func (d *dec) strs() []string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	if n == 0 {
		return nil
	}
	v := make([]string, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		v = append(v, d.str())
	}
	return v
}

func (d *dec) format(want byte, what string) {
	if got := d.byte(); d.err == nil && got != want {
		d.err = fmt.Errorf("%w: %s format %d, want %d", ErrCorrupt, what, got, want)
	}
}

// snapshot is one stored fetch.
type snapshot struct {
	URL          string // normalised URL the body came from
	RequestedURL string // URL asked for before redirects, or empty
	FetchedAt    time.Time
	Status       int
	Header       http.Header
	BodyID       uint64   // 0: no body
	BodyHash     [32]byte // SHA-256 of the raw body (zero when no body)
	RawLen       int      // raw body length
	RevisitOf    uint64   // earlier snapshot with the same body, or 0
	Record       uint64   // record sequence it belongs to, or 0
	Version      int      // record version it gave or confirmed, or 0
	ContentHash  string   // the article's content hash, or empty
	Extracted    bool     // the extractor ran on this body (or on an identical one)
	IsArticle    bool     // the extractor said it is an article
	ExtractErr   string   // why extraction failed, or empty
	// Hints are what a feed or news sitemap said of the URL when it was
	// fetched, kept so that a replay extracts with them too. An optional
	// tail of the value: snapshots stored before it have none.
	Hints []newsarchive.Hint
}

func encodeSnapshot(s *snapshot) []byte {
	e := enc{b: make([]byte, 0, 256)}
	e.byte(snapshotFormat)
	e.str(s.URL)
	e.str(s.RequestedURL)
	e.time(s.FetchedAt)
	e.uvarint(uint64(s.Status))
	keys := make([]string, 0, len(s.Header))
	for k := range s.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.strs(s.Header[k])
	}
	e.uvarint(s.BodyID)
	e.b = append(e.b, s.BodyHash[:]...)
	e.uvarint(uint64(s.RawLen))
	e.uvarint(s.RevisitOf)
	e.uvarint(s.Record)
	e.uvarint(uint64(s.Version))
	e.str(s.ContentHash)
	var flags byte
	if s.Extracted {
		flags |= 1
	}
	if s.IsArticle {
		flags |= 2
	}
	e.byte(flags)
	e.str(s.ExtractErr)
	if len(s.Hints) > 0 {
		e.uvarint(uint64(len(s.Hints)))
		for _, h := range s.Hints {
			e.str(h.Source)
			e.str(h.Headline)
			e.str(h.DatePublished)
		}
	}
	return e.b
}

func decodeSnapshot(b []byte) (*snapshot, error) {
	d := dec{b: b}
	d.format(snapshotFormat, "snapshot")
	s := &snapshot{}
	s.URL = d.str()
	s.RequestedURL = d.str()
	s.FetchedAt = d.time()
	s.Status = int(d.uvarint())
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
	}
	if d.err == nil && n > 0 {
		s.Header = make(http.Header, n)
		for i := uint64(0); i < n && d.err == nil; i++ {
			k := d.str()
			s.Header[k] = d.strs()
		}
	}
	s.BodyID = d.uvarint()
	if len(d.b) < 32 {
		d.fail()
	} else {
		copy(s.BodyHash[:], d.b[:32])
		d.b = d.b[32:]
	}
	s.RawLen = int(d.uvarint())
	s.RevisitOf = d.uvarint()
	s.Record = d.uvarint()
	s.Version = int(d.uvarint())
	s.ContentHash = d.str()
	flags := d.byte()
	s.Extracted = flags&1 != 0
	s.IsArticle = flags&2 != 0
	s.ExtractErr = d.str()
	if d.err == nil && len(d.b) > 0 {
		n := d.uvarint()
		if n > uint64(len(d.b)) {
			d.fail()
		}
		for i := uint64(0); i < n && d.err == nil; i++ {
			s.Hints = append(s.Hints, newsarchive.Hint{Source: d.str(), Headline: d.str(), DatePublished: d.str()})
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return s, nil
}

// record is the head of one article record; its versions and snapshot refs
// live in their own buckets.
type record struct {
	ID          string
	URL         string // canonical URL
	Site        string
	FirstSeen   time.Time
	LastSeen    time.Time
	Versions    int    // number of versions, the latest is Versions
	ContentHash string // content hash of the latest version
	Aliases     []string
}

func encodeRecord(r *record) []byte {
	e := enc{b: make([]byte, 0, 128)}
	e.byte(recordFormat)
	e.str(r.ID)
	e.str(r.URL)
	e.str(r.Site)
	e.time(r.FirstSeen)
	e.time(r.LastSeen)
	e.uvarint(uint64(r.Versions))
	e.str(r.ContentHash)
	e.strs(r.Aliases)
	return e.b
}

func decodeRecord(b []byte) (*record, error) {
	d := dec{b: b}
	d.format(recordFormat, "record")
	r := &record{}
	r.ID = d.str()
	r.URL = d.str()
	r.Site = d.str()
	r.FirstSeen = d.time()
	r.LastSeen = d.time()
	r.Versions = int(d.uvarint())
	r.ContentHash = d.str()
	r.Aliases = d.strs()
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

// ref is one snapshot of a record, as export lists it.
type ref struct {
	URL         string
	FetchedAt   time.Time
	Status      int
	ContentHash string
	Version     int
}

func encodeRef(r *ref) []byte {
	e := enc{b: make([]byte, 0, 96)}
	e.byte(refFormat)
	e.str(r.URL)
	e.time(r.FetchedAt)
	e.uvarint(uint64(r.Status))
	e.str(r.ContentHash)
	e.uvarint(uint64(r.Version))
	return e.b
}

func decodeRef(b []byte) (*ref, error) {
	d := dec{b: b}
	d.format(refFormat, "snapshot ref")
	r := &ref{}
	r.URL = d.str()
	r.FetchedAt = d.time()
	r.Status = int(d.uvarint())
	r.ContentHash = d.str()
	r.Version = int(d.uvarint())
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

// version is one stored version of a record: the article as extracted
// (JSON, as newsarchive.Article.MarshalJSON writes it, archive fields unset).
type version struct {
	ValidFrom time.Time // fetch time of the snapshot that first showed it
	Snapshot  uint64    // that snapshot
	Article   []byte    // JSON
	// Splice: Article carries the record's id, url and site and no archive
	// field (format 2), so export appends the archive fields to it
	// without decoding it.
	Splice bool
	// packed, when set, is Article as packArticle stored it, so the write
	// transaction does not compress.
	packed *packedArticle
}

// packedArticle is a spliceable article in the form a version stores it.
type packedArticle struct {
	format byte // 2: JSON as is, 3 (versionFormat): S2-compressed JSON
	data   []byte
}

// packArticle compresses a spliceable article (format 2) with S2 when
// that makes it smaller. Puts call it before their write transaction.
func packArticle(art []byte) *packedArticle {
	if len(art) >= 128 {
		if z := s2.EncodeBetter(nil, art); len(z) < len(art) {
			return &packedArticle{versionFormat, z}
		}
	}
	return &packedArticle{2, art}
}

func encodeVersion(v *version) []byte {
	pa := v.packed
	switch {
	case !v.Splice:
		pa = &packedArticle{1, v.Article}
	case pa == nil:
		pa = packArticle(v.Article)
	}
	e := enc{b: make([]byte, 0, len(pa.data)+24)}
	e.byte(pa.format)
	e.time(v.ValidFrom)
	e.uvarint(v.Snapshot)
	e.bytes(pa.data)
	return e.b
}

func decodeVersion(b []byte) (*version, error) {
	d := dec{b: b}
	v := &version{}
	f := d.byte()
	switch f {
	case 1:
	case 2, 3:
		v.Splice = true
	default:
		return nil, fmt.Errorf("%w: version format %d, want 1 to %d", ErrCorrupt, f, versionFormat)
	}
	v.ValidFrom = d.time()
	v.Snapshot = d.uvarint()
	v.Article = d.bytes()
	if d.err != nil {
		return nil, d.err
	}
	if f == 3 {
		n, err := s2.DecodedLen(v.Article)
		if err != nil || n > 64<<20 {
			return nil, fmt.Errorf("%w: version: bad compressed length", ErrCorrupt)
		}
		out, err := s2.Decode(make([]byte, n), v.Article)
		if err != nil {
			return nil, fmt.Errorf("%w: version: %v", ErrCorrupt, err)
		}
		v.Article = out
	}
	return v, nil
}

// body is one distinct raw body, compressed.
type body struct {
	Codec  byte
	DictID uint32
	RawLen int
	Data   []byte
	BaseID uint64 // for codecDelta: the body the delta applies to
}

func encodeBody(b *body) []byte {
	e := enc{b: make([]byte, 0, len(b.Data)+16)}
	e.byte(bodyFormat)
	e.byte(b.Codec)
	e.uvarint(uint64(b.DictID))
	e.uvarint(uint64(b.RawLen))
	if b.Codec == codecDelta {
		e.uvarint(b.BaseID)
	}
	e.b = append(e.b, b.Data...)
	return e.b
}

// decodeBody decodes without copying Data: use it inside the transaction.
func decodeBody(v []byte) (*body, error) {
	d := dec{b: v}
	d.format(bodyFormat, "body")
	b := &body{}
	b.Codec = d.byte()
	b.DictID = uint32(d.uvarint())
	b.RawLen = int(d.uvarint())
	if b.Codec == codecDelta {
		b.BaseID = d.uvarint()
	}
	if d.err != nil {
		return nil, d.err
	}
	b.Data = d.b
	return b, nil
}

// bodyHashPrefix is how many bytes of a body's SHA-256 key it in
// bucketBodyHashes. The index is looked up by random keys, so every commit
// rewrites most of its pages: short keys keep it (and a commit's writes)
// small. A body whose prefix is taken by another body is filed under its
// full hash; findBody tells them apart by the hash its first snapshot
// carries.
const bodyHashPrefix = 8

// bodyHashValue is the value of bucketBodyHashes: body id and first
// snapshot id, as uvarints.
func bodyHashValue(bodyID, firstSnap uint64) []byte {
	b := binary.AppendUvarint(make([]byte, 0, 8), bodyID)
	return binary.AppendUvarint(b, firstSnap)
}

func decodeBodyHashValue(v []byte) (bodyID, firstSnap uint64, err error) {
	d := dec{b: v}
	bodyID, firstSnap = d.uvarint(), d.uvarint()
	if d.err != nil || len(d.b) != 0 || bodyID == 0 || firstSnap == 0 {
		return 0, 0, fmt.Errorf("%w: body hash value %x", ErrCorrupt, v)
	}
	return bodyID, firstSnap, nil
}

// urlEntry is the value of bucketURLs, two uvarints.
type urlEntry struct {
	Record uint64 // sequence of the record the URL leads to (an alias), or 0
	Latest uint64 // latest snapshot of the URL that carried a body, or 0
}

func encodeURLEntry(e urlEntry) []byte {
	b := binary.AppendUvarint(make([]byte, 0, 8), e.Record)
	return binary.AppendUvarint(b, e.Latest)
}

func decodeURLEntry(v []byte) (urlEntry, error) {
	d := dec{b: v}
	e := urlEntry{Record: d.uvarint(), Latest: d.uvarint()}
	if d.err != nil || len(d.b) != 0 {
		return urlEntry{}, fmt.Errorf("%w: URL entry %x", ErrCorrupt, v)
	}
	return e, nil
}

// recordIDKey is the key of a record id in bucketRecordIDs, nil for the
// empty id: an id made by urlnorm.ID (16 lower-case hex digits) as its 8
// bytes behind a 1, any other id (an imported one) as indexKey stores it
// behind a 2.
func recordIDKey(id string) []byte {
	if id == "" {
		return nil
	}
	if len(id) == 16 && isLowerHex(id) {
		b := make([]byte, 1, 9)
		b[0] = 1
		b, _ = hex.AppendDecode(b, []byte(id))
		return b
	}
	return append([]byte{2}, indexKey(id)...)
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// counters are the archive's running totals, kept in bucketMeta so Stats
// does not scan.
type counters struct {
	Snapshots   uint64
	Revisits    uint64 // snapshots whose body was already stored (incl. 304s)
	RawBytes    uint64 // raw body bytes of all snapshots
	BodyBytes   uint64 // raw bytes of the distinct bodies
	StoredBytes uint64 // compressed bytes of the distinct bodies
	Bodies      uint64
	Records     uint64
	Versions    uint64
	Aliases     uint64
	NotArticles uint64 // snapshots extracted as not an article
}

func encodeCounters(c *counters) []byte {
	e := enc{b: make([]byte, 0, 64)}
	e.byte(countersFormat)
	for _, v := range []uint64{c.Snapshots, c.Revisits, c.RawBytes, c.BodyBytes, c.StoredBytes,
		c.Bodies, c.Records, c.Versions, c.Aliases, c.NotArticles} {
		e.uvarint(v)
	}
	return e.b
}

func decodeCounters(b []byte) (*counters, error) {
	c := &counters{}
	if b == nil {
		return c, nil
	}
	d := dec{b: b}
	d.format(countersFormat, "counters")
	for _, p := range []*uint64{&c.Snapshots, &c.Revisits, &c.RawBytes, &c.BodyBytes, &c.StoredBytes,
		&c.Bodies, &c.Records, &c.Versions, &c.Aliases, &c.NotArticles} {
		*p = d.uvarint()
	}
	if d.err != nil {
		return nil, d.err
	}
	return c, nil
}

// site is the head of a host's profile.
type site struct {
	Pages int // pages counted into the host's block counts
}

func encodeSite(s *site) []byte {
	e := enc{}
	e.byte(siteFormat)
	e.uvarint(uint64(s.Pages))
	return e.b
}

func decodeSite(b []byte) (*site, error) {
	d := dec{b: b}
	d.format(siteFormat, "site")
	s := &site{Pages: int(d.uvarint())}
	if d.err != nil {
		return nil, d.err
	}
	return s, nil
}

// encodeCount / decodeCount are the values of bucketSiteBlocks.
func encodeCount(n int) []byte { return binary.AppendUvarint(nil, uint64(n)) }

func decodeCount(b []byte) int {
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return 0
	}
	return int(v)
}

// keyU32 reads a 4-byte big-endian key part.
func keyU32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}
