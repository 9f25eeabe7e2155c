package crawler

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors returned by New and Run, and found (with errors.Is) in the errors a
// fetch fails with. Fetch failures are counted in Stats.Errors and logged;
// they do not stop a Run.
var (
	// ErrNoSeeds is returned by New when Options.Seeds is empty.
	ErrNoSeeds = errors.New("crawler: no seeds")
	// ErrNoSink is returned by New when Options.Sink is nil.
	ErrNoSink = errors.New("crawler: no sink")
	// ErrBadSeed is returned by New for a seed that is not an absolute
	// http(s) URL; the error names the seed.
	ErrBadSeed = errors.New("crawler: bad seed URL")
	// ErrBadOption is returned by New for an option out of range or a
	// URL pattern that does not compile; the error names the option.
	ErrBadOption = errors.New("crawler: bad option")

	// ErrPrivateAddress is the error of a fetch whose host resolved to a
	// loopback, private, link-local, metadata or reserved address while
	// Options.AllowPrivate was false.
	ErrPrivateAddress = errors.New("refusing to connect to a private or reserved address (set AllowPrivate to allow it)")
	// ErrBodyTooLarge is the error of a fetch whose body, decompressed,
	// was longer than Options.MaxBodyBytes.
	ErrBodyTooLarge = errors.New("response body larger than the limit")
	// ErrTimeout is the error of a fetch that took longer than
	// Options.Timeout, body included (a server dripping bytes ends here).
	ErrTimeout = errors.New("request timed out")
	// ErrTooManyRedirects is the error of a fetch that was redirected more
	// than Options.MaxRedirects times (a redirect loop ends here).
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrRedirectNotAllowed is the error of a fetch redirected to a host
	// that is not allowed.
	ErrRedirectNotAllowed = errors.New("redirect to a host that is not allowed")
	// ErrRobotsDisallowed is the error of a fetch redirected to a URL that
	// its host's robots.txt disallows; the URL counts as Skipped.
	ErrRobotsDisallowed = errors.New("redirect to a URL disallowed by robots.txt")
	// ErrHostLeftAlone is the error of a fetch redirected to a host the
	// Run has stopped crawling (a Crawl-delay beyond MaxCrawlDelay, or
	// 429/5xx answers in a row); the URL counts as Skipped.
	ErrHostLeftAlone = errors.New("redirect to a host left alone for this run")
	// ErrRobotsUnreachable is the error of a fetch of a host whose
	// robots.txt could not be fetched for a network error (RFC 9309,
	// 2.3.1.4: assume complete disallow); it wraps that error too.
	ErrRobotsUnreachable = errors.New("robots.txt unreachable: host not crawled this run")
	// ErrRetryBudget is the error of a fetch that still answered 429 or
	// 502/503/504 when its retries (per URL or per run) were spent.
	ErrRetryBudget = errors.New("retry budget spent")

	// ErrSink wraps the error of a Sink that failed: Run stops and returns
	// it, because a Sink that cannot store pages means the archive is broken.
	ErrSink = errors.New("crawler: sink failed")
	// ErrFrontier wraps the error of a Frontier that failed: Run stops and
	// returns it.
	ErrFrontier = errors.New("crawler: frontier failed")
)

// StatusError is the error of a fetch that got an HTTP status the crawler
// does not emit as a page (for example 500 or 403). Status codes that are
// emitted (2xx, 304, 404, 410) are not errors.
type StatusError struct {
	URL  string
	Code int
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: HTTP %d %s", e.URL, e.Code, http.StatusText(e.Code))
}
