package crawler

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// reservedPrefixes are the address ranges refused unless AllowPrivate, on
// top of what netip.Addr's Is* methods recognise.
var reservedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (CGNAT; some cloud metadata)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // TEST-NET-1
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),  // TEST-NET-3
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may embed a private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
}

// blockedAddr reports whether a connection to ip must be refused when
// private addresses are not allowed.
func blockedAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsMulticast() {
		return true
	}
	for _, p := range reservedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// dialControl is a net.Dialer Control func: it runs on the resolved address
// of every connection, so it also covers redirects and DNS that resolves a
// public name to a private address.
func dialControl(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%s: %w", address, ErrPrivateAddress)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || blockedAddr(ip) {
		return fmt.Errorf("%s: %w", address, ErrPrivateAddress)
	}
	return nil
}

// literalBlocked reports whether a URL host is an IP literal that must be
// refused; it guards custom Transports, which do not get dialControl.
func literalBlocked(host string) bool {
	h := host
	if sh, _, err := net.SplitHostPort(host); err == nil {
		h = sh
	}
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	return err == nil && blockedAddr(ip)
}

// maxHeaderBytes caps the response header (net/http's default is 10 MB).
const maxHeaderBytes = 256 << 10

// newTransport returns the default transport: the private-address guard at
// dial time (unless allowPrivate), no proxy from the environment, and enough
// idle connections per host for parallelism requests in flight.
func newTransport(allowPrivate bool, parallelism int, timeout time.Duration) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if timeout > 0 && timeout < d.Timeout {
		d.Timeout = timeout
	}
	if !allowPrivate {
		d.Control = dialControl
	}
	idle := max(parallelism, 2)
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           max(100, idle*4),
		MaxIdleConnsPerHost:    idle,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: maxHeaderBytes,
	}
}

// capTransport caps response bodies after decompression. Decompression is
// done here, for the cases the standard transport leaves to the caller
// (a gzip Content-Encoding it did not ask for, a gzip file such as
// sitemap.xml.gz), so that colly never inflates an unbounded stream.
type capTransport struct {
	next     http.RoundTripper
	max      int64 // 0: no cap
	feedMax  int64 // the cap of requests marked with feedHeader
	literals bool  // refuse private IP literals before sending
}

// feedHeader marks a request that may be a sitemap or feed (a seed, or
// what a sitemap index lists): those get the larger of MaxBodyBytes and
// maxFeedBytes, as sitemaps may hold 50,000 URLs. The header is removed
// before the request leaves.
const feedHeader = "X-Newsarchive-Feed"

// fetchHeader names the fetch a request (and every hop of its redirects)
// belongs to, for checkRedirect. The header is removed before the request
// leaves.
const fetchHeader = "X-Newsarchive-Fetch"

// maxFeedBytes is the sitemap protocol's limit on an uncompressed sitemap.
const maxFeedBytes = 50 << 20

func (t *capTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.literals && literalBlocked(req.URL.Host) {
		return nil, fmt.Errorf("%s: %w", req.URL.Host, ErrPrivateAddress)
	}
	limit := t.max
	_, feed := req.Header[feedHeader]
	if _, fetch := req.Header[fetchHeader]; feed || fetch {
		req = req.Clone(req.Context()) // a RoundTripper must not change its request
		req.Header.Del(feedHeader)
		req.Header.Del(fetchHeader)
	}
	if feed && limit > 0 {
		limit = max(limit, t.feedMax)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	body := resp.Body
	ce := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	gzipFile := ce == "" && (strings.Contains(ct, "gzip") || strings.HasSuffix(strings.ToLower(req.URL.Path), ".gz"))
	if !resp.Uncompressed && (ce == "gzip" || ce == "x-gzip" || gzipFile) {
		br := &peekCloser{r: body, c: body}
		magic, _ := br.peek(2)
		if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
			zr, err := gzip.NewReader(br)
			if err != nil {
				body.Close()
				return nil, fmt.Errorf("%s: bad gzip body: %w", req.URL, err)
			}
			resp.Body = &readCloser{r: zr, c: body}
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
			resp.Uncompressed = true
		} else {
			resp.Body = br
		}
	}
	if limit > 0 {
		resp.Body = &cappedBody{rc: resp.Body, left: limit}
	}
	return resp, nil
}

// cappedBody fails with ErrBodyTooLarge once more than its cap was read.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly the cap from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, ErrBodyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// peekCloser is a reader that can look at its first bytes without losing
// them.
type peekCloser struct {
	r    io.Reader
	c    io.Closer
	head []byte
}

func (p *peekCloser) peek(n int) ([]byte, error) {
	buf := make([]byte, n)
	m, err := io.ReadFull(p.r, buf)
	p.head = buf[:m]
	return p.head, err
}

func (p *peekCloser) Read(b []byte) (int, error) {
	if len(p.head) > 0 {
		n := copy(b, p.head)
		p.head = p.head[n:]
		return n, nil
	}
	return p.r.Read(b)
}

func (p *peekCloser) Close() error { return p.c.Close() }

type readCloser struct {
	r io.Reader
	c io.Closer
}

func (r *readCloser) Read(b []byte) (int, error) { return r.r.Read(b) }
func (r *readCloser) Close() error               { return r.c.Close() }
