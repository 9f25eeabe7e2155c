package crawler

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/temoto/robotstxt"
)

// Hosts is the politeness state of hosts that several Crawlers share: the
// jobs of one schedule process, say, which may crawl the same site at the
// same time. Crawlers given the same Hosts (Options.Hosts) count their
// requests to a host together: at most the Parallelism of the first of
// them to reach the host in flight, request starts spaced by the Delay (or
// Crawl-delay) of the one that started the last, and a 429's pause holds
// for all of them. robots.txt is still read once per Run. The zero value
// is ready to use; a Hosts keeps one small entry per host it has seen.
type Hosts struct {
	mu sync.Mutex
	m  map[string]*limit
}

// limit returns the shared limit of host, made with parallelism slots if
// it is new.
func (h *Hosts) limit(host string, parallelism int) *limit {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]*limit{}
	}
	l := h.m[host]
	if l == nil {
		l = newLimit(parallelism)
		h.m[host] = l
	}
	return l
}

// limit is what the requests to one host wait for: a free slot, and the
// earliest time the next may start.
type limit struct {
	sem  chan struct{}
	mu   sync.Mutex
	next time.Time
}

func newLimit(parallelism int) *limit {
	return &limit{sem: make(chan struct{}, parallelism)}
}

// gate is the politeness state of one host in one Run: the host's limit
// (the Run's own, or shared through Options.Hosts), the spacing this Run
// keeps between request starts, and what the Run learned of the host.
type gate struct {
	lim   *limit
	mu    sync.Mutex
	delay time.Duration // between request starts

	robotsOnce sync.Once
	robots     *robotstxt.Group // nil: everything allowed
	robotsErr  error            // why robots.txt was unreachable: its pages fail with it
	closed     atomic.Bool      // left alone for the rest of the Run
	strikes    int              // 429/5xx answers in a row (see strike); under mu
	struck     time.Time        // when the last strike was counted; under mu
}

// strike counts a 429/5xx answer to a request sent at sent, received at
// now, and returns the answers of the kind in a row. The answers to a burst
// of requests sent before the last one counted are one strike, not one
// each: the host asked once to slow down.
func (g *gate) strike(sent, now time.Time) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if sent.After(g.struck) {
		g.strikes++
		g.struck = now
	}
	return g.strikes
}

// answered notes an answer that is not a 429/5xx: the strikes start over.
func (g *gate) answered() {
	g.mu.Lock()
	g.strikes = 0
	g.mu.Unlock()
}

// close leaves the host alone for the rest of the Run, and wakes nobody
// early: workers waiting at the gate see it when their turn comes.
func (g *gate) close() { g.closed.Store(true) }

// acquire waits for a free slot and for the host's next start time. It
// returns ctx's error when ctx ends first, holding nothing.
func (g *gate) acquire(ctx context.Context, now func() time.Time) error {
	l := g.lim
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	delay := g.delay
	g.mu.Unlock()
	for {
		l.mu.Lock()
		t := now()
		wait := l.next.Sub(t)
		if wait <= 0 {
			l.next = t.Add(delay)
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		// The host may be paused further while we sleep: loop and look again.
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			<-l.sem
			return ctx.Err()
		}
	}
}

func (g *gate) release() { <-g.lim.sem }

// pause keeps the host quiet until t (a 429/503 back-off).
func (g *gate) pause(t time.Time) {
	l := g.lim
	l.mu.Lock()
	if t.After(l.next) {
		l.next = t
	}
	l.mu.Unlock()
}

// setDelay raises the spacing between request starts (Crawl-delay).
func (g *gate) setDelay(d time.Duration) {
	g.mu.Lock()
	if d > g.delay {
		g.delay = d
	}
	g.mu.Unlock()
}

// hop moves the host slot a fetch holds to the host of a redirect's next
// hop, waiting there for a free slot and the host's delay like any request
// to it. The slot of the host that answered the redirect is released
// first: its request is over, and holding it while waiting for another
// host would deadlock two hosts that redirect to each other. A hop back to
// a host waits for it again. When r.ctx ends during the wait, hop returns
// its error and the fetch holds no slot (st.held is nil). A hop to a host
// the Run left alone returns ErrHostLeftAlone, the fetch holding a slot.
func (r *run) hop(st *fetchState, u *url.URL) error {
	g := r.gates.get(u.Host)
	if g == st.held {
		return nil
	}
	// A host the Run stopped crawling is not fetched through a redirect
	// either. The fetch keeps the slot it holds, which the caller
	// releases as after any failed fetch.
	if g.closed.Load() {
		return fmt.Errorf("%s: %w", u, ErrHostLeftAlone)
	}
	if st.held != nil {
		st.held.release()
		st.held = nil
	}
	// Politeness runs on the wall clock, whatever Options.Now says.
	if err := g.acquire(r.ctx, time.Now); err != nil {
		return fmt.Errorf("%s: waiting for the host: %w", u, err)
	}
	st.held = g
	if g.closed.Load() { // while we waited
		return fmt.Errorf("%s: %w", u, ErrHostLeftAlone)
	}
	return nil
}

// gates holds the gate of every host seen in a Run.
type gates struct {
	mu          sync.Mutex
	m           map[string]*gate
	hosts       *Hosts // nil: each gate has a limit of its own
	parallelism int
	delay       time.Duration
}

func (gs *gates) get(host string) *gate {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g := gs.m[host]
	if g == nil {
		g = &gate{delay: gs.delay}
		if gs.hosts != nil {
			g.lim = gs.hosts.limit(host, gs.parallelism)
		} else {
			g.lim = newLimit(gs.parallelism)
		}
		gs.m[host] = g
	}
	return g
}

// robotsFetch marks the context of a robots.txt request: its redirects
// are not checked against robots.txt.
type robotsFetch struct{}

