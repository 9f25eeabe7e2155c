package crawler

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/schollz/progressbar/v3"

	"github.com/newsarchive/newsarchive"
)

// Crawler crawls from a set of seeds into a Sink. Make one with New; Run
// may be called again when the previous Run returned (each Run is one pass
// over the seeds), but not concurrently.
type Crawler struct {
	cfg      *config
	frontier Frontier
	client   *http.Client
	colly    *colly.Collector
	mu       sync.Mutex // serialises Run
	running  atomic.Pointer[run]
}

// Stats counts what one Run did.
type Stats struct {
	// Pages is the number of pages emitted to the Sink, 304s included.
	Pages int
	// Fetched is the number of responses received: pages, sitemaps and
	// feeds, whatever their status.
	Fetched int
	// NotModified is the number of pages that answered 304.
	NotModified int
	// Skipped is the number of URLs not emitted on purpose: disallowed by
	// robots.txt, not HTML, or not a sitemap/feed/page at all.
	Skipped int
	// Fresh is the number of discovered pages not fetched because they
	// were fetched recently enough (see Options.History).
	Fresh int
	// Errors is the number of fetches that failed (network, caps, status).
	Errors int
	// Retries is the number of 429/503 retries.
	Retries int
	// Feeds is the number of sitemaps and feeds read.
	Feeds int
	// Bytes is the number of body bytes received.
	Bytes int64
	// Resumed is true when the Run continued an unfinished earlier Run.
	Resumed bool
	// Duration is how long the Run took.
	Duration time.Duration
}

// New checks opts and prepares a Crawler. It returns ErrNoSeeds, ErrNoSink,
// ErrBadSeed (naming the seed) or ErrBadOption (naming the option). It
// starts no goroutines and opens no connections.
func New(opts Options) (*Crawler, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	c := &Crawler{cfg: cfg, frontier: opts.Frontier}
	if c.frontier == nil {
		c.frontier = NewMemoryFrontier()
	}
	var rt http.RoundTripper
	if opts.Transport != nil {
		rt = opts.Transport
	} else {
		rt = newTransport(cfg.AllowPrivate, cfg.Parallelism, cfg.Timeout)
	}
	rt = &capTransport{next: rt, max: cfg.MaxBodyBytes, feedMax: maxFeedBytes, literals: !cfg.AllowPrivate}
	c.client = &http.Client{
		Transport: rt,
		Timeout:   cfg.Timeout,
		Jar:       &frontierJar{f: c.frontier, now: cfg.now},
	}
	c.client.CheckRedirect = c.checkRedirect
	c.colly = c.newCollector()
	return c, nil
}

// checkRedirect enforces MaxRedirects, AllowedHosts, robots.txt and the
// hosts' politeness on every hop.
func (c *Crawler) checkRedirect(req *http.Request, via []*http.Request) error {
	if c.cfg.MaxRedirects == 0 {
		return http.ErrUseLastResponse
	}
	if len(via) > c.cfg.MaxRedirects {
		return fmt.Errorf("%s: %w (more than %d)", via[0].URL, ErrTooManyRedirects, c.cfg.MaxRedirects)
	}
	if !c.cfg.hostAllowed(req.URL.String()) {
		return fmt.Errorf("%s: %w", req.URL, ErrRedirectNotAllowed)
	}
	// robots.txt is asked at every hop, but not for the hops of a
	// robots.txt fetch (its own host's rules are being fetched).
	if r := c.running.Load(); r != nil && !c.cfg.IgnoreRobots && req.Context().Value(robotsFetch{}) == nil {
		g := r.gates.get(req.URL.Host)
		r.loadRobots(r.keep, g, req.URL)
		if !robotsAllowed(g, req.URL) {
			if g.robotsErr != nil {
				return fmt.Errorf("%s: %w", req.URL, g.robotsErr)
			}
			return fmt.Errorf("%s: %w", req.URL, ErrRobotsDisallowed)
		}
	}
	// A hop to another host waits for that host's slot and delay, as a
	// fetch of it would.
	if r := c.running.Load(); r != nil {
		if st, ok := r.fetches.Load(via[0].Header.Get(fetchHeader)); ok {
			return r.hop(st.(*fetchState), req.URL)
		}
	}
	return nil
}

// Run crawls until the frontier is empty, MaxPages pages were emitted, the
// Sink or the Frontier fails, or ctx ends. When ctx ends, requests in
// flight finish and their pages reach the Sink, nothing new starts, and
// the frontier is left so that the next Run resumes. Run returns the Stats
// in every case; its error is ctx.Err() when ctx ended, and wraps ErrSink
// or ErrFrontier when those failed.
func (c *Crawler) Run(ctx context.Context) (Stats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := time.Now()
	r := &run{
		Crawler:  c,
		ctx:      ctx,
		keep:     context.WithoutCancel(ctx),
		gates:    gates{m: map[string]*gate{}, hosts: c.cfg.Hosts, parallelism: c.cfg.Parallelism, delay: c.cfg.Delay},
		seen:     map[uint64]bool{},
		inFlight: map[uint64]bool{},
		retried:  map[uint64]int{},
		hints:    map[uint64][]newsarchive.Hint{},
		storing:  make(chan struct{}, storingSlots()),
	}
	if c.cfg.Progress != nil {
		max := int64(-1)
		if c.cfg.MaxPages > 0 {
			max = int64(c.cfg.MaxPages)
		}
		r.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(c.cfg.Progress),
			progressbar.OptionSetDescription("crawling"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("pages"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(c.cfg.Progress) }),
		)
	}
	c.running.Store(r)
	defer c.running.Store(nil)
	err := r.start()
	if err == nil {
		err = r.loop()
	}
	if r.bar != nil {
		_ = r.bar.Finish()
	}
	r.stats.Duration = time.Since(start)
	c.cfg.log.Info("crawl done", "pages", r.stats.Pages, "fetched", r.stats.Fetched,
		"not_modified", r.stats.NotModified, "skipped", r.stats.Skipped, "fresh", r.stats.Fresh,
		"errors", r.stats.Errors, "resumed", r.stats.Resumed, "dur", r.stats.Duration, "err", err)
	return r.stats, err
}

