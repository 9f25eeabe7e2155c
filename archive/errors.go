package archive

import "errors"

// Errors returned by Open.
var (
	// ErrLocked is returned by Open when another process holds the archive
	// file and the lock was not released within Options.Timeout. The error
	// names the file.
	ErrLocked = errors.New("archive is locked by another process")
	// ErrCorrupt is returned by Open when the file is not a bbolt database,
	// is truncated, or fails its checksums, and by reads that find a value
	// they cannot decode. The archive is never "repaired" silently.
	ErrCorrupt = errors.New("archive file is corrupt")
	// ErrSchema is returned by Open when the file is a bbolt database but
	// not a newsarchive archive of a schema version this package reads.
	ErrSchema = errors.New("archive schema version not supported")
)

// Errors returned by Store methods.
var (
	// ErrClosed is returned by methods called after Close.
	ErrClosed = errors.New("archive is closed")
	// ErrReadOnly is returned by writes to an archive opened ReadOnly.
	ErrReadOnly = errors.New("archive is opened read-only")
	// ErrNotFound is returned by Record, Versions and Diff when no record
	// has the id or URL asked for, or a version does not exist.
	ErrNotFound = errors.New("not found in archive")
	// ErrInvalidPage is returned by Put for a page without a URL.
	ErrInvalidPage = errors.New("invalid page")
	// ErrNotEmpty is returned by a JSONL import into an archive that
	// holds snapshots, or records imported from another file.
	ErrNotEmpty = errors.New("archive is not empty")
)
