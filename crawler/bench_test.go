package crawler

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/fixtures"
)

// benchPages is the size of the generated site (issue 6: at least 2,000
// real-shaped pages, 100–170 KB each).
const (
	benchPages       = 2000
	benchParallelism = 8
)

func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(fixtures.Generated(benchPages))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkCrawlColly is the baseline: bare colly following every link of
// the generated site, with a transport tuned like ours (idle connections
// per host ≥ parallelism, so sockets are reused).
func BenchmarkCrawlColly(b *testing.B) {
	srv := benchServer(b)
	u, _ := url.Parse(srv.URL)
	b.ReportAllocs()
	var pages, bytes int64
	start := time.Now()
	for b.Loop() {
		c := colly.NewCollector(colly.Async(true), colly.AllowedDomains(u.Hostname()))
		c.WithTransport(&http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: benchParallelism, IdleConnTimeout: 90 * time.Second})
		if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: benchParallelism}); err != nil {
			b.Fatal(err)
		}
		c.OnHTML("a[href]", func(e *colly.HTMLElement) { e.Request.Visit(e.Attr("href")) })
		c.OnResponse(func(r *colly.Response) {
			atomic.AddInt64(&pages, 1)
			atomic.AddInt64(&bytes, int64(len(r.Body)))
		})
		if err := c.Visit(srv.URL + "/"); err != nil {
			b.Fatal(err)
		}
		c.Wait()
	}
	report(b, pages, bytes, time.Since(start))
}

// BenchmarkCrawlCollyFetchOnly is bare colly's fetch rate: the URLs of
// every page given up front, no HTML parsing at all — the ceiling of what
// any colly-based crawler can reach on this machine.
func BenchmarkCrawlCollyFetchOnly(b *testing.B) {
	srv := benchServer(b)
	b.ReportAllocs()
	var pages, bytes int64
	start := time.Now()
	for b.Loop() {
		c := colly.NewCollector(colly.Async(true))
		c.WithTransport(&http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: benchParallelism, IdleConnTimeout: 90 * time.Second})
		if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: benchParallelism}); err != nil {
			b.Fatal(err)
		}
		c.OnResponse(func(r *colly.Response) {
			atomic.AddInt64(&pages, 1)
			atomic.AddInt64(&bytes, int64(len(r.Body)))
		})
		for i := range benchPages {
			if err := c.Visit(srv.URL + fixtures.GeneratedPath(i)); err != nil {
				b.Fatal(err)
			}
		}
		c.Wait()
	}
	report(b, pages, bytes, time.Since(start))
}

// BenchmarkCrawlCrawler is this package on the same site: normalised
// seen-set, frontier with leases, per-host gate, robots.txt, caps, a Sink
// that drops the pages.
func BenchmarkCrawlCrawler(b *testing.B) {
	srv := benchServer(b)
	b.ReportAllocs()
	var pages, bytes int64
	start := time.Now()
	for b.Loop() {
		o := DefaultOptions()
		o.Seeds = []string{srv.URL + "/"}
		o.AllowPrivate = true
		o.Depth = 3
		o.Delay = 0
		o.Parallelism = benchParallelism
		o.Sink = SinkFunc(func(_ context.Context, p *newsarchive.Page) error {
			atomic.AddInt64(&pages, 1)
			atomic.AddInt64(&bytes, int64(len(p.Body)))
			return nil
		})
		c, err := New(o)
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.Run(context.Background())
		if err != nil || st.Errors != 0 {
			b.Fatalf("%+v, %v", st, err)
		}
	}
	report(b, pages, bytes, time.Since(start))
}

func report(b *testing.B, pages, bytes int64, d time.Duration) {
	b.ReportMetric(float64(pages)/d.Seconds(), "pages/s")
	b.ReportMetric(float64(pages)/float64(b.N), "pages/op")
	if bytes > 0 {
		b.ReportMetric(float64(bytes)/float64(pages)/1024, "KiB/page")
	}
}

// largeBench enables BenchmarkCrawlLarge, which takes minutes.
var largeBench = flag.Bool("crawler.large", false, "run BenchmarkCrawlLarge (minutes)")

// BenchmarkCrawlLarge crawls a bigger generated site with the in-memory
// frontier and reports the process's peak RSS (VmHWM: server included, so
// run it alone):
//
//	go test -run '^$' -bench CrawlLarge/100000 -benchtime 1x -timeout 30m ./crawler -crawler.large
func BenchmarkCrawlLarge(b *testing.B) {
	if !*largeBench {
		b.Skip("takes minutes: run with -crawler.large")
	}
	for _, n := range []int{20000, 100000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			srv := httptest.NewServer(fixtures.Generated(n))
			b.Cleanup(srv.Close)
			var pages int64
			start := time.Now()
			for b.Loop() {
				o := DefaultOptions()
				o.Seeds = []string{srv.URL + "/"}
				o.AllowPrivate = true
				o.Depth = 3
				o.Delay = 0
				o.Parallelism = benchParallelism
				o.Sink = SinkFunc(func(_ context.Context, p *newsarchive.Page) error {
					atomic.AddInt64(&pages, 1)
					return nil
				})
				c, err := New(o)
				if err != nil {
					b.Fatal(err)
				}
				if st, err := c.Run(context.Background()); err != nil || st.Errors != 0 {
					b.Fatalf("%+v, %v", st, err)
				}
			}
			report(b, pages, 0, time.Since(start))
			if kb := peakRSSKiB(); kb > 0 {
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MiB")
			}
		})
	}
}

// peakRSSKiB reads VmHWM from /proc/self/status (Linux), or 0.
func peakRSSKiB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}
