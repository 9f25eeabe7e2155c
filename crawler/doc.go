// Package crawler fetches news pages politely and hands them, one
// newsarchive.Page per fetch, to a Sink (the archive, adapted in cmd).
//
// It is the only package that imports colly: colly builds and sends the
// requests and runs the response callbacks; everything around it — the
// frontier, per-host politeness, robots.txt, retries, safety caps, and a
// link scanner several times faster than colly's OnHTML — lives here.
//
// # What a crawl does
//
// Seeds are page URLs, sitemaps (urlset, sitemap index, Google News
// sitemaps, gzip-compressed or not) and RSS/Atom feeds; which one a seed is
// is decided from what the server sends, not from its name. The pages a
// sitemap or feed lists are fetched at the seed's depth (so Depth 0 with a
// sitemap seed fetches every page the sitemap lists); links found in HTML
// pages are followed while their depth is at most Options.Depth, only on the
// allowed hosts and only when they match Options.URLPatterns. Dates and titles
// that a feed or news sitemap gives travel with the page as newsarchive.Hint.
// Sitemaps, feeds and robots.txt are never emitted to the Sink: only HTML
// pages are.
//
// URLs are queued as they would be fetched (internal/urlnorm.Clean: host in
// lower case, no default port, no fragment), query included: a link with
// utm_* parameters is another URL than its clean form, and both are fetched,
// because the archive records every URL an article was fetched under (the
// page's rel=canonical, not the crawler, says they are one article). When a
// redirect happens, Page.URL is where it ended and Page.RequestedURL the
// URL that was asked for.
//
// # Politeness
//
// Every host has a gate: at most Options.Parallelism requests in flight,
// and request starts spaced by Options.Delay, or by the host's robots.txt
// Crawl-delay when that is longer (a host asking for more than
// MaxCrawlDelay is skipped). Crawlers given the same Options.Hosts (the
// jobs of one process) share each host's slots and spacing. A redirect to
// another host waits at that host's gate like a fetch of it, after giving
// up the slot of the host it left (whose answer is in), so a fetch holds
// one host's slot at a time and hosts that redirect to each other cannot
// deadlock; a 429 or 5xx at the end of redirects pauses the host that gave
// it. robots.txt is
// obeyed (unless IgnoreRobots), at every hop of a redirect too, and so are
// nofollow in <meta name="robots"> and X-Robots-Tag. A 429 (or
// a 502, 503, 504) pauses the whole host for the Retry-After the server
// asked for (or an exponential back-off when it gave none), with jitter,
// and the URL is retried within a per-URL and a per-run budget (a spent
// budget still pauses the host); a host that asks for longer than
// MaxRetryWait, or answers so MaxRetries+1 times in a row, is left alone
// until the next Run, and so is a host whose robots.txt answers 5xx or
// 429, or cannot be fetched for a network error, tried twice (its URLs
// then fail with ErrRobotsUnreachable).
// Conditional requests (If-None-Match, If-Modified-Since) are sent when
// Options.Validators knows the page; a 304 is emitted as a Page with Status
// 304 and no body, and its links are followed from the body
// Options.StoredBody returns for it.
//
// # Safety
//
// Unless AllowPrivate is set, every connection — redirects included — is
// refused when the address it resolved to is loopback, private, link-local
// (which includes the cloud metadata address 169.254.169.254), unspecified,
// multicast, shared (100.64.0.0/10) or otherwise reserved; the check runs on
// the resolved IP at dial time, so DNS tricks do not get around it. Bodies
// are capped after decompression (a gzip bomb stops at MaxBodyBytes), every
// request has a Timeout covering the whole body, redirects are capped, and
// responses that are not HTML are not emitted.
//
// # Resuming and revisiting
//
// The frontier (the queue of URLs to fetch and the set of URLs done) lives
// behind the Frontier interface; the default keeps it in memory, the archive
// provides one over bbolt. Each Run is one generation of the frontier: a page
// is marked done only after the Sink accepted it, and a Run that stops early
// (cancelled, killed, Sink failure) leaves its generation open, so the next
// Run with the same Frontier continues it without refetching finished pages.
// A Run that finishes closes its generation: the next Run starts afresh, and
// revisits every seed. A Frontier that is a Forgetter (the archive's is)
// drops the done-set then, so it never outgrows one Run. Discovered (non-seed) pages are revisited on a schedule
// that slows with their age, when Options.History tells the crawler when a
// page was first and last fetched (see RevisitDue).
//
// # Caveats
//
//   - An item stays in the queue (a lease copy is added back when it is
//     taken) until it is marked done, so a kill loses nothing; the price is
//     one more queue write per URL (two with a Frontier that is not a
//     Leaser), and pages in flight at the kill are fetched again (the Sink
//     may see a page twice; the archive adds a snapshot). With a Leaser, the
//     links of a page are queued and the page marked done in one write.
//   - When Options.Transport is set, the private-address check at dial time
//     is the Transport's business; only literal IP addresses in URLs are
//     still refused by the crawler itself.
//   - A page that answers 304 has no body: without Options.StoredBody its
//     links are not followed in that Run, and the pages linked only from a
//     page that does not change are never revisited.
//   - Cookies are kept per host (through the Frontier), without paths.
//   - Delay spaces request starts per host (one start every Delay, whatever
//     Parallelism), unlike colly's LimitRule, which sleeps per slot.
package crawler
