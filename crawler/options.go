package crawler

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

// Sink receives every page the crawler fetched. The archive's Store is
// adapted to it in cmd. Put is called from several goroutines at once. An
// error from Put stops the Run: the crawler does not continue when the
// archive cannot store what it fetched.
type Sink interface {
	Put(ctx context.Context, p *newsarchive.Page) error
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(ctx context.Context, p *newsarchive.Page) error

// Put calls f.
func (f SinkFunc) Put(ctx context.Context, p *newsarchive.Page) error { return f(ctx, p) }

// DefaultUserAgent is the User-Agent DefaultOptions sends. robots.txt groups
// for "newsarchive" apply to it.
const DefaultUserAgent = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"

// Options configures a Crawler. Start from DefaultOptions: its values are
// conservative enough for real sites. Each field says what its zero value
// means.
type Options struct {
	// Seeds are the URLs a crawl starts from: pages, sitemaps, sitemap
	// indexes, news sitemaps or RSS/Atom feeds. Required.
	Seeds []string
	// AllowedHosts are the hosts that may be fetched besides the seeds'
	// hosts, which always may (a leading "www." is ignored;
	// "*.example.com" allows every subdomain too). Empty: the seeds' hosts
	// only.
	AllowedHosts []string
	// URLPatterns are regular expressions one of which a followed link or
	// a URL listed by a sitemap or feed must match (seeds need not).
	// Empty: every URL on an allowed host.
	URLPatterns []string
	// Depth is how many link hops are followed from a seed. 0: the seeds
	// (and what their sitemaps and feeds list) only.
	Depth int
	// MaxPages caps the pages emitted in one Run. 0: no limit.
	MaxPages int

	// AllowPrivate allows fetching loopback, private, link-local and other
	// reserved addresses (tests, intranets). false: they are refused.
	AllowPrivate bool
	// IgnoreRobots skips robots.txt. false: robots.txt is obeyed,
	// Crawl-delay included.
	IgnoreRobots bool
	// MaxCrawlDelay is the longest robots.txt Crawl-delay the crawler
	// waits between requests; a host asking for more is skipped (its URLs
	// count as Skipped), rather than crawled faster than it asked or so
	// slowly that a scheduled Run never ends. 0: any Crawl-delay is obeyed.
	MaxCrawlDelay time.Duration

	// Parallelism is the number of requests in flight per host. Fetched
	// pages are then stored (Sink.Put) in a Run-wide pool of 16 pages per
	// CPU, so a kill makes the next Run fetch again at most Parallelism
	// pages per host plus that pool. 0: 1.
	Parallelism int
	// Hosts, when set, shares per-host politeness with the other Crawlers
	// given the same Hosts, so that jobs run at once by one process are
	// polite to a host they both crawl together (see Hosts). nil: this
	// Crawler's Runs count their own requests only.
	Hosts *Hosts
	// Delay is the time between two request starts on one host (a host's
	// robots.txt Crawl-delay wins when it is longer). 0: no delay.
	Delay time.Duration
	// UserAgent is sent with every request. "": DefaultUserAgent.
	UserAgent string
	// MaxBodyBytes caps a response body after decompression; a longer body
	// fails the fetch with ErrBodyTooLarge. Seeds and the sitemaps of a
	// sitemap index may be sitemaps, which may hold 50 MB: they get at
	// least that. 0: no limit.
	MaxBodyBytes int64
	// Timeout caps one request, body included. 0: no timeout.
	Timeout time.Duration
	// MaxRedirects caps the redirects one fetch follows; one more fails
	// the fetch with ErrTooManyRedirects. 0: redirects are not followed
	// (the 3xx is a StatusError).
	MaxRedirects int

	// MaxRetries is how many times one URL is retried after a 429, 502, 503
	// or 504. A host that answers so MaxRetries+1 times in a row, whatever
	// the URLs, is left alone for the rest of the Run (its other URLs count
	// as Skipped). 0: never retried, and a host is left alone after its
	// first such answer.
	MaxRetries int
	// RetryBudget caps the retries of one Run, all URLs and hosts
	// together; once spent, a 429/5xx still pauses its host as it asks,
	// but the URL fails. 0: no cap beyond MaxRetries.
	RetryBudget int
	// RetryBase is the first back-off after a 429/5xx without Retry-After;
	// it doubles with each retry of a URL. 0: one second.
	RetryBase time.Duration
	// MaxRetryWait is the longest pause of a host for one 429/5xx: a
	// back-off without Retry-After stops growing there, and a host whose
	// Retry-After asks for longer is left alone for the rest of the Run
	// (its URLs fail or are skipped; the next Run comes back). 0: ten
	// minutes.
	MaxRetryWait time.Duration

	// Sink receives the pages. Required.
	Sink Sink
	// Validators returns the ETag and Last-Modified stored for a URL, sent
	// as If-None-Match / If-Modified-Since. nil: no conditional requests.
	Validators func(url string) (etag, lastModified string)
	// StoredBody returns the body stored for a URL, or nil. A page that
	// answers 304 has its links followed from it, so that the pages it
	// links to are revisited when due even while it does not change. nil:
	// a 304's links are not followed.
	StoredBody func(url string) []byte
	// History reports when a URL was first and last fetched (ok false:
	// never); discovered pages are then revisited only when RevisitDue
	// says so. nil: every discovered page is fetched on every Run.
	History func(url string) (first, last time.Time, ok bool)
	// RevisitMin and RevisitMax bound the revisit interval of discovered
	// pages (see RevisitDue). 0: one hour and thirty days.
	RevisitMin, RevisitMax time.Duration
	// Frontier holds the queue and the done-set. nil: in memory, so a Run
	// cannot be resumed by another process.
	Frontier Frontier

	// Logger receives one line per fetch and per problem. nil: discard.
	Logger *slog.Logger
	// Progress, when set, shows a progress bar (meant for a terminal).
	// nil: none.
	Progress io.Writer
	// Metrics, when set, counts pages, errors, bytes and fetch times for
	// Prometheus. nil: none.
	Metrics *Metrics

	// Transport replaces the HTTP transport (a test seam, or a tuned
	// transport). nil: a transport that refuses private addresses at dial
	// time (unless AllowPrivate) and keeps Parallelism idle connections
	// per host.
	Transport http.RoundTripper
	// Now returns the current time for Page.FetchedAt, cookies and revisit
	// decisions (politeness waits use the wall clock). nil: time.Now.
	Now func() time.Time
}

// DefaultOptions returns conservative options for real sites: 2 requests
// in flight per host, one second between request starts, robots.txt
// obeyed (a Crawl-delay up to a minute), links followed one hop (Depth 1),
// 10 MiB bodies, 30 s per
// request, 5 redirects, 3 retries of a 429/502/503/504 and at most 100 per
// run. Set Seeds and Sink before calling New.
func DefaultOptions() Options {
	return Options{
		Depth:         1,
		Parallelism:   2,
		Delay:         time.Second,
		UserAgent:     DefaultUserAgent,
		MaxBodyBytes:  10 << 20,
		Timeout:       30 * time.Second,
		MaxRedirects:  5,
		MaxRetries:    3,
		RetryBudget:   100,
		RetryBase:     2 * time.Second,
		MaxCrawlDelay: time.Minute,
		MaxRetryWait:  10 * time.Minute,
		RevisitMin:    time.Hour,
		RevisitMax:    30 * 24 * time.Hour,
	}
}

// config is Options checked and completed with defaults for zero values.
type config struct {
	Options
	seeds    []string // cleaned (urlnorm.Clean)
	hosts    []hostPattern
	patterns []*regexp.Regexp
	now      func() time.Time
	log      *slog.Logger
}

func newConfig(opts Options) (*config, error) {
	c := &config{Options: opts}
	if len(opts.Seeds) == 0 {
		return nil, ErrNoSeeds
	}
	if opts.Sink == nil {
		return nil, ErrNoSink
	}
	for _, s := range opts.Seeds {
		n, err := urlnorm.Clean(s)
		if err != nil {
			return nil, fmt.Errorf("%w %q: %v", ErrBadSeed, s, err)
		}
		c.seeds = append(c.seeds, n)
	}
	for _, p := range opts.URLPatterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("%w: URLPatterns %q: %v", ErrBadOption, p, err)
		}
		c.patterns = append(c.patterns, re)
	}
	// The seeds' hosts are always allowed: a seed is fetched because it
	// was asked for, and so are its redirects and links.
	hosts := slices.Clone(opts.AllowedHosts)
	for _, s := range c.seeds {
		hosts = append(hosts, urlnorm.Host(s))
	}
	for _, h := range hosts {
		hp, err := parseHostPattern(h)
		if err != nil {
			return nil, fmt.Errorf("%w: AllowedHosts %q: %v", ErrBadOption, h, err)
		}
		if !slices.Contains(c.hosts, hp) {
			c.hosts = append(c.hosts, hp)
		}
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"Depth", int64(opts.Depth)}, {"MaxPages", int64(opts.MaxPages)},
		{"Parallelism", int64(opts.Parallelism)}, {"Delay", int64(opts.Delay)},
		{"MaxBodyBytes", opts.MaxBodyBytes}, {"Timeout", int64(opts.Timeout)},
		{"MaxRedirects", int64(opts.MaxRedirects)}, {"MaxRetries", int64(opts.MaxRetries)},
		{"RetryBudget", int64(opts.RetryBudget)}, {"RetryBase", int64(opts.RetryBase)},
		{"MaxRetryWait", int64(opts.MaxRetryWait)}, {"RevisitMin", int64(opts.RevisitMin)},
		{"RevisitMax", int64(opts.RevisitMax)}, {"MaxCrawlDelay", int64(opts.MaxCrawlDelay)},
	} {
		if f.v < 0 {
			return nil, fmt.Errorf("%w: %s is negative", ErrBadOption, f.name)
		}
	}
	if c.Parallelism == 0 {
		c.Parallelism = 1
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.RetryBase == 0 {
		c.RetryBase = time.Second
	}
	if c.MaxRetryWait == 0 {
		c.MaxRetryWait = 10 * time.Minute
	}
	if c.RevisitMin == 0 {
		c.RevisitMin = time.Hour
	}
	if c.RevisitMax == 0 {
		c.RevisitMax = 30 * 24 * time.Hour
	}
	c.now = opts.Now
	if c.now == nil {
		c.now = time.Now
	}
	c.log = opts.Logger
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// hostPattern is one entry of AllowedHosts.
type hostPattern struct {
	host       string // without "www." and port
	subdomains bool
}

func parseHostPattern(s string) (hostPattern, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	var hp hostPattern
	if rest, ok := strings.CutPrefix(s, "*."); ok {
		hp.subdomains, s = true, rest
	}
	if strings.Contains(s, "://") {
		s = urlnorm.Host(s)
	}
	s = strings.TrimPrefix(s, "www.")
	if s == "" || strings.ContainsAny(s, "/?#* ") {
		return hp, fmt.Errorf("not a host name")
	}
	hp.host = s
	return hp, nil
}

// hostAllowed reports whether the host of u may be fetched.
func (c *config) hostAllowed(u string) bool {
	h := urlnorm.Host(u)
	if h == "" {
		return false
	}
	for _, p := range c.hosts {
		if h == p.host || p.subdomains && strings.HasSuffix(h, "."+p.host) {
			return true
		}
	}
	return false
}

// patternAllowed reports whether a discovered link matches URLPatterns.
func (c *config) patternAllowed(u string) bool {
	if len(c.patterns) == 0 {
		return true
	}
	for _, re := range c.patterns {
		if re.MatchString(u) {
			return true
		}
	}
	return false
}