// run is the state of one Run.
type run struct {
	*Crawler
	ctx  context.Context // ends dispatching
	keep context.Context // for work in flight: not cancelled with ctx
	gen  uint64
	bar  *progressbar.ProgressBar

	gates     gates
	storing   chan struct{} // a slot per page being stored (see storingSlots)
	linkCache linkCache
	sched     sched

	mu       sync.Mutex
	seen     map[uint64]bool               // URLs queued (or listed) in this Run
	inFlight map[uint64]bool               // URLs being fetched
	retried  map[uint64]int                // retries per URL in this Run
	hints    map[uint64][]newsarchive.Hint // more hints for queued URLs
	stats    Stats
	retries  int

	// fetches are the fetches in flight by their fetchHeader value, for
	// checkRedirect to find the host slot a fetch holds.
	fetches  sync.Map // string → *fetchState
	fetchSeq atomic.Uint64
}

// start opens the frontier and finds the generation to work on.
func (r *run) start() error {
	if err := r.frontier.Init(); err != nil {
		return fmt.Errorf("%w: init: %v", ErrFrontier, err)
	}
	gen, err := currentGeneration(r.frontier)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFrontier, err)
	}
	r.gen = gen
	n, err := r.frontier.QueueSize()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFrontier, err)
	}
	r.stats.Resumed = n > 0
	if r.stats.Resumed {
		r.cfg.log.Info("resuming crawl", "queued", n)
	}
	return nil
}

// claim marks an item in flight; false when it already is.
func (r *run) claim(it *item) bool {
	k := hashKey(it.URL)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inFlight[k] {
		return false
	}
	r.inFlight[k] = true
	r.seen[k] = true
	return true
}

func (r *run) release(it *item) {
	r.mu.Lock()
	delete(r.inFlight, hashKey(it.URL))
	r.mu.Unlock()
}

// isDone reports whether url is done in this generation.
func (r *run) isDone(url string) (bool, error) {
	done, err := r.frontier.IsVisited(doneID(r.gen, url))
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrFrontier, err)
	}
	return done, nil
}

// requeue adds an item at the end of the queue.
func (r *run) requeue(it *item) error {
	if err := r.frontier.AddRequest(it.marshal()); err != nil {
		return fmt.Errorf("%w: %v", ErrFrontier, err)
	}
	return nil
}

// markDone records url as done in this generation.
func (r *run) markDone(url string) error {
	if err := r.frontier.Visited(doneID(r.gen, url)); err != nil {
		return fmt.Errorf("%w: %v", ErrFrontier, err)
	}
	return nil
}

// commitChunk caps the requests queued in one Frontier commit.
const commitChunk = 1000

// commit queues items and marks urls done in this generation: in one
// durable step when the Frontier is a Leaser, else one write each, the
// items first.
func (r *run) commit(items []*item, done []string) error {
	l, ok := r.frontier.(Leaser)
	if !ok {
		for _, it := range items {
			if err := r.requeue(it); err != nil {
				return err
			}
		}
		for _, u := range done {
			if err := r.markDone(u); err != nil {
				return err
			}
		}
		return nil
	}
	reqs := make([][]byte, len(items))
	for i, it := range items {
		reqs[i] = it.marshal()
	}
	ids := make([]uint64, len(done))
	for i, u := range done {
		ids[i] = doneID(r.gen, u)
	}
	if err := l.Commit(reqs, ids); err != nil {
		return fmt.Errorf("%w: %v", ErrFrontier, err)
	}
	return nil
}

// admit reports whether a URL found in a page, sitemap or feed is to be
// queued: not when it was seen in this Run, is done in this generation, is
// not allowed, or (for pages, when History is set) is not due for a
// revisit. A URL admitted counts as seen: the caller must queue it.
func (r *run) admit(it *item) (bool, error) {
	if !r.cfg.hostAllowed(it.URL) {
		return false, nil
	}
	if it.Kind == kindPage && !r.cfg.patternAllowed(it.URL) {
		return false, nil
	}
	k := hashKey(it.URL)
	r.mu.Lock()
	if r.seen[k] {
		// A feed and a sitemap may both list a URL: keep what each says.
		if len(it.Hints) > 0 {
			r.hints[k] = append(r.hints[k], it.Hints...)
		}
		r.mu.Unlock()
		return false, nil
	}
	r.seen[k] = true
	r.mu.Unlock()
	done, err := r.isDone(it.URL)
	if err != nil || done {
		return false, err
	}
	if it.Kind == kindPage && r.cfg.History != nil {
		if first, last, ok := r.cfg.History(it.URL); ok &&
			!RevisitDue(first, last, r.cfg.now(), r.cfg.RevisitMin, r.cfg.RevisitMax) {
			r.count(func(s *Stats) { s.Fresh++ })
			return false, nil
		}
	}
	return true, nil
}

// count updates the stats under the lock.
func (r *run) count(f func(*Stats)) {
	r.mu.Lock()
	f(&r.stats)
	r.mu.Unlock()
}
