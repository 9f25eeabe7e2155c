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
	// ErrNoArchive is returned by New when Options.Archive is nil.
	ErrNoArchive = errors.New("web: no archive given")
)
