package crawler

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

// stateKey is the colly.Context key of a fetch's state.
const stateKey = "newsarchive.fetch"

// fetchState is what the colly callbacks learn about one fetch.
type fetchState struct {
	it       *item
	status   int
	sentURL  *url.URL    // the URL colly sent first: another one means a redirect
	finalURL string      // set only after a redirect
	header   http.Header // as received, before colly saw it
	body     []byte
	skip     string    // why the body was not read
	sent     time.Time // when the request was sent
	// held is the gate whose slot the fetch holds: its first host's, then
	// that of the host each redirect led to (see run.hop); nil when the
	// Run stopped while a redirect waited for its host.
	held *gate
}

// newCollector makes a colly collector that fetches through c.client and
// leaves every decision (revisits, robots, limits) to the crawler.
func (c *Crawler) newCollector() *colly.Collector {
	col := colly.NewCollector(
		colly.UserAgent(c.cfg.UserAgent),
		colly.AllowURLRevisit(),        // the frontier decides what was visited
		colly.ParseHTTPErrorResponse(), // every status reaches the callbacks
		colly.MaxBodySize(0),           // capTransport caps, and fails instead of truncating
		colly.IgnoreRobotsTxt(),        // politeness.go obeys robots.txt, Crawl-delay included
	)
	col.SetClient(c.client)
	col.OnResponseHeaders(func(r *colly.Response) {
		st, ok := r.Ctx.GetAny(stateKey).(*fetchState)
		if !ok {
			return
		}
		st.status = r.StatusCode
		if r.Request.URL != st.sentURL { // colly swaps the URL on redirects only
			st.finalURL = r.Request.URL.String()
		}
		st.header = r.Headers.Clone()
		if reason := st.reject(); reason != "" {
			st.skip = reason
			r.Request.Abort() // the body is not read
			return
		}
		// colly transcodes bodies to UTF-8 when Content-Type names a
		// charset; a Page carries the raw bytes, so hide the charset from it
		// (st.header keeps the original).
		if ct := r.Headers.Get("Content-Type"); strings.Contains(ct, ";") {
			mt, _, _ := strings.Cut(ct, ";")
			r.Headers.Set("Content-Type", strings.TrimSpace(mt))
		}
	})
	col.OnRequest(func(r *colly.Request) {
		if st, ok := r.Ctx.GetAny(stateKey).(*fetchState); ok {
			st.sentURL = r.URL
		}
	})
	col.OnResponse(func(r *colly.Response) {
		if st, ok := r.Ctx.GetAny(stateKey).(*fetchState); ok {
			st.body = r.Body
		}
	})
	return col
}

// emittedStatus reports whether a page with this status goes to the Sink.
// 404 and 410 do: they are evidence that an article went away.
func emittedStatus(code int) bool {
	return code >= 200 && code < 300 || code == http.StatusNotModified ||
		code == http.StatusNotFound || code == http.StatusGone
}

// reject says why a response's body is not worth reading, from its status
// and content type, or "".
func (st *fetchState) reject() string {
	if !emittedStatus(st.status) {
		return "status"
	}
	if st.status == http.StatusNotModified {
		return ""
	}
	// gzip was undone by the transport; any other encoding left would
	// reach the Sink as compressed bytes.
	if ce := strings.ToLower(strings.TrimSpace(st.header.Get("Content-Encoding"))); ce != "" && ce != "identity" {
		return "content-encoding " + ce
	}
	ct := st.header.Get("Content-Type")
	if ct == "" {
		return "" // decided from the body
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(ct), ";")
		mt = strings.TrimSpace(mt)
	}
	if isHTMLType(mt) {
		return ""
	}
	if st.it.Kind != kindPage && st.status < 300 && isFeedType(mt) {
		return ""
	}
	return "content-type " + mt
}

func isHTMLType(mt string) bool {
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// isFeedType reports content types a sitemap or feed may come with.
func isFeedType(mt string) bool {
	return strings.HasSuffix(mt, "xml") || strings.Contains(mt, "gzip") ||
		mt == "text/plain" || mt == "application/octet-stream" || mt == "application/json"
}

// isHTML reports whether a fetched body is HTML, by its header or, when
// the server sent none, by sniffing.
func (st *fetchState) isHTML() bool {
	ct := st.header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(st.body)
	}
	mt, _, _ := strings.Cut(strings.ToLower(ct), ";")
	return isHTMLType(strings.TrimSpace(mt))
}