// maxRobotsBytes caps a robots.txt body (Google reads 500 KiB).
const maxRobotsBytes = 500 << 10

// loadRobots fetches the robots.txt of u's host once per Run and applies its
// Crawl-delay to the host's gate. A 4xx allows everything; a 5xx or a 429,
// or a network error that a retry after robotsRetryWait did not mend,
// disallows everything for this Run (RFC 9309, 2.3.1.4: the site could not
// say what it allows; see robotsUnreachable).
func (r *run) loadRobots(ctx context.Context, g *gate, u *url.URL) {
	g.robotsOnce.Do(func() {
		ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
		ctx := context.WithValue(ctx, robotsFetch{}, true)
		code, body, err := r.fetchRobots(ctx, ru)
		if err != nil && !robotsNotTheSites(err) && r.ctx.Err() == nil {
			// Once more after a pause: a connection reset or a timeout
			// may pass, and without the file the host is not crawled at
			// all this Run. (ctx is not cancelled with the Run: a Run
			// being stopped tries no more.)
			r.cfg.log.Info("robots.txt not fetched: trying again", "url", ru.String(), "err", err, "in", robotsRetryWait)
			select {
			case <-r.ctx.Done():
			case <-time.After(robotsRetryWait):
				code, body, err = r.fetchRobots(ctx, ru)
			}
		}
		if err != nil {
			r.robotsUnreachable(g, ru, err)
			return
		}
		if code >= 500 || code == http.StatusTooManyRequests {
			// robotstxt.FromStatusAndBytes returns a "disallow all" for a
			// 5xx, but one that only its TestAgent honours: FindGroup on
			// it finds no group, which allows everything.
			g.robots = disallowAll(r.cfg.UserAgent)
			r.cfg.log.Warn("robots.txt answered an error: host not crawled this run",
				"url", ru.String(), "status", code)
			return
		}
		data, err := robotstxt.FromStatusAndBytes(code, body)
		if err != nil {
			r.cfg.log.Info("robots.txt not parsed", "url", ru.String(), "err", err)
			return
		}
		grp := data.FindGroup(r.cfg.UserAgent)
		g.robots = grp
		if grp == nil || grp.CrawlDelay <= 0 {
			return
		}
		if r.cfg.MaxCrawlDelay > 0 && grp.CrawlDelay > r.cfg.MaxCrawlDelay {
			// Going faster than asked is not polite; waiting hours between
			// requests never finishes a Run: leave the host alone.
			g.close()
			r.cfg.log.Warn("robots.txt crawl-delay longer than MaxCrawlDelay: host skipped",
				"url", ru.String(), "delay", grp.CrawlDelay, "max", r.cfg.MaxCrawlDelay)
			return
		}
		g.setDelay(grp.CrawlDelay)
		r.cfg.log.Info("robots.txt crawl-delay", "url", ru.String(), "delay", grp.CrawlDelay)
	})
}

// robotsUnreachable handles a robots.txt that could not be fetched or read.
// A network error (refused, reset, timed out, no such host) leaves the
// file undefined, and RFC 9309 (2.3.1.4) has the crawler assume complete
// disallow: the host is not crawled this Run, and its pages fail with
// ErrRobotsUnreachable (errors, not skips: the host could not be reached,
// which is what a job watching its errors wants to hear). Our own refusals
// are not the site's doing: a private address is refused for its pages
// too, with the error that says why, and a redirect we do not follow (too
// many, or to a host not allowed) makes the file unavailable (2.3.1.2),
// which allows everything; so does a body that does not decode. A Run
// being stopped fetches nothing more.
func (r *run) robotsUnreachable(g *gate, ru *url.URL, err error) {
	switch {
	case r.ctx.Err() != nil:
		return
	case robotsNotTheSites(err):
		r.cfg.log.Info("robots.txt not fetched: no rules", "url", ru.String(), "err", err)
		return
	}
	g.robots = disallowAll(r.cfg.UserAgent)
	g.robotsErr = fmt.Errorf("%s: %w: %w", ru, ErrRobotsUnreachable, err)
	r.cfg.log.Warn("robots.txt unreachable: host not crawled this run", "url", ru.String(), "err", err)
}

// robotsNotTheSites reports whether a robots.txt fetch failed for one of
// our own refusals, or for a body that is no file (gzip that does not
// decode), rather than for the site's server or the network.
func robotsNotTheSites(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, ErrPrivateAddress) || errors.Is(err, ErrTooManyRedirects) || errors.Is(err, ErrRedirectNotAllowed) ||
		errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)
}

// robotsRetryWait is how long a robots.txt fetch that failed for a network
// error waits before its one retry.
const robotsRetryWait = 500 * time.Millisecond

// fetchRobots fetches a robots.txt: its status and its first
// maxRobotsBytes, or the error of the request or of reading the body.
func (r *run) fetchRobots(ctx context.Context, ru *url.URL) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru.String(), nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("User-Agent", r.cfg.UserAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBytes))
	if errors.Is(err, ErrBodyTooLarge) {
		// Our own cap (Options.MaxBodyBytes), below maxRobotsBytes: the
		// rules are what fits in it, as RFC 9309 (2.5) has a crawler
		// parse what it read up to its limit.
		err = nil
	}
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

// disallowAll returns a robots.txt group that disallows every path.
func disallowAll(agent string) *robotstxt.Group {
	data, err := robotstxt.FromString("User-agent: *\nDisallow: /\n")
	if err != nil {
		panic(err) // a constant that parses
	}
	return data.FindGroup(agent)
}

// robotsAllowed reports whether u may be fetched under its host's
// robots.txt.
func robotsAllowed(g *gate, u *url.URL) bool {
	if g.robots == nil {
		return true
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return g.robots.Test(p)
}
