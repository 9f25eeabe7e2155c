package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
)

func TestParallelismPerHost(t *testing.T) {
	for _, par := range []int{1, 2, 3} {
		var inFlight, peak atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond) // let requests overlap if they may
			if r.URL.Path == "/" {
				var links []string
				for i := range 20 {
					links = append(links, fmt.Sprintf("/p/%d", i))
				}
				fmt.Fprint(w, article(0, links...))
				return
			}
			fmt.Fprint(w, article(1))
		}))
		t.Cleanup(srv.Close)
		sink := &memSink{}
		o := testOptions(sink, srv.URL+"/")
		o.Parallelism = par
		o.IgnoreRobots = true
		mustRun(t, o)
		if len(sink.pages) != 21 {
			t.Errorf("Parallelism %d: %d pages", par, len(sink.pages))
		}
		if got := int(peak.Load()); got > par {
			t.Errorf("Parallelism %d: %d requests in flight at once", par, got)
		}
	}
}

// slowSink blocks Put for one URL until release is closed.
type slowSink struct {
	memSink
	block   string
	release chan struct{}
}

func (s *slowSink) Put(ctx context.Context, p *newsarchive.Page) error {
	if strings.HasSuffix(p.URL, s.block) {
		<-s.release
	}
	return s.memSink.Put(ctx, p)
}

// TestSlotIsForTheRequest checks that a host's slot is held for the
// request only: with Parallelism 1, a page still being stored (a Sink
// waiting on the disk, say) does not keep the next page from being
// fetched.
func TestSlotIsForTheRequest(t *testing.T) {
	sink := &slowSink{block: "/p/0", release: make(chan struct{})}
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, article(0, "/p/0", "/p/1"))
		case "/p/1":
			// Fetched while /p/0 is held in the Sink: let it go.
			once.Do(func() { close(sink.release) })
			fmt.Fprint(w, article(2))
		default:
			fmt.Fprint(w, article(1))
		}
	}))
	t.Cleanup(srv.Close)
	o := testOptions(sink, srv.URL+"/")
	o.Parallelism = 1
	o.IgnoreRobots = true
	go func() {
		// Held through storing, the slot would never let /p/1 be fetched.
		time.Sleep(10 * time.Second)
		once.Do(func() { close(sink.release) })
	}()
	start := time.Now()
	mustRun(t, o)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the crawl took %v: the next request waited for the page being stored", d)
	}
	if len(sink.pages) != 3 {
		t.Errorf("%d pages stored, want 3", len(sink.pages))
	}
}

// failingFrontier fails AddRequest after n calls.
type failingFrontier struct {
	Frontier
	mu sync.Mutex
	n  int
}

func (f *failingFrontier) AddRequest(b []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		return errors.New("disk full")
	}
	f.n--
	return f.Frontier.AddRequest(b)
}

func TestFrontierErrorStopsRun(t *testing.T) {
	s := newSite(t)
	o := testOptions(&memSink{}, s.URL+"/")
	o.Depth = 3
	o.Frontier = &failingFrontier{Frontier: NewMemoryFrontier(), n: 3}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run(context.Background())
	if !errors.Is(err, ErrFrontier) || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Run: %v, want ErrFrontier with the cause", err)
	}
}

func TestCustomTransportStillRefusesPrivateLiterals(t *testing.T) {
	s := newSite(t)
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/")
	o.AllowPrivate = false
	o.IgnoreRobots = true
	o.Transport = http.DefaultTransport
	var logs bytes.Buffer
	o.Logger = newTestLogger(&logs)
	st := mustRun(t, o)
	if st.Errors != 1 || len(sink.pages) != 0 || !strings.Contains(logs.String(), ErrPrivateAddress.Error()) {
		t.Errorf("Stats %+v, pages %d; log:\n%s", st, len(sink.pages), logs.String())
	}
}

func TestCookiesKeptPerHost(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path+"="+r.Header.Get("Cookie"))
		mu.Unlock()
		if r.URL.Path == "/" {
			http.SetCookie(w, &http.Cookie{Name: "consent", Value: "yes", Path: "/"})
			fmt.Fprint(w, article(0, "/a"))
			return
		}
		fmt.Fprint(w, article(1))
	}))
	t.Cleanup(srv.Close)
	f := NewMemoryFrontier()
	o := testOptions(&memSink{}, srv.URL+"/")
	o.IgnoreRobots = true
	o.Frontier = f
	mustRun(t, o)
	if want := "/a=consent=yes"; len(got) != 2 || got[1] != want {
		t.Errorf("requests %q, want the second to be %q", got, want)
	}
	u, _ := url.Parse(srv.URL)
	if c := f.Cookies(u); !strings.Contains(c, "consent=yes") {
		t.Errorf("frontier cookies %q", c)
	}
}

