package archive

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Store is an open archive file. Its methods are safe for concurrent use.
type Store struct {
	db     *bolt.DB
	path   string
	opts   Options
	log    *slog.Logger
	now    func() time.Time
	codec  *codec
	sites  *siteCache
	dicts  *dictState
	writes atomic.Int32 // writes waiting for or inside a transaction right now
	group  group        // writes waiting for the next transaction (see group.go)
	// batchDelay is how long a group of writes gathers (Options.BatchDelay).
	batchDelay time.Duration
	stopRel    chan struct{} // closed by Close: stops the releaser (see mapped.go)
	relDone    chan struct{} // closed when the releaser has stopped
	chunks     atomic.Int64  // chunks read by long reads (see chunkRead)
	closed     atomic.Bool
	mu         sync.Mutex   // serialises Close
	puts       sync.RWMutex // held (read) by Put and PutBatch, so Close waits for them
	// cpu bounds the pages being extracted and compressed at once to the
	// CPUs, however many goroutines call Put: more would only take turns
	// on the cores while each holds its working memory (a parsed page is
	// megabytes). Puts waiting for a commit hold none of it.
	cpu chan struct{}
}

// Open opens the archive at path, creating it when it does not exist and
// opts.ReadOnly is false. It returns ErrLocked (naming the file) when
// another process holds the file longer than opts.Timeout, ErrCorrupt when
// the file is not a readable archive, and ErrSchema when its schema version
// is not SchemaVersion.
func Open(path string, opts Options) (*Store, error) {
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("archive: open %s: %w", path, err)
		}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("archive: open %s: %w (the archive is a file)", path, syscall.EISDIR)
	}
	if err := precheck(path, opts.ReadOnly); err != nil {
		if !errors.Is(err, ErrCorrupt) {
			// The file could not be read (permissions): nothing is wrong
			// with it that a backup would fix.
			return nil, fmt.Errorf("archive: open %s: %w", path, err)
		}
		return nil, fmt.Errorf("archive: open %s: %w (restore it from a backup; it is not repaired automatically)", path, err)
	}
	bo := &bolt.Options{
		Timeout:      opts.Timeout,
		NoSync:       opts.NoSync,
		ReadOnly:     opts.ReadOnly,
		FreelistType: bolt.FreelistMapType,
		PageSize:     newFilePageSize,
	}
	switch {
	case opts.Timeout == 0:
		bo.Timeout = time.Nanosecond
	case opts.Timeout < 0:
		bo.Timeout = 0
	}
	db, err := bolt.Open(path, 0o644, bo)
	if err != nil {
		return nil, openError(path, opts.Timeout, err)
	}
	s := &Store{db: db, path: path, opts: opts, log: opts.Logger, now: opts.Now,
		cpu: make(chan struct{}, runtime.GOMAXPROCS(0)), batchDelay: opts.BatchDelay}
	if s.batchDelay <= 0 {
		s.batchDelay = 2 * time.Millisecond
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("archive: open %s: %w", path, err)
	}
	c, err := newCodec(opts.CompressionLevel)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("archive: open %s: %w", path, err)
	}
	s.codec = c
	s.sites = newSiteCache()
	s.dicts = newDictState(!opts.NoDictionary && !opts.ReadOnly)
	if !opts.ReadOnly {
		s.stopRel, s.relDone = make(chan struct{}), make(chan struct{})
		go s.releaser(s.stopRel, s.relDone)
	}
	return s, nil
}

// newFilePageSize is the page size of a new archive file (an existing one
// keeps the one it was made with). bbolt allocates whole pages to each
// node, so a node of compressed bodies, each a few KB, wastes half a page
// on average, and each commit leaves the pages it freed in the file: with
// 2 KB pages instead of the OS's 4 KB the same-site size benchmark's file
// is 1.14 times its data instead of 1.22, the demo site's 1.75 instead of
// 2.13, for the same CPU per record. The two meta pages then share one 4 KB
// block: a commit rewrites the one it does not update with the same bytes,
// so a torn write of that block leaves it whole on disks whose sectors are
// written atomically, as bbolt assumes of its pages anyway.
const newFilePageSize = 2048

