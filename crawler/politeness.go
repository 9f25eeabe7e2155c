package crawler

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/temoto/robotstxt"
)

// gate is the politeness state of one host: how many pages may be in
// flight (from request to stored and marked done), and when the next
// request may start.
type gate struct {
	sem   chan struct{}
	mu    sync.Mutex
	delay time.Duration // between request starts
	next  time.Time     // earliest start of the next request

	robotsOnce sync.Once
	robots     *robotstxt.Group // nil: everything allowed
	closed     atomic.Bool      // left alone for the rest of the Run
	strikes    atomic.Int32     // 429/5xx answers in a row (see run.retry)
}

// close leaves the host alone for the rest of the Run, and wakes nobody
// early: workers waiting at the gate see it when their turn comes.
func (g *gate) close() { g.closed.Store(true) }

// acquire waits for a free slot and for the host's next start time. It
// returns ctx's error when ctx ends first, holding nothing.
func (g *gate) acquire(ctx context.Context, now func() time.Time) error {
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	for {
		g.mu.Lock()
		t := now()
		wait := g.next.Sub(t)
		if wait <= 0 {
			g.next = t.Add(g.delay)
			g.mu.Unlock()
			return nil
		}
		g.mu.Unlock()
		// The host may be paused further while we sleep: loop and look again.
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			<-g.sem
			return ctx.Err()
		}
	}
}

func (g *gate) release() { <-g.sem }

// pause keeps the host quiet until t (a 429/503 back-off).
func (g *gate) pause(t time.Time) {
	g.mu.Lock()
	if t.After(g.next) {
		g.next = t
	}
	g.mu.Unlock()
}

// setDelay raises the spacing between request starts (Crawl-delay).
func (g *gate) setDelay(d time.Duration) {
	g.mu.Lock()
	if d > g.delay {
		g.delay = d
	}
	g.mu.Unlock()
}

// gates holds the gate of every host seen in a Run.
type gates struct {
	mu          sync.Mutex
	m           map[string]*gate
	parallelism int
	delay       time.Duration
}

func (gs *gates) get(host string) *gate {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g := gs.m[host]
	if g == nil {
		g = &gate{sem: make(chan struct{}, gs.parallelism), delay: gs.delay}
		gs.m[host] = g
	}
	return g
}

// maxRobotsBytes caps a robots.txt body (Google reads 500 KiB).
const maxRobotsBytes = 500 << 10

// loadRobots fetches the robots.txt of u's host once per Run and applies its
// Crawl-delay to the host's gate. A robots.txt that cannot be fetched allows
// everything (the page fetch then fails on its own); a 4xx allows
// everything; a 5xx or a 429 disallows everything for this Run (RFC 9309,
// 2.3.1.4: the site could not say what it allows).
func (r *run) loadRobots(ctx context.Context, g *gate, u *url.URL) {
	g.robotsOnce.Do(func() {
		ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru.String(), nil)
		if err != nil {
			return
		}
		req.Header.Set("User-Agent", r.cfg.UserAgent)
		resp, err := r.client.Do(req)
		if err != nil {
			r.cfg.log.Info("robots.txt not fetched", "url", ru.String(), "err", err)
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBytes))
		if err != nil {
			r.cfg.log.Info("robots.txt not read", "url", ru.String(), "err", err)
			return
		}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			// robotstxt.FromStatusAndBytes returns a "disallow all" for a
			// 5xx, but one that only its TestAgent honours: FindGroup on
			// it finds no group, which allows everything.
			g.robots = disallowAll(r.cfg.UserAgent)
			r.cfg.log.Warn("robots.txt answered an error: host not crawled this run",
				"url", ru.String(), "status", resp.StatusCode)
			return
		}
		data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
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