// strictFrontier returns an error from GetRequest on an empty queue, as
// colly's queue contract (and the archive's Frontier) does.
type strictFrontier struct{ Frontier }

var errQueueEmpty = errors.New("queue empty")

func (f strictFrontier) GetRequest() ([]byte, error) {
	b, err := f.Frontier.GetRequest()
	if b == nil && err == nil {
		return nil, errQueueEmpty
	}
	return b, err
}

func TestStrictFrontierConcurrentTakes(t *testing.T) {
	s := newSite(t)
	for range 20 {
		sink := &memSink{}
		o := testOptions(sink, s.URL+"/", s.URL+"/sitemap.xml", s.URL+"/feed.rss")
		o.Depth = 3
		o.Frontier = strictFrontier{noPeek{NewMemoryFrontier()}}
		mustRun(t, o)
		if len(sink.pages) < 8 {
			t.Fatalf("%d pages", len(sink.pages))
		}
	}
}

// publicFront is a Transport that serves the host "news.test" from a
// loopback test server, as if it were a public site, and sends every other
// request through the crawler's default transport, private addresses
// refused.
type publicFront struct {
	front *httptest.Server
	next  http.RoundTripper
}

func (p publicFront) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Hostname() != "news.test" {
		return p.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Host = strings.TrimPrefix(p.front.URL, "http://")
	return http.DefaultTransport.RoundTrip(r)
}

// TestRedirectToPrivateRefused: a public page that redirects to a cloud
// metadata address, a loopback literal, an IPv4-mapped loopback, or a name
// that resolves to loopback is refused at that hop, even when the
// redirect's host is allowed, and the private server is never reached.
func TestRedirectToPrivateRefused(t *testing.T) {
	var privateHits atomic.Int32
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		privateHits.Add(1)
		fmt.Fprint(w, article(9))
	}))
	t.Cleanup(private.Close)
	port := private.URL[strings.LastIndex(private.URL, ":")+1:]
	for _, to := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://[::1]:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port + "/",
		"http://localhost:" + port + "/",
		"http://127.0.0.1:" + port + "/",
	} {
		t.Run(to, func(t *testing.T) {
			privateHits.Store(0)
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, to, http.StatusFound)
			}))
			t.Cleanup(front.Close)
			sink := &memSink{}
			o := testOptions(sink, "http://news.test/")
			o.AllowPrivate = false
			o.IgnoreRobots = true
			o.AllowedHosts = []string{"169.254.169.254", "fd00:ec2::254", "::1", "::ffff:127.0.0.1", "localhost", "127.0.0.1"}
			o.Transport = publicFront{front: front, next: newTransport(false, 1, 5*time.Second)}
			var logs bytes.Buffer
			o.Logger = newTestLogger(&logs)
			st := mustRun(t, o)
			if len(sink.pages) != 0 || st.Errors != 1 || !strings.Contains(logs.String(), ErrPrivateAddress.Error()) {
				t.Errorf("%d pages, Stats %+v; want 1 error naming the private address:\n%s", len(sink.pages), st, logs.String())
			}
			if n := privateHits.Load(); n != 0 {
				t.Errorf("the private server was reached %d times", n)
			}
		})
	}
}

// TestHostsShared: two Crawlers that share a Hosts (the jobs of one
// schedule process) are polite to a host together: with Parallelism 1
// each, the host never has two of their requests at once.
func TestHostsShared(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(5 * time.Millisecond) // let requests overlap if they may
		fmt.Fprint(w, article(1))
	}))
	t.Cleanup(srv.Close)
	hosts := &Hosts{}
	var wg sync.WaitGroup
	for job := range 2 {
		var seeds []string
		for i := range 10 {
			seeds = append(seeds, fmt.Sprintf("%s/job%d/%d", srv.URL, job, i))
		}
		o := testOptions(&memSink{}, seeds...)
		o.Depth = 0
		o.Parallelism = 1
		o.IgnoreRobots = true
		o.Hosts = hosts
		c, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if st, err := c.Run(context.Background()); err != nil || st.Pages != 10 {
				t.Errorf("job %d: %+v, %v", job, st, err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > 1 {
		t.Errorf("%d requests in flight at once, want 1", p)
	}
}