// work fetches one item and does what its response calls for. It runs in
// its own goroutine.
func (r *run) work(it *item) outcome {
	u, err := url.Parse(it.URL)
	if err != nil {
		r.fail(it, err)
		return outcome{fatal: r.markDone(it.URL)}
	}
	g := r.gates.get(u.Host)
	if g.closed.Load() {
		r.skipped(it, "host left alone for this run")
		return outcome{fatal: r.markDone(it.URL)}
	}
	if !r.cfg.IgnoreRobots {
		r.loadRobots(r.keep, g, u)
		if !robotsAllowed(g, u) {
			if g.robotsErr != nil {
				r.fail(it, g.robotsErr)
			} else {
				r.skipped(it, "robots.txt")
			}
			return outcome{fatal: r.markDone(it.URL)}
		}
	}
	// Politeness runs on the wall clock, whatever Options.Now says.
	if err := g.acquire(r.ctx, time.Now); err != nil {
		return outcome{} // stopping: the item's lease is queued for the next Run
	}
	if g.closed.Load() { // while we waited
		g.release()
		r.skipped(it, "host left alone for this run")
		return outcome{fatal: r.markDone(it.URL)}
	}
	// The host's slot is held for the request only: politeness is about
	// what the host serves. Storing the page (extraction, compression, a
	// commit that waits for the disk) happens in one of the Run's storing
	// slots, which bound the bodies held in memory and, with Parallelism,
	// what a kill makes the next Run fetch again. Held through storing,
	// the host's slot left the cores idle while commits waited for fsync.
	st, dur, err := r.fetch(it, g)
	if st.held == nil {
		return outcome{} // stopped while a redirect waited for its host: as above
	}
	// From here on the host is the one that answered last, after any
	// redirects.
	g = st.held
	// A 429/5xx keeps the slot until retry has paused the host: released
	// first, it let a request waiting at the gate start before the pause.
	backOff := retryable(st.status) && (err == nil || errors.Is(err, colly.ErrAbortedAfterHeaders))
	if !backOff {
		g.release()
	}
	if st.status != 0 {
		r.count(func(s *Stats) { s.Fetched++; s.Bytes += int64(len(st.body)) })
		r.metrics().fetched(st.status, len(st.body), dur)
		if !retryable(st.status) {
			g.answered()
		}
	}
	if err == nil && it.Kind != kindPage {
		// A sitemap.xml.gz served with Content-Encoding: gzip is gzip
		// twice: the transport undid one layer.
		if body, ok := gunzipFeed(st.body); ok {
			st.body = body
		}
	}
	switch {
	case errors.Is(err, ErrRobotsDisallowed), errors.Is(err, ErrHostLeftAlone):
		r.skipped(it, err.Error())
	case err != nil && !errors.Is(err, colly.ErrAbortedAfterHeaders):
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			err = fmt.Errorf("%w (%v): %v", ErrTimeout, r.cfg.Timeout, err)
		}
		r.fail(it, err)
	case backOff:
		err := r.retry(it, st, g)
		g.release()
		if err == nil {
			return outcome{}
		}
		r.fail(it, err)
	case !emittedStatus(st.status):
		r.fail(it, &StatusError{URL: it.URL, Code: st.status})
	case st.skip != "":
		r.skipped(it, st.skip)
	case it.Kind != kindPage && st.status < 300 && sniffXML(st.body) != docOther:
		if err := r.readFeed(it, st); err != nil {
			return outcome{fatal: err}
		}
	case it.Kind == kindSitemap:
		r.skipped(it, "not a sitemap or feed")
	case st.status != http.StatusNotModified && !st.isHTML():
		r.skipped(it, "not HTML")
	default:
		r.storing <- struct{}{}
		defer func() { <-r.storing }()
		return r.emit(it, st, dur)
	}
	return outcome{fatal: r.markDone(it.URL)}
}