// openError turns bbolt's open errors into the archive's.
func openError(path string, timeout time.Duration, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("archive: open %s: %w (gave up after %s; stop the other newsarchive process or raise --lock-timeout)",
			path, ErrLocked, timeout)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrInvalidMapping):
		return fmt.Errorf("archive: open %s: %w: %v (restore it from a backup; it is not repaired automatically)",
			path, ErrCorrupt, err)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("archive: open %s: %w", path, err)
	}
	// bbolt reports short and garbled files with plain errors.
	return fmt.Errorf("archive: open %s: %w: %v", path, ErrCorrupt, err)
}

// init checks the file's size against what bbolt's meta page says, creates
// the buckets of a new archive, and checks the schema version.
func (s *Store) init() (err error) {
	defer func() {
		// bbolt panics on some corrupt pages; report, never crash.
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	st, err := os.Stat(s.path)
	if err != nil {
		return err
	}
	if err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Size() > st.Size() {
			return fmt.Errorf("%w: file is %d bytes but its pages need %d (truncated?)", ErrCorrupt, st.Size(), tx.Size())
		}
		return nil
	}); err != nil {
		return err
	}
	check := func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("%w: not a newsarchive archive (no %q bucket)", ErrSchema, bucketMeta)
		}
		v := meta.Get(metaSchema)
		if len(v) != 4 {
			return fmt.Errorf("%w: no schema version stored", ErrSchema)
		}
		if got := binary.BigEndian.Uint32(v); got != SchemaVersion {
			return fmt.Errorf("%w: file has schema %d, this newsarchive reads %d (export it with the newsarchive that wrote it, "+
				"as JSONL and WARC, and import that into a new archive)", ErrSchema, got, SchemaVersion)
		}
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil && !optionalBuckets[string(name)] {
				return fmt.Errorf("%w: bucket %q missing", ErrCorrupt, name)
			}
		}
		return nil
	}
	if s.opts.ReadOnly {
		return s.db.View(check)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if empty {
			for _, name := range allBuckets {
				if _, err := tx.CreateBucket(name); err != nil {
					return err
				}
			}
			v := make([]byte, 4)
			binary.BigEndian.PutUint32(v, SchemaVersion)
			if err := tx.Bucket(bucketMeta).Put(metaSchema, v); err != nil {
				return err
			}
		}
		if err := check(tx); err != nil {
			return err
		}
		for name := range optionalBuckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Path returns the file name of the archive.
func (s *Store) Path() string { return s.path }

// Close releases the file. Calls after the first return nil.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Swap(true) {
		return nil
	}
	// Puts compress outside transactions: let them finish first; bbolt's
	// Close waits for the transactions (which may decompress).
	s.puts.Lock()
	defer s.puts.Unlock()
	var ferr error
	if !s.opts.ReadOnly {
		// The site counts still in memory (see sites.go).
		ferr = s.flushSites(s.db.Update, s.db.View)
		close(s.stopRel)
		<-s.relDone
	}
	err := errors.Join(ferr, s.db.Close())
	s.codec.close()
	if err != nil {
		return fmt.Errorf("archive: close %s: %w", s.path, err)
	}
	return nil
}

// view runs fn in a read transaction, turning a panic on a corrupt page
// into ErrCorrupt.
func (s *Store) view(fn func(tx *bolt.Tx) error) (err error) {
	if s.closed.Load() {
		return ErrClosed
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("archive: %s: %w: %v", s.path, ErrCorrupt, r)
		}
	}()
	return s.db.View(fn)
}

// update runs fn in a write transaction. When other writes are under way
// it joins their group (see group.go), so their commits (and fsyncs) are
// shared; alone it commits at once. fn must be idempotent: it may run
// again after another write of its group failed.
func (s *Store) update(fn func(tx *bolt.Tx) error) (err error) {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.opts.ReadOnly {
		return ErrReadOnly
	}
	n := s.writes.Add(1)
	defer s.writes.Add(-1)
	full := func(tx *bolt.Tx) (err error) {
		// A panic on a corrupt page becomes an error here, inside the
		// write's own function: its group is rolled back and run again
		// one write at a time, and only this one fails.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("archive: %s: %w: %v", s.path, ErrCorrupt, r)
			}
		}()
		// Keys of these buckets grow at the end: fill pages instead of
		// splitting them half-empty (bbolt's default, right for the
		// buckets keyed by hashes and URLs, whose inserts land anywhere).
		for _, name := range appendBuckets {
			tx.Bucket(name).FillPercent = 1.0
		}
		// URLs arrive in runs that ascend (listing pages, sitemaps,
		// numbered paths) as often as at random: 0.6 fills pages of runs
		// further than bbolt's 0.5 and leaves random inserts as full
		// (RecordWrites: file/data 1.18 in order and 1.24 shuffled, 1.20
		// and 1.24 at 0.5; 0.8 makes shuffled 1.27).
		tx.Bucket(bucketURLs).FillPercent = 0.6
		return fn(tx)
	}
	if n > 1 {
		return s.commitGrouped(full)
	}
	return s.commit(full)
}

