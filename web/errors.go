package web

import "errors"

var (
	// ErrNotFound is what an Archive returns (wrapped) when no record,
	// version or snapshot matches; the server answers 404.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable is what an Archive returns (wrapped) when it cannot
	// read right now, for instance because another process holds the
	// archive file; the server answers 503 with the error's text.
	ErrUnavailable = errors.New("archive unavailable")
	// ErrBadQuery is what an Archive returns (wrapped) for a query it
	// cannot run, such as a paging cursor it never gave out; the server
	// answers 400.
	ErrBadQuery = errors.New("bad query")
	// ErrNoArchive is returned by New when Options.Archive is nil.
	ErrNoArchive = errors.New("web: no archive given")
)
