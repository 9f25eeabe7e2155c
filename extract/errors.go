package extract

import "errors"

// Errors returned by Extract. They are wrapped with the page URL; test them
// with errors.Is.
var (
	// ErrEmpty is returned when the page has no body at all (for example a
	// 304 Not Modified, or a zero-length response).
	ErrEmpty = errors.New("extract: empty page body")
	// ErrNotHTML is returned when the body is not an HTML document: a
	// binary file, an image, a PDF, JSON or plain text.
	ErrNotHTML = errors.New("extract: not an HTML page")
	// ErrTooLarge is returned when the body is larger than
	// Options.MaxBodyBytes.
	ErrTooLarge = errors.New("extract: page body too large")
	// ErrNilPage is returned when Extract is called with a nil page.
	ErrNilPage = errors.New("extract: nil page")
)
