package archive

import (
	"log/slog"
	"time"

	"github.com/newsarchive/newsarchive"
)

// Options configure Open. The zero value of every field is usable and
// documented; DefaultOptions returns the values the command line uses.
type Options struct {
	// Timeout is how long Open waits for another process to release the
	// file lock before it returns ErrLocked. Zero fails at once when the
	// file is locked; a negative value waits for ever.
	Timeout time.Duration

	// Extract turns a fetched page into an article record. The archive
	// fills Page.SiteBlocks and Page.SitePages from what it has learned
	// about the page's host before calling it. Nil stores snapshots only:
	// no records are made.
	Extract func(*newsarchive.Page) (*newsarchive.Article, error)

	// Now returns the current time; it stamps pages that arrive without a
	// FetchedAt. Nil means time.Now.
	Now func() time.Time

	// Logger receives one line per stored page at debug level and
	// problems at warn level. Nil discards.
	Logger *slog.Logger

	// NoSync skips fsync after each commit (bbolt's NoSync): faster bulk
	// loads at the price of losing the last commits on a power failure
	// (a killed process loses nothing). False syncs every commit.
	NoSync bool

	// ReadOnly opens the file with a shared lock for reading only; Put and
	// the imports return ErrReadOnly. False opens for reading and writing,
	// creating the file when it does not exist.
	ReadOnly bool

	// CompressionLevel is the zstd level for raw bodies: 1 (fastest) to 4
	// (best). Zero means 2, zstd's default.
	CompressionLevel int

	// BatchDelay is how long a write waits for concurrent writes (Puts of
	// other crawler workers, frontier updates) to share its commit and its
	// fsync. Zero means 2ms; bbolt's own default, 10ms, would hold each
	// crawler worker that long on every write.
	BatchDelay time.Duration

	// NoDelta turns off deltas: a page fetched again is compressed on its
	// own instead of as the difference from its first fetch. False stores
	// a re-fetched page as a delta whenever that is smaller.
	NoDelta bool

	// NoDictionary turns off per-host compression dictionaries: every body
	// is compressed on its own. False learns one dictionary per host from
	// its first pages, which makes same-site bodies several times smaller.
	NoDictionary bool
}

// DefaultOptions returns the options the command line starts from: a lock
// timeout of 5 seconds, fsync on, per-host dictionaries on, no extractor.
func DefaultOptions() Options {
	return Options{Timeout: 5 * time.Second, CompressionLevel: 2}
}