// Stats are the archive's totals.
type Stats struct {
	Snapshots   int   `json:"snapshots"`   // fetches stored
	Revisits    int   `json:"revisits"`    // snapshots whose body was already stored (identical body or 304)
	Records     int   `json:"records"`     // article records
	Versions    int   `json:"versions"`    // versions of all records
	Aliases     int   `json:"aliases"`     // URLs that lead to a record
	NotArticles int   `json:"notArticles"` // snapshots the extractor said are not articles
	Bodies      int   `json:"bodies"`      // distinct bodies stored
	RawBytes    int64 `json:"rawBytes"`    // raw body bytes of all snapshots
	BodyBytes   int64 `json:"bodyBytes"`   // raw bytes of the distinct bodies
	StoredBytes int64 `json:"storedBytes"` // bytes the distinct bodies take compressed
	Dicts       int   `json:"dicts"`       // compression dictionaries
	Sites       int   `json:"sites"`       // hosts with a site profile
	FileBytes   int64 `json:"fileBytes"`   // size of the archive file
}

// Stats returns the archive's totals. It does not scan: the totals are kept
// up to date by every write.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.view(func(tx *bolt.Tx) error {
		c, err := decodeCounters(tx.Bucket(bucketMeta).Get(metaCounters))
		if err != nil {
			return err
		}
		st = Stats{
			Snapshots: int(c.Snapshots), Revisits: int(c.Revisits), Records: int(c.Records),
			Versions: int(c.Versions), Aliases: int(c.Aliases), NotArticles: int(c.NotArticles),
			Bodies: int(c.Bodies), RawBytes: int64(c.RawBytes), BodyBytes: int64(c.BodyBytes),
			StoredBytes: int64(c.StoredBytes),
			Dicts:       tx.Bucket(bucketDicts).Stats().KeyN,
			Sites:       tx.Bucket(bucketSites).Stats().KeyN,
			FileBytes:   tx.Size(),
		}
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("archive: stats: %w", err)
	}
	return st, ctx.Err()
}

// counters reads the running totals in a write transaction.
func txCounters(tx *bolt.Tx) (*counters, error) {
	return decodeCounters(tx.Bucket(bucketMeta).Get(metaCounters))
}

func putCounters(tx *bolt.Tx, c *counters) error {
	return tx.Bucket(bucketMeta).Put(metaCounters, encodeCounters(c))
}

var _ io.Closer = (*Store)(nil)

// Usage says how the archive file's bytes are used.
type Usage struct {
	FileBytes int64         `json:"fileBytes"` // size of the file's pages in use (bbolt's high-water mark)
	DataBytes int64         `json:"dataBytes"` // bytes of keys, values and page headers in use
	Buckets   []BucketUsage `json:"buckets"`
}

// BucketUsage is the part of Usage of one bucket.
type BucketUsage struct {
	Name      string `json:"name"`
	Keys      int    `json:"keys"`
	DataBytes int64  `json:"dataBytes"` // bytes in use
	PageBytes int64  `json:"pageBytes"` // bytes of the pages allocated to it
}

// Usage walks every page of the archive (slow on a big file) and reports
// how full they are: FileBytes / DataBytes is the file's overhead.
func (s *Store) Usage(ctx context.Context) (Usage, error) {
	var u Usage
	err := s.view(func(tx *bolt.Tx) error {
		u.FileBytes = tx.Size()
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			st := b.Stats()
			bu := BucketUsage{
				Name: string(name), Keys: st.KeyN,
				DataBytes: int64(st.BranchInuse + st.LeafInuse + st.InlineBucketInuse),
				PageBytes: int64(st.BranchAlloc + st.LeafAlloc),
			}
			u.DataBytes += bu.DataBytes
			u.Buckets = append(u.Buckets, bu)
			return nil
		})
	})
	if err != nil {
		return Usage{}, fmt.Errorf("archive: usage: %w", err)
	}
	return u, nil
}