// fetch sends the request through colly, holding the slot of g, its
// host's gate; redirects may trade it for another host's (st.held).
func (r *run) fetch(it *item, g *gate) (*fetchState, time.Duration, error) {
	st := &fetchState{it: it, held: g}
	ctx := colly.NewContext()
	ctx.Put(stateKey, st)
	id := strconv.FormatUint(r.fetchSeq.Add(1), 10)
	r.fetches.Store(id, st)
	defer r.fetches.Delete(id)
	hdr := http.Header{}
	hdr.Set(fetchHeader, id)
	hdr.Set("User-Agent", r.cfg.UserAgent)
	if it.Kind == kindPage || it.Kind == kindSeed {
		hdr.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
	} else {
		hdr.Set("Accept", "application/xml,text/xml;q=0.9,*/*;q=0.8")
	}
	if it.Kind != kindPage {
		hdr.Set(feedHeader, "1")
	}
	if it.Kind != kindSitemap && r.cfg.Validators != nil {
		etag, lastMod := r.cfg.Validators(it.URL)
		if etag != "" {
			hdr.Set("If-None-Match", etag)
		}
		if lastMod != "" {
			hdr.Set("If-Modified-Since", lastMod)
		}
	}
	r.metrics().inFlight(1)
	start := time.Now()
	st.sent = start
	err := r.colly.Request(http.MethodGet, it.URL, nil, ctx, hdr)
	dur := time.Since(start)
	r.metrics().inFlight(-1)
	return st, dur, err
}

// emit hands a page to the Sink, queues its links, and marks it done —
// in that order, so a crash in between refetches rather than loses.
func (r *run) emit(it *item, st *fetchState, dur time.Duration) outcome {
	p := &newsarchive.Page{
		URL:       st.finalURL,
		FetchedAt: r.cfg.now().UTC(),
		Status:    st.status,
		Header:    st.header,
		Body:      st.body,
		Hints:     it.Hints,
	}
	r.mu.Lock()
	for _, h := range r.hints[hashKey(it.URL)] {
		if !slices.Contains(p.Hints, h) {
			p.Hints = append(p.Hints, h)
		}
	}
	r.mu.Unlock()
	if p.URL == "" || p.URL == it.URL {
		p.URL = it.URL // as queued: colly's WHATWG parser may have re-encoded it
	} else {
		p.RequestedURL = it.URL
	}
	if st.status == http.StatusNotModified {
		p.Body = nil
	}
	if err := r.cfg.Sink.Put(r.keep, p); err != nil {
		return outcome{emitted: false, fatal: fmt.Errorf("%w: %s: %w", ErrSink, p.URL, err)}
	}
	r.count(func(s *Stats) {
		s.Pages++
		if st.status == http.StatusNotModified {
			s.NotModified++
		}
	})
	r.metrics().page(st.status)
	if r.bar != nil {
		_ = r.bar.Add(1)
	}
	r.cfg.log.Info("fetched", "url", p.URL, "status", p.Status, "bytes", len(p.Body), "dur", dur)
	var queue []*item
	body := p.Body
	if st.status == http.StatusNotModified && r.cfg.StoredBody != nil && it.Depth < r.cfg.Depth {
		// Unchanged: its links are those of the body stored for it.
		body = r.cfg.StoredBody(p.URL)
	}
	if it.Depth < r.cfg.Depth && len(body) > 0 && !headerNoFollow(st.header) {
		for _, l := range links(body, p.URL, &r.linkCache) {
			next := &item{URL: l, Depth: it.Depth + 1}
			ok, err := r.admit(next)
			if err != nil {
				return outcome{emitted: true, fatal: err}
			}
			if ok {
				queue = append(queue, next)
			}
		}
	}
	done := []string{it.URL}
	if n, err := urlnorm.Clean(p.URL); err == nil && n != it.URL {
		// The page redirected to: done too, and not queued again this Run.
		r.mu.Lock()
		r.seen[hashKey(n)] = true
		r.mu.Unlock()
		done = append(done, n)
	}
	// The links are queued before (or as) the page is marked done.
	if err := r.commit(queue, done); err != nil {
		return outcome{emitted: true, fatal: err}
	}
	return outcome{emitted: true}
}

// readFeed queues what a sitemap, sitemap index or feed lists.
func (r *run) readFeed(it *item, st *fetchState) error {
	var (
		entries []listed
		err     error
		child   = kindPage
	)
	switch sniffXML(st.body) {
	case docSitemap:
		entries, err = parseSitemap(st.body, false)
	case docSitemapIndex:
		entries, err = parseSitemap(st.body, true)
		child = kindSitemap
	case docFeed:
		entries, err = parseFeed(st.body)
	}
	if err != nil && len(entries) == 0 {
		r.fail(it, fmt.Errorf("%s: %w", it.URL, err))
		return nil
	}
	r.count(func(s *Stats) { s.Feeds++ })
	r.cfg.log.Info("read sitemap or feed", "url", it.URL, "status", st.status, "bytes", len(st.body), "urls", len(entries))
	base := st.finalURL
	if base == "" {
		base = it.URL
	}
	var queue []*item
	for _, e := range entries {
		n, err := urlnorm.ResolveClean(base, e.URL)
		if err != nil {
			continue
		}
		next := &item{URL: n, Depth: it.Depth, Kind: child}
		if e.Hint != nil {
			next.Hints = []newsarchive.Hint{*e.Hint}
		}
		ok, err := r.admit(next)
		if err != nil {
			return err
		}
		if ok {
			queue = append(queue, next)
		}
		if len(queue) == commitChunk {
			if err := r.commit(queue, nil); err != nil {
				return err
			}
			queue = queue[:0]
		}
	}
	return r.commit(queue, nil)
}

// retryable reports whether a status says "not now": 429, and the 5xx a
// server or gateway gives when overloaded (502, 503, 504).
func retryable(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retry lets a URL that got 429 or 5xx be tried again, if the budgets
// allow, pausing its whole host meanwhile. When they do not, the host is
// paused all the same: a spent budget is no reason to come back sooner
// than asked. A host that gave such answers as many times in a row as one
// URL may get (MaxRetries+1), whichever URLs they were for (the answers to
// requests sent at once count as one), is left alone for the rest of the
// Run rather than asked again for each of its URLs.
func (r *run) retry(it *item, st *fetchState, g *gate) error {
	statusErr := &StatusError{URL: it.URL, Code: st.status}
	now := time.Now() // the pause is on the wall clock, like the gate
	strikes := g.strike(st.sent, now)
	wait, asked := retryAfter(st.header.Get("Retry-After"), now)
	if asked && r.cfg.MaxRetryWait > 0 && wait > r.cfg.MaxRetryWait {
		// Coming back sooner than asked is not polite, and waiting that
		// long would hold up the Run: leave the host alone until the next.
		g.close()
		r.cfg.log.Warn("host asked to wait longer than MaxRetryWait: left alone for this run",
			"url", it.URL, "status", st.status, "wait", wait, "max", r.cfg.MaxRetryWait)
		return fmt.Errorf("%w: asked to wait %v: %w", ErrRetryBudget, wait, statusErr)
	}
	k := hashKey(it.URL)
	giveUp := strikes > r.cfg.MaxRetries
	r.mu.Lock()
	n := r.retried[k]
	ok := !giveUp && n < r.cfg.MaxRetries && (r.cfg.RetryBudget == 0 || r.retries < r.cfg.RetryBudget)
	if ok {
		r.retried[k]++
		r.retries++
		r.stats.Retries++
	}
	r.mu.Unlock()
	if !asked {
		wait = min(r.cfg.RetryBase<<min(n, 16), r.cfg.MaxRetryWait)
	}
	wait += rand.N(wait/4 + 1) // jitter, so that paused crawlers do not return in step
	g.pause(now.Add(wait))
	if !ok {
		if giveUp {
			g.close()
			r.cfg.log.Warn("host keeps answering 429/5xx: left alone for this run",
				"url", it.URL, "status", st.status, "in_a_row", strikes)
		}
		return fmt.Errorf("%w: %w", ErrRetryBudget, statusErr)
	}
	r.cfg.log.Warn("backing off", "url", it.URL, "status", st.status, "wait", wait, "retry", n+1)
	r.metrics().retried()
	return nil // not done: the item's lease in the queue is the retry
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(365*24*time.Hour/time.Second) {
			s = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// RevisitDue reports whether a page discovered by a link (not a seed) is
// due for another fetch: the interval since the last fetch must reach a
// quarter of the page's known age (last fetch minus first fetch, or now
// minus first when that is longer), bounded by min and max. A page seen
// for the first time an hour ago is revisited hourly; one known for a
// month, about weekly; old pages every max.
func RevisitDue(first, last, now time.Time, min, max time.Duration) bool {
	age := now.Sub(first)
	interval := age / 4
	if interval < min {
		interval = min
	}
	if interval > max {
		interval = max
	}
	return now.Sub(last) >= interval
}

func (r *run) fail(it *item, err error) {
	r.count(func(s *Stats) { s.Errors++ })
	r.metrics().failed(err)
	r.cfg.log.Warn("fetch failed", "url", it.URL, "err", err)
}

func (r *run) skipped(it *item, why string) {
	r.count(func(s *Stats) { s.Skipped++ })
	r.metrics().skippedPage()
	r.cfg.log.Info("skipped", "url", it.URL, "reason", why)
}
